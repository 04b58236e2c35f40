//! MLOps Portfolio: the core library behind the desktop app, the CLI and browser mode.
//!
//! The arrows point one way: the surfaces call [`api`]; `api` calls [`plan`] (the planning core:
//! every headline figure, forecast and attention item, computed once), [`report`], [`charts`],
//! [`analytics`] (chart series and the forecast report's layout), [`governance`] (classification,
//! checklists, the promotion gate, model cards), [`io`], [`sync`] and [`store`];
//! everything uses [`domain`], which depends on nothing of ours.

pub mod analytics;
pub mod api;
pub mod charts;
pub mod connect;
pub mod demo;
pub mod domain;
pub mod error;
pub mod governance;
pub mod io;
pub mod plan;
pub mod report;
pub mod server;
pub mod store;
pub mod sync;

pub use error::{ApiError, Error, ErrorCode, Result};
