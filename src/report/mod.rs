//! The executive report: headline figures, the charts, the tables and an "as of" time in one
//! self-contained HTML file ([`html`]) for a board deck or an offline laptop.
//!
//! [`build`] reads the portfolio the same way the app does — the summary, the forecast and the
//! chart renderers — so every number in the report is the one on screen.

pub mod html;

use std::path::Path;

use chrono::{Duration, NaiveDate};
use rusqlite::Connection;

use crate::analytics::forecast::{self, DEFAULT_HORIZON, ForecastOptions, ForecastReport, Outlook, YearEnd};
use crate::analytics::series::Scope;
use crate::analytics::summary::{self, Summary};
use crate::charts::format::{compact_money, month_name};
use crate::charts::{self, Canvas, ChartName, ChartSpec, ThemeName};
use crate::domain::{Currency, Month};
use crate::error::Result;
use html::{Column, Figure, ReportChart, ReportPage, Table, Tone};

/// Contracts whose notice deadline falls within this many days are listed for attention.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;

/// The longest "Needs attention" list; the tables hold the rest.
pub const ATTENTION_LIMIT: usize = 10;

/// The charts of the report, in reading order. KPI charts are per KPI and stay in the app.
const CHARTS: [ChartName; 7] = [
    ChartName::BudgetBurn,
    ChartName::Spend,
    ChartName::Headcount,
    ChartName::CostPerModel,
    ChartName::Models,
    ChartName::Vendors,
    ChartName::Allocation,
];

/// What was written, for the CLI and the UI to confirm.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportWritten {
    pub path: String,
    pub bytes: u64,
    pub charts: u32,
}

/// Builds the report of the portfolio in `conn` as of `as_of`; `generated_at` is shown beside it.
pub fn build(conn: &Connection, source: &Path, as_of: Month, generated_at: &str) -> Result<ReportPage> {
    let summary = summary::summary(conn, as_of)?;
    // The forecast starts after the last month with actuals up to and including `as_of`.
    let options = ForecastOptions { as_of: as_of.plus(1), horizon: DEFAULT_HORIZON, initiative: None };
    let outlook = forecast::forecast(conn, &options)?;
    let currency = summary.base_currency;
    let today = as_of_day(as_of, generated_at);

    let mut charts_out = Vec::with_capacity(CHARTS.len());
    let canvas = Canvas { theme: ThemeName::Light, ..Canvas::default() };
    for name in CHARTS {
        let spec = ChartSpec { name, scope: Scope::portfolio(), kpi: None, grouping: None, as_of, metric: None };
        let chart = charts::gather(conn, &spec)?;
        let svg = charts::to_svg(&chart, &canvas)?;
        charts_out.push(ReportChart {
            title: chart.title().to_owned(),
            description: chart.description().to_owned(),
            svg,
        });
    }

    let renewals = renewals(conn, as_of, today, currency)?;
    Ok(ReportPage {
        title: "ML portfolio report".to_owned(),
        source: source.display().to_string(),
        as_of: format!("{} · generated {}", month_name(as_of), readable_time(generated_at)),
        figures: figures(&summary, &outlook),
        attention: attention(&summary, &outlook, &renewals),
        charts: charts_out,
        tables: vec![initiative_table(&summary, &outlook), renewals.table],
        notes: notes(&outlook),
    })
}

/// Builds the report and writes it to `path` whole or not at all.
pub fn write(conn: &Connection, source: &Path, path: &Path, as_of: Month) -> Result<ReportWritten> {
    let page = build(conn, source, as_of, &crate::store::now_utc())?;
    let text = html::render(&page);
    crate::io::write_whole(path, text.as_bytes())?;
    Ok(ReportWritten { path: path.display().to_string(), bytes: text.len() as u64, charts: page.charts.len() as u32 })
}

/// The day renewals are counted from: today when the report is of this month, else the last
/// day of `as_of`'s month, so a report of a past month reads as it would have then.
fn as_of_day(as_of: Month, generated_at: &str) -> NaiveDate {
    let generated = generated_at.get(..10).and_then(|d| d.parse::<NaiveDate>().ok());
    let last_day = as_of.plus(1).first_day() - Duration::days(1);
    match generated {
        Some(day) if day <= last_day && day >= as_of.first_day() => day,
        _ => last_day,
    }
}

/// `2026-11-26T21:59:38Z` → `2026-11-26 21:59 UTC`; anything else as it is.
fn readable_time(rfc3339: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(time) => time.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => rfc3339.to_owned(),
    }
}

fn money(minor: i64, currency: Currency) -> String {
    compact_money(minor, currency)
}

fn figures(summary: &Summary, outlook: &ForecastReport) -> Vec<Figure> {
    let currency = summary.base_currency;
    let year = &outlook.portfolio.year_end;
    let mut figures = vec![
        Figure {
            label: format!("Budget {}", year.year),
            value: money(year.budget_minor, currency),
            detail: Some(format!("{} spent so far", money(year.actual_to_date_minor, currency))),
            tone: Tone::Neutral,
        },
        landing_figure(year, currency),
    ];
    let to_date = summary.budget_to_date_minor - summary.actual_total_minor;
    figures.push(Figure {
        label: "Variance to date".to_owned(),
        value: money(to_date, currency),
        detail: Some(match summary.actuals_through {
            Some(month) => format!("budget minus actual through {}", month_name(month)),
            None => "no actual spend yet".to_owned(),
        }),
        tone: if to_date < 0 { Tone::Warning } else { Tone::Good },
    });
    figures.push(Figure {
        label: "Headcount".to_owned(),
        value: format!("{} people", summary.people),
        detail: Some(format!("{} open requisitions", summary.open_requisitions)),
        tone: Tone::Neutral,
    });
    let production = summary.models_by_stage.get("production").copied().unwrap_or(0);
    figures.push(Figure {
        label: "Models".to_owned(),
        value: summary.models.to_string(),
        detail: Some(format!("{production} in production")),
        tone: Tone::Neutral,
    });
    figures
}

fn landing_figure(year: &YearEnd, currency: Currency) -> Figure {
    match (&year.landing, year.variance_minor) {
        (Some(landing), Some(variance)) => Figure {
            label: format!("Year-end landing {}", year.year),
            value: money(landing.point_minor, currency),
            detail: Some(format!(
                "95% interval {}–{}; {} {}",
                money(landing.lower_minor, currency),
                money(landing.upper_minor, currency),
                money(variance.abs(), currency),
                if variance < 0 { "over budget" } else { "under budget" }
            )),
            tone: if variance < 0 { Tone::Warning } else { Tone::Good },
        },
        _ => Figure {
            label: format!("Year-end landing {}", year.year),
            value: "not forecast".to_owned(),
            detail: Some("too little spend history to forecast".to_owned()),
            tone: Tone::Neutral,
        },
    }
}

/// The things an executive should hear about first, most pressing first: overbooked people, then
/// initiatives over budget or forecast to run out (largest overspend first, one line each), then
/// contract notices. Long lists are cut at [`ATTENTION_LIMIT`] with a pointer to the tables.
fn attention(summary: &Summary, outlook: &ForecastReport, renewals: &Renewals) -> Vec<String> {
    let currency = summary.base_currency;
    let mut items: Vec<String> =
        summary.overbooked.iter().map(|p| format!("{} is allocated {}% this month.", p.name, p.percent)).collect();
    let mut initiatives: Vec<(i64, String)> = Vec::new();
    for totals in &summary.by_initiative {
        let run_out = outlook
            .initiatives
            .iter()
            .find(|i| i.id.0 == totals.id)
            .and_then(|i| i.forecast.year_end.run_out.map(|m| (i.forecast.year_end.year, m)));
        let over = (totals.variance_minor < 0)
            .then(|| format!("{} over budget to date", money(-totals.variance_minor, currency)));
        let runs_out =
            run_out.map(|(year, month)| format!("forecast to run out of its {year} budget in {}", month_name(month)));
        let line = match (over, runs_out) {
            (Some(over), Some(runs_out)) => format!("{}: {over}; {runs_out}.", totals.name),
            (Some(over), None) => format!("{}: {over}.", totals.name),
            (None, Some(runs_out)) => format!("{}: {runs_out}.", totals.name),
            (None, None) => continue,
        };
        initiatives.push((totals.variance_minor, line));
    }
    initiatives.sort_by_key(|(variance, _)| *variance);
    items.extend(initiatives.into_iter().map(|(_, line)| line));
    items.extend(renewals.attention.iter().cloned());
    if items.len() > ATTENTION_LIMIT {
        let more = items.len() - (ATTENTION_LIMIT - 1);
        items.truncate(ATTENTION_LIMIT - 1);
        items.push(format!("…and {more} more: see the initiative and contract tables below."));
    }
    items
}

/// One row per initiative for the year being landed: its budget, spend so far, the forecast landing
/// with its interval, the gap to budget and the run-out month.
fn initiative_table(summary: &Summary, outlook: &ForecastReport) -> Table {
    let currency = summary.base_currency;
    let year = outlook.portfolio.year_end.year;
    let rows = summary
        .by_initiative
        .iter()
        .map(|totals| {
            let Some(forecast) = outlook.initiatives.iter().find(|i| i.id.0 == totals.id).map(|i| &i.forecast) else {
                return vec![totals.name.clone(), totals.status.clone()];
            };
            let year_end = &forecast.year_end;
            let landing = match (&forecast.outlook, &year_end.landing) {
                (_, Some(band)) => format!(
                    "{} ({}–{})",
                    money(band.point_minor, currency),
                    money(band.lower_minor, currency),
                    money(band.upper_minor, currency)
                ),
                (Outlook::InsufficientHistory { months_available, months_needed }, None) => {
                    format!("too little history ({months_available} of {months_needed} months)")
                }
                (Outlook::Ended, None) => "ended".to_owned(),
                _ => "not forecast".to_owned(),
            };
            let gap = year_end.variance_minor.map_or_else(String::new, |variance| match variance {
                v if v < 0 => format!("{} over", money(-v, currency)),
                v => format!("{} under", money(v, currency)),
            });
            vec![
                totals.name.clone(),
                totals.status.clone(),
                money(year_end.budget_minor, currency),
                money(year_end.actual_to_date_minor, currency),
                landing,
                gap,
                year_end.run_out.map(month_name).unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        caption: format!("Initiatives, {year}"),
        columns: vec![
            Column::text("Initiative"),
            Column::text("Status"),
            Column::number(&format!("Budget {year}")),
            Column::number("Spent so far"),
            Column::number("Landing (95% interval)"),
            Column::number("Against budget"),
            Column::text("Runs out"),
        ],
        rows,
    }
}

struct Renewals {
    table: Table,
    attention: Vec<String>,
}

/// Contracts whose notice deadline is within [`RENEWAL_WINDOW_DAYS`] of `today`, soonest first,
/// read through the vendor timeline so the deadline rule and the conversion are the chart's.
fn renewals(conn: &Connection, as_of: Month, today: NaiveDate, currency: Currency) -> Result<Renewals> {
    let every_vendor = u32::MAX as usize;
    let timeline = crate::analytics::series::vendor_timeline(conn, &Scope::portfolio(), as_of, every_vendor)?;
    let mut due = Vec::new();
    for vendor in timeline.vendors {
        for contract in vendor.contracts {
            let notice_by = contract.notice_deadline;
            if notice_by < today || notice_by > today + Duration::days(RENEWAL_WINDOW_DAYS) {
                continue;
            }
            let value = money(contract.value_minor, currency);
            due.push((notice_by, vendor.name.clone(), contract.title, contract.end, contract.auto_renew, value));
        }
    }
    due.sort();
    let attention = due
        .iter()
        .map(|(notice_by, vendor, title, _, auto_renew, _)| {
            let what = if *auto_renew { "renews automatically unless cancelled" } else { "ends" };
            format!("{vendor} — {title} {what}; notice is due by {notice_by}.")
        })
        .collect();
    let rows = due
        .into_iter()
        .map(|(notice_by, vendor, title, end, auto_renew, value)| {
            vec![
                vendor,
                title,
                end.to_string(),
                notice_by.to_string(),
                if auto_renew { "yes".to_owned() } else { "no".to_owned() },
                value,
            ]
        })
        .collect();
    Ok(Renewals {
        table: Table {
            caption: format!("Contract notices due in the next {RENEWAL_WINDOW_DAYS} days"),
            columns: vec![
                Column::text("Vendor"),
                Column::text("Contract"),
                Column::text("Ends"),
                Column::text("Notice by"),
                Column::text("Auto-renew"),
                Column::number("Value"),
            ],
            rows,
        },
        attention,
    })
}

fn notes(outlook: &ForecastReport) -> Vec<String> {
    vec![
        format!(
            "Forecasts are monthly spend models fitted to each series' history (at least {} months of spend \
             needed); intervals are {:.0}% prediction intervals, summed month by month for cumulative and \
             year-end figures.",
            outlook.min_history_months,
            outlook.level * 100.0
        ),
        "Amounts are in the base currency, converted at the portfolio's FX rates and rounded to whole \
         units for display."
            .to_owned(),
        "Spend not tagged to an initiative is counted in portfolio totals but in no initiative's row.".to_owned(),
    ]
}
