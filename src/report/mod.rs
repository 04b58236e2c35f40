//! The executive report: headline figures, the charts, the tables and an "as of" time in one
//! self-contained HTML file ([`html`]) for a board deck or an offline laptop.

pub mod html;
