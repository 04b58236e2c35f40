//! A model card: one self-contained page about a model — inventory, classification with its
//! reasons, checklist with evidence, sign-offs, bound metrics with their latest values, KPIs and
//! fully loaded cost — as HTML (escaped like the report) or Markdown. Every value comes from the
//! same code the app and the CLI read.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::Register;
use crate::domain::{EntityKind, Model, ModelId, Money, words::compact_money};
use crate::error::{Error, Result};
use crate::report::html::escape;

/// A card, before it is written out.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub facts: Vec<(String, String)>,
    pub table: Option<Table>,
    /// Said when the section has nothing to show.
    pub empty: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn section(heading: &str) -> Section {
    Section { heading: heading.into(), facts: Vec::new(), table: None, empty: None }
}

/// Gathers `model`'s card as of `today`.
pub fn build(conn: &Connection, id: ModelId, today: NaiveDate) -> Result<Card> {
    let register = Register::load(conn, Some(id))?;
    let model: &Model = &register.model(id)?.record;
    let checklist = register.checklist(id, model, today);
    let class = &checklist.classification;
    let yes_no = |v: Option<bool>| v.map_or("not answered", |b| if b { "yes" } else { "no" }).to_owned();
    let initiative = match model.initiative_id {
        Some(i) => conn.query_row("SELECT name FROM initiatives WHERE id = ?1", [i.0], |r| r.get::<_, String>(0))?,
        None => "none".into(),
    };

    let mut inventory = section("Inventory");
    inventory.facts = vec![
        ("Description".into(), if model.description.is_empty() { "none".into() } else { model.description.clone() }),
        ("Owner".into(), if model.owner.is_empty() { "not named".into() } else { model.owner.clone() }),
        ("Initiative".into(), initiative),
        ("Stage".into(), model.stage.to_string()),
        ("Organisation's risk tier".into(), model.risk_tier.to_string()),
        ("Deployment".into(), model.deployment.clone().unwrap_or_else(|| "not recorded".into())),
        (
            "Data categories".into(),
            if model.data_categories.is_empty() { "none".into() } else { model.data_categories.join(", ") },
        ),
    ];

    let mut classification = section("Classification");
    classification.facts = vec![
        ("EU AI Act risk class".into(), class.risk_class.to_string()),
        ("Purpose".into(), model.purpose.map_or("not answered".into(), |p| p.to_string())),
        ("Decides about people".into(), yes_no(model.decides_about_people)),
        ("Interacts with people".into(), yes_no(model.interacts_with_people)),
        ("Generates content".into(), yes_no(model.generates_content)),
        ("AI Act role".into(), model.ai_act_role.map_or("not answered".into(), |r| r.to_string())),
        ("Jurisdictions".into(), register.jurisdictions.join(", ")),
        ("Frameworks that apply".into(), class.frameworks.join(", ")),
    ];
    classification.table = Some(Table {
        headers: vec!["Answer".into(), "Reference".into(), "Means".into()],
        rows: class.reasons.iter().map(|r| vec![r.answer.clone(), r.reference.clone(), r.says.clone()]).collect(),
    });

    let mut controls = section(&format!("Checklist ({} of {} closed)", checklist.closed, checklist.rows.len()));
    controls.table = Some(Table {
        headers: ["Control", "Framework", "Title", "Reference", "Status", "Owner", "Due", "Evidence"]
            .map(String::from)
            .to_vec(),
        rows: checklist
            .rows
            .iter()
            .map(|r| {
                let evidence = r.evidence.as_ref().map_or(String::new(), |e| match &e.sha256 {
                    Some(sha) => format!("{} ({} bytes, SHA-256 {sha})", e.value, e.size.unwrap_or(0)),
                    None => e.value.clone(),
                });
                let status = match (&r.reason, r.overdue) {
                    (Some(reason), _) => format!("{} — {reason}", r.status.as_str().replace('_', " ")),
                    (None, true) => format!("{} (overdue)", r.status.as_str().replace('_', " ")),
                    (None, false) => r.status.as_str().replace('_', " "),
                };
                vec![
                    r.control.clone(),
                    r.framework.clone(),
                    r.title.clone(),
                    r.reference.clone(),
                    status,
                    r.owner.clone().unwrap_or_default(),
                    r.due.map(|d| d.to_string()).unwrap_or_default(),
                    evidence,
                ]
            })
            .collect(),
    });
    if checklist.rows.is_empty() {
        controls.empty = Some("No control applies.".into());
    }

    let gate = register.gate(id, model, today);
    let mut signoffs = section("Sign-offs");
    signoffs.facts.push((
        "Promotion gate".into(),
        if gate.passes { "complete".into() } else { format!("open: {}", gate.missing().join("; ")) },
    ));
    if let Some(p) = register.last_promotion(id) {
        let how = if p.gated { "through the gate" } else { "outside the gate (seen upstream by a sync)" };
        signoffs.facts.push(("Last promotion".into(), format!("{} by {}, {how}", p.at, p.actor)));
    }
    let given = register.all_signoffs(id);
    signoffs.table = (!given.is_empty()).then(|| Table {
        headers: vec!["Approver".into(), "At".into(), "Note".into()],
        rows: given
            .iter()
            .map(|s| vec![s.record.approver.clone(), s.record.at.clone(), s.record.note.clone().unwrap_or_default()])
            .collect(),
    });
    if given.is_empty() {
        signoffs.empty = Some("No sign-off yet.".into());
    }

    let now = chrono::Utc::now().timestamp();
    let readout = crate::sync::readout::model_metrics(conn, &model.name, None, now - 7 * 86_400, now)?;
    let mut metrics = section("Bound metrics");
    metrics.table = (!readout.metrics.is_empty()).then(|| Table {
        headers: vec!["Metric".into(), "Latest".into(), "When".into(), "Threshold".into(), "State".into()],
        rows: readout
            .metrics
            .iter()
            .map(|m| {
                vec![
                    m.key.clone(),
                    m.latest.map_or("no data".into(), |l| {
                        crate::domain::words::number_with_unit(&l.value.to_string(), &m.unit)
                    }),
                    m.latest
                        .and_then(|l| chrono::DateTime::from_timestamp(l.ts, 0))
                        .map_or(String::new(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
                    m.threshold.as_ref().map_or("none".into(), |t| format!("{t:?}")),
                    format!("{:?}", m.state).to_lowercase(),
                ]
            })
            .collect(),
    });
    if readout.metrics.is_empty() {
        metrics.empty = Some("No metric is bound to this model.".into());
    }

    let inputs = crate::plan::PlanInputs::load(conn, crate::domain::Month::of(today), today)?;
    let scorecard = crate::plan::kpi::scorecard(conn, &inputs, today, None)?;
    let mut kpis = section("KPIs");
    let rows: Vec<Vec<String>> = scorecard
        .rows
        .iter()
        .filter(|r| r.model.as_deref() == Some(model.name.as_str()))
        .map(|r| {
            vec![
                r.name.clone(),
                r.value_text.clone().unwrap_or_else(|| "no value".into()),
                r.target_text.clone(),
                format!("{:?}", r.status).to_lowercase(),
                r.as_of.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    if rows.is_empty() {
        kpis.empty = Some("No KPI is tied to this model.".into());
    } else {
        kpis.table =
            Some(Table { headers: ["KPI", "Value", "Target", "Status", "As of"].map(String::from).to_vec(), rows });
    }

    let costs = crate::plan::model_cost::model_costs(&inputs, crate::plan::PeriodChoice::CurrentFiscalYear);
    let mut cost = section(&format!("Fully loaded cost, {}", costs.period.label));
    match costs.models.iter().find(|c| c.model_id == id) {
        Some(c) => {
            let money = |minor: i64| Money::new(minor, costs.currency).to_string();
            cost.facts = vec![
                (
                    "Total to date".into(),
                    format!("{} ({})", money(c.total_minor), compact_money(c.total_minor, costs.currency)),
                ),
                ("Infrastructure".into(), money(c.infra_minor)),
                ("People".into(), money(c.people_minor)),
                ("Vendors".into(), money(c.vendor_minor)),
                ("Shared".into(), money(c.shared_minor)),
            ];
        }
        None => cost.empty = Some("No cost is attributed to this model in the period.".into()),
    }

    Ok(Card {
        title: format!("Model card: {}", model.name),
        subtitle: format!("{} risk · {} · as of {today}", class.risk_class, model.stage),
        sections: vec![inventory, classification, controls, signoffs, metrics, kpis, cost],
    })
}

/// Writes `model`'s card to `path`: HTML for `.html`/`.htm`, Markdown for `.md`.
pub fn write(conn: &Connection, id: ModelId, path: &Path, today: NaiveDate) -> Result<()> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let render: fn(&Card) -> String = match extension.as_deref() {
        Some("html" | "htm") => html,
        Some("md" | "markdown") => markdown,
        _ => {
            return Err(Error::Validation(format!(
                "{}: a model card is written as .html or .md; choose one of those extensions",
                path.display()
            )));
        }
    };
    let card = build(conn, id, today)?;
    crate::io::write_whole(path, render(&card).as_bytes())
}

/// The card as one self-contained HTML page.
pub fn html(card: &Card) -> String {
    let mut out = String::from("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out += &format!("<title>{}</title>\n", escape(&card.title));
    out += "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}\
            h1{margin-bottom:.2rem}p.sub{color:#4b5563;margin-top:0}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}\
            th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}\
            th{background:#f3f4f6}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#4b5563}dd{margin:0}</style>\n";
    out += "</head>\n<body>\n";
    out += &format!("<h1>{}</h1>\n<p class=\"sub\">{}</p>\n", escape(&card.title), escape(&card.subtitle));
    for s in &card.sections {
        out += &format!("<h2>{}</h2>\n", escape(&s.heading));
        if !s.facts.is_empty() {
            out += "<dl>\n";
            for (k, v) in &s.facts {
                out += &format!("<dt>{}</dt><dd>{}</dd>\n", escape(k), escape(v));
            }
            out += "</dl>\n";
        }
        if let Some(t) = &s.table {
            out += "<table>\n<thead><tr>";
            for h in &t.headers {
                out += &format!("<th>{}</th>", escape(h));
            }
            out += "</tr></thead>\n<tbody>\n";
            for row in &t.rows {
                out += "<tr>";
                for cell in row {
                    out += &format!("<td>{}</td>", escape(cell));
                }
                out += "</tr>\n";
            }
            out += "</tbody>\n</table>\n";
        }
        if let Some(empty) = &s.empty {
            out += &format!("<p>{}</p>\n", escape(empty));
        }
    }
    out += "</body>\n</html>\n";
    out
}

/// The card as Markdown; user text is escaped so it cannot break a table or add markup.
pub fn markdown(card: &Card) -> String {
    let mut out = format!("# {}\n\n_{}_\n\n", md(&card.title), md(&card.subtitle));
    for s in &card.sections {
        out += &format!("## {}\n\n", md(&s.heading));
        for (k, v) in &s.facts {
            out += &format!("- **{}:** {}\n", md(k), md(v));
        }
        if !s.facts.is_empty() {
            out += "\n";
        }
        if let Some(t) = &s.table {
            out += &format!("| {} |\n", t.headers.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | "));
            out += &format!("|{}\n", " --- |".repeat(t.headers.len()));
            for row in &t.rows {
                out += &format!("| {} |\n", row.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
            }
            out += "\n";
        }
        if let Some(empty) = &s.empty {
            out += &format!("{}\n\n", md(empty));
        }
    }
    out
}

/// Escapes Markdown's markup characters and HTML, and keeps a value on one line.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// The record kind a card is about (for messages).
pub const KIND: EntityKind = EntityKind::Model;
