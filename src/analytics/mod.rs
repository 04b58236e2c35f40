//! Figures computed from the portfolio: rollups, the executive summary and the series behind the
//! charts (forecasts and scenarios join them here). Everything is read-only and in the base currency.

pub mod forecast;
pub mod money;
pub mod series;
pub mod summary;
