//! What the portfolio is worth, as documents show it: the KPI scorecard, each initiative's ROI and
//! payback, and the fully loaded cost of each model — one set of rows per figure, drawn as a table
//! of the report and as a sheet of the workbook, so the two cannot disagree. The figures are the
//! planning core's ([`crate::plan::kpi`], [`crate::plan::value`], [`crate::plan::model_cost`]).

use crate::domain::words::compact_money;
use crate::domain::{Currency, Money};
use crate::io::export::{Cell, Sheet};
use crate::plan::kpi::Scorecard;
use crate::plan::model_cost::ModelCosts;
use crate::plan::value::InitiativeValue;

use super::html::{Column, Table};

/// How many models the report's table lists before it sums the rest.
pub const MODELS_SHOWN: usize = 15;

/// The status as a word a reader takes in at a glance.
fn status_word(status: crate::plan::kpi::KpiStatus) -> String {
    status.as_str().replace('_', " ").to_uppercase()
}

fn when(row: &crate::plan::kpi::ScorecardRow) -> String {
    match (row.as_of, row.age_days) {
        (Some(day), Some(age)) if age > 1 => format!("{} ({age} days ago)", day.format("%-d %b %Y")),
        (Some(day), _) => day.format("%-d %b %Y").to_string(),
        _ => "no value yet".to_owned(),
    }
}

pub fn scorecard_table(card: &Scorecard) -> Table {
    let c = card.counts;
    let rows = card
        .rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.initiative.clone().unwrap_or_default(),
                status_word(r.status),
                r.value_text.clone().unwrap_or_else(|| "—".to_owned()),
                r.target_text.clone(),
                when(r),
                r.trend.as_str().to_owned(),
            ]
        })
        .collect();
    Table {
        caption: format!(
            "KPI scorecard, {}: {} red, {} amber, {} stale, {} without data, {} green",
            card.as_of.format("%-d %B %Y"),
            c.red,
            c.amber,
            c.stale,
            c.no_data,
            c.green
        ),
        columns: vec![
            Column::text("KPI"),
            Column::text("Initiative"),
            Column::text("Status"),
            Column::number("Value"),
            Column::text("Target"),
            Column::text("As of"),
            Column::text("Trend"),
        ],
        rows,
    }
}

pub fn scorecard_sheet(card: &Scorecard) -> Sheet {
    let number = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Number);
    Sheet {
        name: "KPI scorecard".into(),
        headers: [
            "kpi",
            "initiative",
            "model",
            "status",
            "value",
            "unit",
            "target_low",
            "target_high",
            "as_of",
            "source",
            "trend",
        ]
        .map(String::from)
        .to_vec(),
        rows: card
            .rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.name.clone()),
                    r.initiative.clone().map_or(Cell::Empty, Cell::Text),
                    r.model.clone().map_or(Cell::Empty, Cell::Text),
                    Cell::Text(r.status.as_str().into()),
                    number(r.value),
                    Cell::Text(r.unit.clone()),
                    number(r.target_low),
                    number(r.target_high),
                    r.as_of.map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
                    r.source.map_or(Cell::Empty, |s| Cell::Text(s.as_str().into())),
                    Cell::Text(r.trend.as_str().into()),
                ]
            })
            .collect(),
    }
}

fn roi(v: &InitiativeValue) -> String {
    v.roi.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}×"))
}

fn payback(v: &InitiativeValue) -> String {
    v.payback_months.map_or_else(|| "—".to_owned(), |m| format!("{m:.1} months"))
}

pub fn value_table(values: &[InitiativeValue]) -> Table {
    let money = |minor: i64, currency: Currency| compact_money(minor, currency);
    Table {
        caption: "What initiatives are worth: ROI = the stated annual benefit ÷ the cost of the last 12 closed \
                  months; payback = what it has spent since it began ÷ a month of benefit"
            .to_owned(),
        columns: vec![
            Column::text("Initiative"),
            Column::number("Benefit a year"),
            Column::number("Cost a year"),
            Column::number("ROI"),
            Column::number("Spent since it began"),
            Column::number("Payback"),
        ],
        rows: values
            .iter()
            .map(|v| {
                vec![
                    v.name.clone(),
                    money(v.annual_benefit_minor, v.currency),
                    money(v.annual_cost_minor, v.currency),
                    roi(v),
                    money(v.spend_to_date_minor, v.currency),
                    payback(v),
                ]
            })
            .collect(),
    }
}

pub fn value_sheet(values: &[InitiativeValue]) -> Sheet {
    let money = |minor: i64, currency: Currency| Cell::Money(Money::new(minor, currency));
    Sheet {
        name: "Initiative value".into(),
        headers: [
            "initiative",
            "annual_benefit",
            "annual_cost",
            "months_counted",
            "roi",
            "spend_to_date",
            "payback_months",
        ]
        .map(String::from)
        .to_vec(),
        rows: values
            .iter()
            .map(|v| {
                vec![
                    Cell::Text(v.name.clone()),
                    money(v.annual_benefit_minor, v.currency),
                    money(v.annual_cost_minor, v.currency),
                    Cell::Integer(v.months_counted.into()),
                    v.roi.map_or(Cell::Empty, Cell::Number),
                    money(v.spend_to_date_minor, v.currency),
                    v.payback_months.map_or(Cell::Empty, Cell::Number),
                ]
            })
            .collect(),
    }
}

pub fn model_cost_table(costs: &ModelCosts) -> Table {
    let money = |minor: i64| compact_money(minor, costs.currency);
    let spent: Vec<_> = costs.models.iter().filter(|m| m.total_minor != 0).collect();
    let row = |name: String, amounts: [i64; 5]| std::iter::once(name).chain(amounts.map(money)).collect::<Vec<_>>();
    let mut rows: Vec<Vec<String>> =
        spent.iter().take(MODELS_SHOWN).map(|m| row(m.name.clone(), m.amounts())).collect();
    if spent.len() > MODELS_SHOWN {
        let rest = &spent[MODELS_SHOWN..];
        let mut sum = [0i64; 5];
        for m in rest {
            for (s, v) in sum.iter_mut().zip(m.amounts()) {
                *s += v;
            }
        }
        rows.push(row(format!("{} other models", rest.len()), sum));
    }
    let blank = || String::new();
    rows.push(vec!["Unattributed".into(), blank(), blank(), blank(), blank(), money(costs.unattributed_minor)]);
    rows.push(vec!["Total spend".into(), blank(), blank(), blank(), blank(), money(costs.total_minor)]);
    Table {
        caption: format!(
            "Fully loaded cost per model, {} to date: spend naming a model is its own; people follow allocations, \
             vendors contract links, shared and idle infrastructure each model's share of it",
            costs.period.label
        ),
        columns: vec![
            Column::text("Model"),
            Column::number("Infrastructure"),
            Column::number("People"),
            Column::number("Vendors"),
            Column::number("Shared and idle"),
            Column::number("Total"),
        ],
        rows,
    }
}

pub fn model_cost_sheet(costs: &ModelCosts) -> Sheet {
    let money = |minor: i64| Cell::Money(Money::new(minor, costs.currency));
    let mut rows: Vec<Vec<Cell>> = costs
        .models
        .iter()
        .map(|m| std::iter::once(Cell::Text(m.name.clone())).chain(m.amounts().map(money)).collect())
        .collect();
    for u in &costs.unattributed {
        let reason = match u.reason {
            crate::plan::model_cost::UnattributedReason::NoInitiative => "unattributed: no initiative",
            crate::plan::model_cost::UnattributedReason::InitiativeWithoutModels => {
                "unattributed: an initiative without models"
            }
        };
        rows.push(vec![Cell::Text(reason.into()), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, money(u.minor)]);
    }
    rows.push(vec![
        Cell::Text("total spend".into()),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        money(costs.total_minor),
    ]);
    Sheet {
        name: format!("Model cost {}", costs.period.key),
        headers: ["model", "infrastructure", "people", "vendors", "shared_and_idle", "total"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}
