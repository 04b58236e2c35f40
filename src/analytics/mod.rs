//! Figures computed from the portfolio: rollups and the executive summary (forecasts and scenarios
//! join them here). Everything is read-only and in the base currency.

pub mod forecast;
pub mod money;
pub mod summary;
