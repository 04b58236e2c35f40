//! The executive report: headline figures, the charts, the tables and an "as of" time in one
//! self-contained HTML file ([`html`]) for a board deck or an offline laptop.
//!
//! [`build`] reads the portfolio the same way the app does — the summary, the forecast and the
//! chart renderers — so every number in the report is the one on screen.

pub mod governance;
pub mod html;
pub mod value;
pub mod xlsx;

use std::path::Path;

use rusqlite::Connection;

use crate::analytics::series::Scope;
use crate::charts::format::{compact_money, month_name};
use crate::charts::{self, Canvas, ChartName, ChartSpec, ThemeName};
use crate::domain::{Currency, Month};
use crate::error::{Error, Result};
use crate::plan::{self, ATTENTION_SHOWN, Figures, Method, PeriodChoice, Plan, PlanOptions};
use html::{Column, Figure, ReportChart, ReportPage, Table, Tone};

/// The charts of the report, in reading order; the charts of the starred KPIs follow them.
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

/// What a report covers: the as-of month, the period, the clock's day, and the scenarios to
/// show beside the baseline (none, or one to four by name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOptions {
    pub as_of: Month,
    pub period: PeriodChoice,
    pub today: chrono::NaiveDate,
    pub scenarios: Vec<String>,
}

/// Builds the report of the portfolio in `conn`; `generated_at` is shown beside it.
pub fn build(conn: &Connection, source: &Path, options: &ReportOptions, generated_at: &str) -> Result<ReportPage> {
    let as_of = options.as_of;
    let inputs = plan::PlanInputs::load(conn, as_of, options.today)?;
    let plan = plan::compute(&inputs, &PlanOptions { period: options.period, ..PlanOptions::default() })?;
    let mut charts_out = Vec::with_capacity(CHARTS.len());
    let canvas = Canvas { theme: ThemeName::Light, ..Canvas::default() };
    for name in CHARTS {
        let spec = ChartSpec {
            name,
            scope: Scope::portfolio(),
            kpi: None,
            grouping: None,
            as_of,
            metric: None,
            scenarios: None,
        };
        let chart = charts::gather_planned(&inputs, Some(&plan), &spec)?;
        charts_out.push(report_chart(&chart, &canvas)?);
    }
    let card = plan::kpi::scorecard(conn, &inputs, plan::period::as_of_day(as_of, options.today), None)?;
    for row in card.rows.iter().filter(|r| r.starred) {
        let trend = crate::analytics::series::kpi_trend(conn, &inputs, row.kpi_id, as_of)?;
        charts_out.push(report_chart(&charts::Chart::from(trend), &canvas)?);
    }
    let values = plan::value::initiative_values(&inputs);
    let costs = plan::model_cost::model_costs(&inputs, options.period);
    let mut tables = vec![initiative_table(&plan), value::scorecard_table(&card)];
    if !values.is_empty() {
        tables.push(value::value_table(&values));
    }
    tables.push(value::model_cost_table(&costs));
    let overview = crate::governance::Register::load(conn, None)?.overview(options.today);
    if !overview.models.is_empty() {
        tables.push(governance::compliance_table(&overview));
    }
    tables.push(renewals_table(&plan));
    if !options.scenarios.is_empty() {
        let (table, scenario_charts) = scenarios(conn, &inputs, options)?;
        tables.insert(1, table);
        for chart in scenario_charts {
            charts_out.push(report_chart(&chart, &canvas)?);
        }
    }
    Ok(ReportPage {
        title: "ML portfolio report".to_owned(),
        source: source.display().to_string(),
        as_of: format!("{} · generated {}", plan.to_date_words, readable_time(generated_at)),
        figures: {
            let mut figures = figures(&plan);
            if !card.rows.is_empty() {
                figures.push(kpi_figure(&card));
            }
            figures
        },
        attention: attention(&plan),
        charts: charts_out,
        tables,
        notes: notes(&plan),
    })
}

fn report_chart(chart: &charts::Chart, canvas: &Canvas) -> Result<ReportChart> {
    Ok(ReportChart {
        title: chart.title().to_owned(),
        description: chart.description().to_owned(),
        svg: charts::to_svg(chart, canvas)?,
    })
}

/// The scenarios asked for: a table of their figures beside the baseline's, the spend and team
/// views of the scenario-compare chart, and each scenario's waterfall of changes.
fn scenarios(
    conn: &Connection,
    inputs: &plan::PlanInputs,
    options: &ReportOptions,
) -> Result<(Table, Vec<charts::Chart>)> {
    use crate::analytics::series::{ScenarioChartView, scenario_comparison};
    use crate::domain::words::signed_compact_money;
    let named = plan::scenario::load_named(conn, &options.scenarios)?;
    let plan_options = PlanOptions { period: options.period, ..PlanOptions::default() };
    let spend = scenario_comparison(inputs, &plan_options, &named, ScenarioChartView::Spend)?;
    let currency = spend.currency;
    let base = spend.lines[0].figures.clone();
    let signed = |minor: i64| signed_compact_money(minor, currency).unwrap_or_else(|| "—".to_owned());
    let rows = spend
        .lines
        .iter()
        .map(|line| {
            let f = &line.figures;
            vec![
                if line.name == "baseline" { "Baseline".to_owned() } else { line.name.clone() },
                money(f.landing_minor, currency),
                signed(f.landing_minor - base.landing_minor),
                if f.budget_set { money(f.budget_minor, currency) } else { "none set".to_owned() },
                money(f.people_cost_minor, currency),
                f.headcount_end.to_string(),
                f.run_out.map_or_else(|| "—".to_owned(), month_name),
            ]
        })
        .collect();
    let column = |label: &str, numeric| Column { label: label.to_owned(), numeric };
    let table = Table {
        caption: format!("Scenarios, {}: landing and team against the baseline", spend.period),
        columns: vec![
            column("Scenario", false),
            column("Landing", true),
            column("Against the baseline", true),
            column("Budget", true),
            column("People cost", true),
            column("Headcount at the end", true),
            column("Budget runs out", false),
        ],
        rows,
    };
    let mut out = vec![charts::Chart::from(spend.clone())];
    out.push(charts::Chart::from(crate::analytics::series::ScenarioComparison {
        view: ScenarioChartView::Team,
        ..spend
    }));
    for one in &named {
        let changes =
            scenario_comparison(inputs, &plan_options, std::slice::from_ref(one), ScenarioChartView::Changes)?;
        out.push(changes.into());
    }
    Ok((table, out))
}

/// Builds the report and writes it to `path` whole or not at all. Only HTML is written here: a
/// path ending in anything but `.html` is refused rather than filled with HTML.
pub fn write(conn: &Connection, source: &Path, path: &Path, options: &ReportOptions) -> Result<ReportWritten> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("html" | "htm")) {
        return Err(Error::Validation(format!(
            "out: the report is an HTML page, so its file must end in .html (not `{}`); \
             open it in a browser and print it to make a PDF",
            path.display()
        )));
    }
    let page = build(conn, source, options, &crate::store::now_utc())?;
    let text = html::render(&page);
    crate::io::write_whole(path, text.as_bytes())?;
    Ok(ReportWritten { path: path.display().to_string(), bytes: text.len() as u64, charts: page.charts.len() as u32 })
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

/// "$120K over" / "$3K under": a variance in words, never a bare minus sign.
pub fn over_under(variance_minor: i64, currency: Currency) -> String {
    let word = if variance_minor > 0 { "over" } else { "under" };
    format!("{} {word}", money(variance_minor.abs(), currency))
}

fn figures(plan: &Plan) -> Vec<Figure> {
    let currency = plan.base_currency;
    let f = &plan.portfolio;
    let label = &plan.period.label;
    let mut figures = vec![
        Figure {
            label: format!("Budget {label}"),
            value: f.budget_period_minor.map_or_else(|| format!("no budget set for {label}"), |b| money(b, currency)),
            detail: Some(format!("{} budgeted to date", money(f.budget_to_date_minor, currency))),
            tone: Tone::Neutral,
        },
        Figure {
            label: "Spent to date".to_owned(),
            value: money(f.actual_to_date_minor, currency),
            detail: Some(format!("{}: {}", plan.to_date_words, over_under(f.variance_to_date_minor, currency))),
            tone: if f.is_over() { Tone::Warning } else { Tone::Good },
        },
        landing_figure(plan, f),
        Figure {
            label: "Headcount".to_owned(),
            value: format!("{} people", plan.headcount),
            detail: Some(format!("{} open requisitions", plan.open_requisitions)),
            tone: Tone::Neutral,
        },
    ];
    let production = plan.models_by_stage.get("production").copied().unwrap_or(0);
    figures.push(Figure {
        label: "Models".to_owned(),
        value: plan.models.to_string(),
        detail: Some(format!("{production} in production")),
        tone: Tone::Neutral,
    });
    figures
}

fn kpi_figure(card: &plan::kpi::Scorecard) -> Figure {
    let c = card.counts;
    let total = card.rows.len();
    Figure {
        label: "KPIs on target".to_owned(),
        value: format!("{} of {total}", c.green),
        detail: Some(format!("{} red, {} amber, {} stale, {} without data", c.red, c.amber, c.stale, c.no_data)),
        tone: if c.red > 0 || c.amber > 0 { Tone::Warning } else { Tone::Good },
    }
}

fn landing_figure(plan: &Plan, f: &Figures) -> Figure {
    let currency = plan.base_currency;
    let label = format!("Landing {}", plan.period.label);
    match (f.landing, f.budget_period_minor) {
        (Some(landing), budget) => {
            let against = match budget {
                Some(budget) => over_under(landing.point_minor - budget, currency),
                None => format!("no budget set for {}", plan.period.label),
            };
            Figure {
                label,
                value: money(landing.point_minor, currency),
                detail: Some(format!(
                    "95% interval {}–{}; {against}",
                    money(landing.lower_minor, currency),
                    money(landing.upper_minor, currency),
                )),
                tone: if budget.is_some_and(|b| landing.point_minor > b) { Tone::Warning } else { Tone::Good },
            }
        }
        (None, _) => Figure {
            label,
            value: "not forecast".to_owned(),
            detail: Some("too little spend history to forecast".to_owned()),
            tone: Tone::Neutral,
        },
    }
}

/// The plan's attention list, the first [`ATTENTION_SHOWN`] items and how many more.
fn attention(plan: &Plan) -> Vec<String> {
    let mut items: Vec<String> =
        plan.attention.iter().take(ATTENTION_SHOWN).map(|i| format!("{}. {}.", i.headline, i.detail)).collect();
    if plan.attention.len() > ATTENTION_SHOWN {
        let more = plan.attention.len() - ATTENTION_SHOWN;
        items.push(format!("…and {more} more: see the initiative and contract tables below."));
    }
    items
}

/// One row per initiative for the period: its budget, spend to date, the landing with its
/// interval, the gap to budget and the run-out month.
fn initiative_table(plan: &Plan) -> Table {
    let currency = plan.base_currency;
    let label = &plan.period.label;
    let rows = plan
        .initiatives
        .iter()
        .map(|i| {
            let f = &i.figures;
            let forecast_only_by = |short: bool| {
                i.methods.iter().all(|m| match &m.method {
                    Method::RunRate { .. } => short,
                    Method::NotForecast { .. } | Method::Ended | Method::TeamPlan | Method::Planned => true,
                    Method::Model { .. } => false,
                })
            };
            let landing = match f.landing {
                Some(band) if band.lower_minor != band.upper_minor => format!(
                    "{} ({}–{})",
                    money(band.point_minor, currency),
                    money(band.lower_minor, currency),
                    money(band.upper_minor, currency)
                ),
                Some(band) => money(band.point_minor, currency),
                None => "not forecast".to_owned(),
            };
            let landing = if forecast_only_by(true) && !forecast_only_by(false) {
                format!("{landing} (run rate)")
            } else {
                landing
            };
            let gap = match (f.landing, f.budget_period_minor) {
                (Some(l), Some(b)) => over_under(l.point_minor - b, currency),
                _ => String::new(),
            };
            vec![
                i.name.clone(),
                i.status.as_str().to_owned(),
                f.budget_period_minor.map_or_else(|| "none set".to_owned(), |b| money(b, currency)),
                money(f.actual_to_date_minor, currency),
                landing,
                gap,
                f.run_out.map(month_name).unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        caption: format!("Initiatives, {}", plan.to_date_words),
        columns: vec![
            Column::text("Initiative"),
            Column::text("Status"),
            Column::number(&format!("Budget {label}")),
            Column::number("Spent to date"),
            Column::number("Landing (95% interval)"),
            Column::number("Against budget"),
            Column::text("Runs out"),
        ],
        rows,
    }
}

/// Contracts whose notice deadline is within [`plan::RENEWAL_WINDOW_DAYS`] days, soonest first.
fn renewals_table(plan: &Plan) -> Table {
    let rows = plan
        .renewals
        .iter()
        .map(|r| {
            vec![
                r.vendor.clone(),
                r.title.clone(),
                r.end.to_string(),
                r.notice_deadline.to_string(),
                if r.auto_renew { "yes".to_owned() } else { "no".to_owned() },
                money(r.value_minor, plan.base_currency),
            ]
        })
        .collect();
    Table {
        caption: format!("Contract notices due in the next {} days", plan::RENEWAL_WINDOW_DAYS),
        columns: vec![
            Column::text("Vendor"),
            Column::text("Contract"),
            Column::text("Ends"),
            Column::text("Notice by"),
            Column::text("Auto-renew"),
            Column::number("Value"),
        ],
        rows,
    }
}

fn notes(plan: &Plan) -> Vec<String> {
    let mut notes = vec![
        format!(
            "Figures are {} (as of {}). Budget to date counts the running month by days elapsed; landing is \
             spend to date plus the forecast of the rest of the period.",
            plan.to_date_words,
            month_name(plan.as_of)
        ),
        format!(
            "Forecasts fit each initiative's spend per category on closed months (statistical models from {} \
             months, a run rate below that); people cost to come is the team plan. Intervals are {:.0}% \
             prediction intervals, summed month by month.",
            plan::forecast::MIN_HISTORY_MONTHS,
            plan::LEVEL * 100.0
        ),
        "Amounts are in the base currency, converted at the portfolio's FX rates and rounded to whole \
         units for display."
            .to_owned(),
        "Spend not tagged to an initiative is counted in portfolio totals but in no initiative's row.".to_owned(),
    ];
    if !plan.forecasts.set_aside.is_empty() {
        let months: Vec<String> = plan
            .forecasts
            .set_aside
            .iter()
            .take(6)
            .map(|a| format!("{} {} in {}", a.series, a.category.as_str(), month_name(a.month)))
            .collect();
        notes.push(format!(
            "{} one-off month(s) were left out of the forecasts ({}{}).",
            plan.forecasts.set_aside.len(),
            months.join(", "),
            if plan.forecasts.set_aside.len() > 6 { ", …" } else { "" }
        ));
    }
    notes
}
