//! What the team will cost: the planning core's team projection ([`crate::plan::team`]), named
//! here for the forecast report that lists it.

pub use crate::plan::team::{HeadcountMonth, HeadcountProjection, InitiativeHeadcountCost};
