//! The command surface: one function per command, with serde request and response types. The CLI
//! calls these today; the desktop shell and the HTTP twin call the same functions, so a command's
//! behaviour is written once. Errors leave as [`crate::ApiError`] (`{code, message}`).

pub mod budgets;
pub mod commands;
pub mod connections;
pub mod fields;
pub mod governance;
pub mod kpis;
pub mod metrics;
pub mod records;
pub mod scenarios;
pub mod session;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analytics::forecast::{ForecastOptions, ForecastReport};
use crate::analytics::series::ScenarioChartView;
use crate::analytics::series::{Scope, SpendGrouping};
use crate::charts::{Canvas, Chart, ChartFormat, ChartName, ChartSpec, MetricWindow, ScenarioChoice, ThemeName};
use crate::domain::{Currency, EntityKind, FxRate, InitiativeId, KpiId, ModelId, Month};
use crate::error::{Error, Result};
use crate::io::{self, FocusOptions, ImportKind, ImportReport, Preview};
use crate::plan::{PeriodChoice, PlanOptions, Summary};
use crate::store::{Store, audit, backup, settings};

pub use records::RecordView;
pub use session::Session;

/// Where the portfolio lives when no `--db` or `MLOPS_PORTFOLIO_DB` says otherwise: the OS data
/// folder (`~/.local/share/mlops-portfolio/portfolio.db` on Linux).
pub fn default_db_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("org", "mlops-portfolio", "mlops-portfolio")
        .map(|dirs| dirs.data_dir().join("portfolio.db"))
        .ok_or_else(|| Error::Storage("cannot find a home folder for the portfolio; pass --db PATH".into()))
}

/// The current calendar month in UTC.
pub fn current_month() -> Month {
    Month::of(chrono::Utc::now().date_naive())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitResponse {
    pub path: String,
    pub base_currency: Currency,
}

/// Creates the portfolio file (if needed) and sets its base currency.
pub fn init(store: &mut Store, currency: Currency) -> Result<InitResponse> {
    store.in_transaction(|tx, actor| settings::init(tx, actor, currency))?;
    Ok(InitResponse { path: store.path().display().to_string(), base_currency: currency })
}

/// The headline figures of `period` as of `as_of`, from the planning core.
pub fn summary(store: &Store, as_of: Month, period: PeriodChoice) -> Result<Summary> {
    let options = PlanOptions { period, ..PlanOptions::default() };
    let inputs = crate::plan::PlanInputs::load_remembered(store, as_of, crate::plan::period::today())?;
    let plan = crate::plan::compute(&inputs, &options)?;
    Ok(Summary::from(&plan))
}

pub fn forecast(store: &Store, options: &ForecastOptions) -> Result<ForecastReport> {
    crate::analytics::forecast::forecast(store.conn(), options)
}

/// Every table as a sheet of one XLSX workbook, then the forecast sheets, the KPI scorecard, the
/// initiatives' value, the fully loaded cost per model, and the charts of the starred KPIs, as of
/// `as_of`.
pub fn export_workbook(store: &Store, path: &Path, as_of: Month) -> Result<Vec<String>> {
    let mut sheets = io::export::all_sheets(store.conn())?;
    let options = ForecastOptions {
        as_of,
        today: crate::plan::period::today(),
        horizon: crate::analytics::forecast::DEFAULT_HORIZON,
        initiative: None,
    };
    sheets.extend(crate::report::xlsx::forecast_sheets(&forecast(store, &options)?));
    let today = options.today;
    let inputs = crate::plan::PlanInputs::load_remembered(store, as_of, today)?;
    let card = crate::plan::kpi::scorecard(store.conn(), &inputs, crate::plan::period::as_of_day(as_of, today), None)?;
    let values = crate::plan::value::initiative_values(&inputs);
    let costs = crate::plan::model_cost::model_costs(&inputs, PeriodChoice::CurrentFiscalYear);
    use crate::report::value::{model_cost_sheet, scorecard_sheet, value_sheet};
    sheets.extend([scorecard_sheet(&card), value_sheet(&values), model_cost_sheet(&costs)]);
    let overview = crate::governance::Register::load(store.conn(), None)?.overview(today);
    sheets.push(crate::report::governance::compliance_sheet(&overview));
    let canvas = Canvas { theme: ThemeName::Light, ..Canvas::default() };
    let mut starred = io::export::ChartSheet { name: "Starred KPI charts".into(), charts: Vec::new() };
    for row in card.rows.iter().filter(|r| r.starred) {
        let chart = Chart::from(crate::analytics::series::kpi_trend(store.conn(), &inputs, row.kpi_id, as_of)?);
        starred.charts.push((chart.title().to_owned(), crate::charts::to_png(&chart, &canvas, 1)?));
    }
    io::export::write_xlsx_with_charts(&sheets, Some(&starred), path)?;
    let mut names: Vec<String> = sheets.into_iter().map(|s| s.name).collect();
    if !starred.charts.is_empty() {
        names.push(starred.name);
    }
    Ok(names)
}

/// The executive report as one self-contained HTML file; with scenarios, their figures and charts
/// beside the baseline's.
pub fn export_report(
    store: &Store,
    path: &Path,
    as_of: Month,
    period: PeriodChoice,
    scenarios: Vec<String>,
) -> Result<crate::report::ReportWritten> {
    let options = crate::report::ReportOptions { as_of, period, today: crate::plan::period::today(), scenarios };
    crate::report::write(store.conn(), store.path(), path, &options)
}

pub fn fx_set(store: &mut Store, rate: FxRate) -> Result<FxRate> {
    store.in_transaction(|tx, actor| settings::set_rate(tx, actor, &rate))?;
    Ok(rate)
}

pub fn fx_list(store: &Store) -> Result<Vec<FxRate>> {
    let mut rates: Vec<FxRate> = settings::rates(store.conn())?.into_values().collect();
    rates.sort_by_key(|r| r.currency);
    Ok(rates)
}

pub fn backup(store: &Store, dest: &Path) -> Result<()> {
    backup::backup_to(store.conn(), dest)
}

pub fn restore(store: &mut Store, source: &Path) -> Result<()> {
    backup::restore_from(store, source)
}

/// A file to import: what it holds, where it is, and how to read a FOCUS file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportRequest {
    pub kind: ImportKind,
    pub path: PathBuf,
    #[serde(default)]
    pub focus: FocusOptions,
}

/// Imports a file, all or nothing.
pub fn import(store: &mut Store, request: &ImportRequest) -> Result<ImportReport> {
    match request.kind {
        ImportKind::Budgets => io::import_budgets(store, &request.path),
        ImportKind::Actuals => io::import_actuals(store, &request.path),
        ImportKind::Focus => io::import_focus(store, &request.path, &request.focus),
        ImportKind::KpiValues => io::import_kpi_values(store, &request.path),
    }
}

/// Reads and checks a file exactly as [`import`] would, and says what it would write.
pub fn preview_import(store: &Store, request: &ImportRequest) -> Result<Preview> {
    match request.kind {
        ImportKind::Budgets => io::preview_budgets(store.conn(), &request.path),
        ImportKind::Actuals => io::preview_actuals(store.conn(), &request.path),
        ImportKind::Focus => io::preview_focus(store.conn(), &request.path, &request.focus),
        ImportKind::KpiValues => io::preview_kpi_values(store.conn(), &request.path),
    }
}

pub fn audit(store: &Store, filter: &audit::AuditFilter<'_>, limit: u32) -> Result<Vec<audit::AuditEntry>> {
    audit::recent(store.conn(), filter, limit)
}

/// Which chart to draw, for what, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChartRequest {
    pub name: ChartName,
    /// An initiative's id or name; the whole portfolio when absent.
    #[serde(default)]
    pub initiative: Option<String>,
    /// The KPI of a `kpi` chart, by id or name.
    #[serde(default)]
    pub kpi: Option<String>,
    /// How `spend` is split: by initiative for the portfolio, by category for one initiative.
    #[serde(default)]
    pub by: Option<SpendGrouping>,
    /// Light when absent.
    #[serde(default)]
    pub theme: Option<ThemeName>,
    /// Pixels; 1600 × 900 when absent.
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// The month counted as now; this month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
    /// The model of a `model-metric` chart, by id or name.
    #[serde(default)]
    pub model: Option<String>,
    /// The metric key of a `model-metric` chart (`metric list` shows the bindings).
    #[serde(default)]
    pub metric: Option<String>,
    /// The window of a `model-metric` chart up to now: `36h`, `7d`, `30d` or a date such as
    /// `2026-03-01`; 7 days when absent. Hourly up to two days, daily beyond.
    #[serde(default)]
    pub since: Option<String>,
    /// The scenarios of a `scenario-compare` chart (one to four), by name.
    #[serde(default)]
    pub scenarios: Option<Vec<String>>,
    /// What a `scenario-compare` chart draws: `spend` when absent, `team`, or `changes` (the first
    /// scenario's changes).
    #[serde(default)]
    pub view: Option<ScenarioChartView>,
    /// The period of a `scenario-compare` chart: `2027`, `2026-Q3` or `all`; the fiscal year of
    /// the as-of month when absent.
    #[serde(default)]
    pub period: Option<String>,
}

impl ChartRequest {
    pub fn canvas(&self) -> Canvas {
        let default = Canvas::default();
        Canvas {
            width: self.width.unwrap_or(default.width),
            height: self.height.unwrap_or(default.height),
            theme: self.theme.unwrap_or(default.theme),
        }
    }
}

/// Gathers a chart's figures: resolves the initiative and KPI by id or name, then reads the store.
pub fn chart(store: &Store, request: &ChartRequest) -> Result<Chart> {
    let conn = store.conn();
    request.canvas().validate()?;
    let scope = match request.initiative.as_deref() {
        Some(text) => {
            let id = InitiativeId(crate::store::records::resolve(conn, EntityKind::Initiative, text)?);
            Scope::initiative(conn, id)?
        }
        None => Scope::portfolio(),
    };
    let kpi = match request.kpi.as_deref() {
        Some(text) => Some(KpiId(crate::store::records::resolve(conn, EntityKind::Kpi, text)?)),
        None if request.name == ChartName::Kpi => {
            let names: Vec<String> = conn
                .prepare("SELECT name FROM kpis ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<std::result::Result<_, _>>()?;
            let known = if names.is_empty() {
                "there are no KPIs yet (`add kpi ...`)".to_owned()
            } else {
                format!("the KPIs are: {}", names.join(", "))
            };
            return Err(Error::Validation(format!("the kpi chart needs a KPI: give --kpi NAME; {known}")));
        }
        None => None,
    };
    let metric = match request.name {
        ChartName::ModelMetric => Some(metric_window(conn, request)?),
        _ => None,
    };
    let spec = ChartSpec {
        name: request.name,
        scope,
        kpi,
        grouping: request.by,
        as_of: request.as_of.unwrap_or_else(current_month),
        metric,
        scenarios: scenario_choice(request)?,
    };
    // The store remembers the planning core's inputs until the file changes: a page's charts, and
    // the Planning page's chart after its figures, read them once.
    let today = crate::plan::period::today();
    crate::charts::gather_from(conn, &spec, || crate::plan::PlanInputs::load_remembered(store, spec.as_of, today))
}

/// The scenarios, view and period a `scenario-compare` chart asks for; the fields of the other
/// charts are refused rather than ignored, so a mistyped chart name does not draw the wrong thing.
fn scenario_choice(request: &ChartRequest) -> Result<Option<ScenarioChoice>> {
    if request.name != ChartName::ScenarioCompare {
        if request.scenarios.is_some() || request.view.is_some() {
            return Err(Error::Validation(format!(
                "scenarios: only the scenario-compare chart takes scenarios and a view, not {}",
                request.name.as_str()
            )));
        }
        return Ok(None);
    }
    let names: Vec<String> =
        request.scenarios.iter().flatten().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).collect();
    if names.is_empty() {
        return Err(Error::Validation(crate::charts::NEEDS_SCENARIOS.into()));
    }
    let period = match request.period.as_deref() {
        Some(text) => text.parse::<crate::plan::PeriodChoice>()?,
        None => crate::plan::PeriodChoice::default(),
    };
    Ok(Some(ScenarioChoice { names, view: request.view.unwrap_or(ScenarioChartView::Spend), period }))
}

/// The model, metric and window a `model-metric` chart asks for, with the bound keys named when
/// one is missing.
fn metric_window(conn: &rusqlite::Connection, request: &ChartRequest) -> Result<MetricWindow> {
    let Some(model) = request.model.as_deref() else {
        return Err(Error::Validation(
            "model: the model-metric chart needs --model NAME and --metric KEY (`metric list` shows the bindings)"
                .into(),
        ));
    };
    let model = ModelId(crate::store::records::resolve(conn, EntityKind::Model, model)?);
    let Some(key) = request.metric.as_deref() else {
        let bound = crate::sync::bindings::list(conn, Some(&model.0.to_string()))?;
        let keys: Vec<&str> = bound.iter().map(|b| b.binding.series.key.as_str()).collect();
        let known = match keys.as_slice() {
            [] => "this model has no metric bindings yet (`metric bind`)".to_owned(),
            keys => format!("its metrics are: {}", keys.join(", ")),
        };
        return Err(Error::Validation(format!("metric: the model-metric chart needs --metric KEY; {known}")));
    };
    let now = chrono::Utc::now().timestamp();
    let since = crate::sync::readout::parse_since(request.since.as_deref().unwrap_or("7d"), now)?;
    Ok(MetricWindow { model, key: key.trim().to_owned(), since, now })
}

/// Draws a chart into the file at `path`, as SVG or PNG by its extension, whole or not at all.
/// Returns the chart (for its title) and the size in pixels of what was written.
pub fn write_chart(store: &Store, request: &ChartRequest, path: &Path, scale: u32) -> Result<(Chart, (u32, u32))> {
    let format = ChartFormat::of_path(path)?;
    let chart = chart(store, request)?;
    let canvas = request.canvas();
    io::write_whole(path, &crate::charts::encode(&chart, &canvas, format, scale)?)?;
    let size = match format {
        ChartFormat::Svg => (canvas.width, canvas.height),
        ChartFormat::Png => (canvas.width * scale, canvas.height * scale),
    };
    Ok((chart, size))
}
