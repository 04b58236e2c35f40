//! Views of the portfolio beside the planning core: the series behind each chart, the forecast
//! report's layout of the plan, and the conversion into the base currency. Figures that a person
//! compares across surfaces (budget, actual, variance, landing, run-out, headcount, attention) are
//! the plan's ([`crate::plan`]); this module lays them out and gathers what only a chart needs.

pub mod forecast;
pub mod series;
