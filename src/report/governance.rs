//! The compliance summary of the report and the workbook: every model's risk class, checklist
//! progress, overdue controls, sign-offs and flag, from [`crate::governance::overview`].

use crate::governance::overview::{GovernanceFlag, ModelGovernance, Overview};
use crate::io::export::{Cell, Sheet};

use super::html::{Column, Table};

fn flag_words(flag: Option<GovernanceFlag>) -> &'static str {
    match flag {
        Some(GovernanceFlag::PromotedOutsideGate) => "promoted outside the gate",
        Some(GovernanceFlag::NeedsReview) => "needs review",
        None => "",
    }
}

fn signoff_words(m: &ModelGovernance) -> String {
    if m.approvers_needed == 0 { "—".into() } else { format!("{} of {}", m.approvers, m.approvers_needed) }
}

/// One line about the whole portfolio: classes, overdue controls, flagged models.
pub fn compliance_caption(o: &Overview) -> String {
    let classes: Vec<String> =
        o.by_class.iter().filter(|c| c.models > 0).map(|c| format!("{} {}", c.models, c.risk_class)).collect();
    let flagged = o.models.iter().filter(|m| m.flag.is_some()).count();
    format!(
        "Compliance, {} ({}): {}; {} overdue control{}; {} production model{} flagged",
        o.as_of.format("%-d %B %Y"),
        o.jurisdictions.join(", "),
        classes.join(", "),
        o.overdue.len(),
        if o.overdue.len() == 1 { "" } else { "s" },
        flagged,
        if flagged == 1 { "" } else { "s" }
    )
}

pub fn compliance_table(o: &Overview) -> Table {
    Table {
        caption: compliance_caption(o),
        columns: vec![
            Column::text("Model"),
            Column::text("Stage"),
            Column::text("Risk class"),
            Column::text("Frameworks"),
            Column::number("Checklist"),
            Column::number("Overdue"),
            Column::number("Sign-offs"),
            Column::text("Flag"),
        ],
        rows: o
            .models
            .iter()
            .map(|m| {
                vec![
                    m.model.clone(),
                    m.stage.to_string(),
                    m.risk_class.to_string(),
                    m.frameworks.iter().map(|f| f.framework.as_str()).collect::<Vec<_>>().join(", "),
                    format!("{} of {}", m.closed, m.applicable),
                    m.overdue.to_string(),
                    signoff_words(m),
                    flag_words(m.flag).to_owned(),
                ]
            })
            .collect(),
    }
}

pub fn compliance_sheet(o: &Overview) -> Sheet {
    let count = |n: usize| Cell::Integer(i64::try_from(n).unwrap_or(i64::MAX));
    Sheet {
        name: "Compliance".into(),
        headers: [
            "model",
            "stage",
            "risk_class",
            "frameworks",
            "controls_closed",
            "controls_applicable",
            "overdue",
            "approvers",
            "approvers_needed",
            "flag",
        ]
        .map(String::from)
        .to_vec(),
        rows: o
            .models
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.model.clone()),
                    Cell::Text(m.stage.to_string()),
                    Cell::Text(m.risk_class.to_string()),
                    Cell::Text(m.frameworks.iter().map(|f| f.framework.as_str()).collect::<Vec<_>>().join(", ")),
                    count(m.closed),
                    count(m.applicable),
                    count(m.overdue),
                    count(m.approvers),
                    count(m.approvers_needed),
                    Cell::Text(flag_words(m.flag).to_owned()),
                ]
            })
            .collect(),
    }
}
