//! The forecast as workbook sheets, beside the other documents made from the plan: the portfolio
//! by month, each series' landing against budget with its run-out month, and the team's cost. The
//! workbook's table sheets are [`crate::io::export`]'s; these are added to them by `export xlsx`.

use std::collections::HashMap;

use crate::analytics::forecast::{ForecastReport, Outlook, SeriesForecast};
use crate::domain::{Money, Month};
use crate::io::export::{Cell, Sheet};

/// The forecast as sheets: the portfolio by month (actuals, then the forecast with its 95%
/// interval), each series' year-end landing against budget with its run-out month, and the team's
/// cost by month. A series with no forecast says why in place of numbers.
pub fn forecast_sheets(report: &ForecastReport) -> Vec<Sheet> {
    let base = report.base_currency;
    let money = |minor: i64| Cell::Money(Money::new(minor, base));
    let currency = || Cell::Text(base.to_string());

    let portfolio = &report.portfolio;
    let budget_of: HashMap<_, i64> = portfolio.budget.iter().map(|b| (b.month, b.amount_minor)).collect();
    let budget_cell = |month| budget_of.get(&month).map_or(Cell::Empty, |minor| money(*minor));
    let mut by_month = Vec::new();
    for actual in &portfolio.actuals {
        by_month.push(vec![
            Cell::Text(actual.month.to_string()),
            Cell::Text("actual".into()),
            money(actual.amount_minor),
            Cell::Empty,
            Cell::Empty,
            budget_cell(actual.month),
            currency(),
        ]);
    }
    match &portfolio.outlook {
        Outlook::Forecast { months, .. } => {
            for m in months {
                by_month.push(vec![
                    Cell::Text(m.month.to_string()),
                    Cell::Text("forecast".into()),
                    money(m.point_minor),
                    money(m.lower_minor),
                    money(m.upper_minor),
                    budget_cell(m.month),
                    currency(),
                ]);
            }
        }
        other => by_month.push(vec![
            Cell::Text(report.first_month.to_string()),
            Cell::Text(outlook_text(other)),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            budget_cell(report.first_month),
            currency(),
        ]),
    }

    let landing_row = |name: &str, status: &str, series: &SeriesForecast| -> Vec<Cell> {
        let y = &series.year_end;
        let optional = |minor: Option<i64>| minor.map_or(Cell::Empty, money);
        let month = |m: Option<Month>| m.map_or(Cell::Empty, |m| Cell::Text(m.to_string()));
        vec![
            Cell::Text(name.to_owned()),
            Cell::Text(status.to_owned()),
            Cell::Text(outlook_text(&series.outlook)),
            Cell::Integer(i64::from(y.year)),
            optional(y.budget_minor),
            money(y.actual_to_date_minor),
            optional(y.remaining.map(|r| r.point_minor)),
            optional(y.landing.map(|l| l.point_minor)),
            optional(y.landing.map(|l| l.lower_minor)),
            optional(y.landing.map(|l| l.upper_minor)),
            optional(y.over_budget_minor),
            month(y.run_out),
            month(y.run_out_earliest),
            currency(),
        ]
    };
    let mut landings = vec![landing_row("(portfolio)", "", portfolio)];
    for initiative in &report.initiatives {
        landings.push(landing_row(&initiative.name, initiative.status.as_str(), &initiative.forecast));
    }

    let names: HashMap<_, &str> = report.initiatives.iter().map(|i| (i.id, i.name.as_str())).collect();
    let mut headcount = Vec::new();
    for m in &report.headcount.months {
        let month = || Cell::Text(m.month.to_string());
        headcount.push(vec![
            month(),
            Cell::Text("(all)".into()),
            Cell::Integer(i64::from(m.people)),
            Cell::Empty,
            Cell::Integer(i64::from(m.open_requisitions)),
            money(m.people_cost_minor),
            money(m.requisition_cost_minor),
            money(m.total_cost_minor),
            currency(),
        ]);
        headcount.push(vec![
            month(),
            Cell::Text("(unallocated)".into()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            money(m.unallocated_people_cost_minor),
            Cell::Empty,
            money(m.unallocated_people_cost_minor),
            currency(),
        ]);
        for cost in &m.by_initiative {
            let name =
                names.get(&cost.initiative_id).map_or_else(|| format!("#{}", cost.initiative_id), |n| (*n).to_owned());
            headcount.push(vec![
                month(),
                Cell::Text(name),
                Cell::Empty,
                Cell::Integer(i64::from(cost.allocated_percent)),
                Cell::Integer(i64::from(cost.open_requisitions)),
                money(cost.people_cost_minor),
                money(cost.requisition_cost_minor),
                money(cost.total_cost_minor),
                currency(),
            ]);
        }
    }

    let headers = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect();
    vec![
        Sheet {
            name: "forecast".into(),
            headers: headers(&["month", "kind", "amount", "low_95", "high_95", "budget", "currency"]),
            rows: by_month,
        },
        Sheet {
            name: "forecast_landing".into(),
            headers: headers(&[
                "initiative",
                "status",
                "forecast",
                "year",
                "budget",
                "actual_to_date",
                "forecast_remaining",
                "landing",
                "landing_low_95",
                "landing_high_95",
                "landing_over_budget",
                "runs_out",
                "runs_out_earliest",
                "currency",
            ]),
            rows: landings,
        },
        Sheet {
            name: "headcount_projection".into(),
            headers: headers(&[
                "month",
                "initiative",
                "people",
                "allocated_percent",
                "open_requisitions",
                "people_cost",
                "requisition_cost",
                "total_cost",
                "currency",
            ]),
            rows: headcount,
        },
    ]
}

/// How a forecast's state reads in a cell.
fn outlook_text(outlook: &Outlook) -> String {
    match outlook {
        Outlook::Forecast { model, months_of_history, .. } => format!("{model}, {months_of_history} months of history"),
        Outlook::InsufficientHistory { months_available, months_needed } => {
            format!("no forecast: {months_available} months of history, {months_needed} needed")
        }
        Outlook::Ended => "ended: no spend expected".to_owned(),
    }
}
