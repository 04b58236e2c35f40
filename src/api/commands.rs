//! The one list of commands every transport serves: the desktop shell's IPC, the HTTP twin, and
//! tests. Each command is a function `fn(&mut Store, Request) -> Result<Response>` with serde types;
//! the few that steer background sync take the [`Session`] instead, which every transport holds
//! (and which dereferences to its store).
//!
//! [`for_each_command!`](crate::for_each_command) hands the list to a macro of the caller's, which
//! turns it into Tauri commands or an HTTP router, so no transport writes a command by hand. To add a
//! command: write its function here, then add one line to the list.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use super::budgets::{budget_copy, budget_set};
use super::connections::{AddConnectionRequest, ConnectionName, ConnectionSecretRequest};
pub use super::governance::{
    audit_verify, framework_load, framework_unload, governance_checklist, governance_classify, governance_frameworks,
    governance_gate, governance_jurisdictions, governance_set, governance_signoff, governance_signoffs,
    governance_summary, inventory_as_of, model_card,
};
pub use super::kpis::{cost_models, initiative_values, kpi_record, kpi_scorecard};
pub use super::scenarios::{
    scenario_add, scenario_apply, scenario_compare, scenario_drop, scenario_export, scenario_import, scenario_list,
    scenario_new, scenario_remove, scenario_show,
};
use super::{ChartRequest, ImportRequest, RecordView, Session};
use crate::analytics::forecast::{DEFAULT_HORIZON, ForecastOptions, ForecastReport};
use crate::connect::OsKeyring;
use crate::connect::probe::ConnectionTest;
use crate::domain::{Category, ConnectionId, Currency, EntityKind, FxRate, InitiativeId, Month};
use crate::error::{Error, Result};
use crate::io::{ImportReport, Preview};
use crate::plan::Summary;
use crate::store::audit::AuditEntry;
use crate::store::{APP_VERSION, Store, schema_version, settings};
use crate::sync::scheduler::SyncHandle;

/// Calls `$callback!` with every command as `name: Request => Response;`.
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            portfolio_info: $crate::api::commands::NoArguments => $crate::api::commands::PortfolioInfo;
            init: $crate::api::commands::InitRequest => $crate::api::commands::PortfolioInfo;
            summary: $crate::api::commands::SummaryRequest => $crate::plan::Summary;
            forecast: $crate::api::commands::ForecastRequest => $crate::analytics::forecast::ForecastReport;
            budget_grid: $crate::api::commands::BudgetGridRequest => $crate::plan::BudgetGrid;
            mark_one_off: $crate::api::commands::OneOffRequest => $crate::api::commands::OneOffMarked;
            budget_copy: $crate::api::budgets::BudgetCopyRequest => $crate::api::budgets::BudgetCopied;
            budget_set: $crate::api::budgets::BudgetSetRequest => $crate::api::budgets::BudgetSetDone;
            scenario_new: $crate::api::scenarios::ScenarioNewRequest => $crate::store::scenarios::StoredScenario;
            scenario_list: $crate::api::commands::NoArguments => Vec<$crate::store::scenarios::StoredScenario>;
            scenario_remove: $crate::api::scenarios::ScenarioName => $crate::store::scenarios::StoredScenario;
            scenario_add: $crate::api::scenarios::ScenarioAddRequest => $crate::api::scenarios::ChangePosition;
            scenario_drop: $crate::api::scenarios::ScenarioDropRequest => $crate::store::scenarios::StoredScenario;
            scenario_show: $crate::api::scenarios::ScenarioShowRequest => $crate::plan::scenario::ScenarioView;
            scenario_compare: $crate::api::scenarios::ScenarioCompareRequest => $crate::plan::scenario::Comparison;
            scenario_export: $crate::api::scenarios::ScenarioExportRequest => $crate::api::scenarios::ScenarioExported;
            scenario_import: $crate::api::scenarios::ScenarioImportRequest => $crate::store::scenarios::StoredScenario;
            scenario_apply: $crate::api::scenarios::ScenarioApplyRequest => $crate::api::scenarios::ScenarioApplied;
            kpi_record: $crate::api::kpis::KpiRecordRequest => $crate::api::kpis::KpiRecorded;
            kpi_scorecard: $crate::api::kpis::ScorecardRequest => $crate::plan::kpi::Scorecard;
            cost_models: $crate::api::kpis::CostModelsRequest => $crate::plan::model_cost::ModelCosts;
            initiative_values: $crate::api::kpis::InitiativeValuesRequest => Vec<$crate::plan::value::InitiativeValue>;
            planning_settings: $crate::api::commands::NoArguments => $crate::api::commands::PlanningSettings;
            set_planning_settings: $crate::api::commands::PlanningSettingsUpdate => $crate::api::commands::PlanningSettings;
            list_records: $crate::api::commands::ListRequest => Vec<$crate::api::RecordView>;
            get_record: $crate::api::commands::RecordRef => $crate::api::RecordView;
            create_record: $crate::api::commands::CreateRequest => $crate::api::RecordView;
            update_record: $crate::api::commands::UpdateRequest => $crate::api::RecordView;
            remove_record: $crate::api::commands::RecordRef => $crate::api::RecordView;
            fx_list: $crate::api::commands::NoArguments => Vec<$crate::domain::FxRate>;
            fx_set: $crate::domain::FxRate => $crate::domain::FxRate;
            preview_import: $crate::api::ImportRequest => $crate::io::Preview;
            import: $crate::api::ImportRequest => $crate::io::ImportReport;
            backup: $crate::api::commands::PathRequest => $crate::api::commands::NoArguments;
            export_workbook: $crate::api::commands::PathRequest => $crate::api::commands::ExportReport;
            restore: $crate::api::commands::PathRequest => $crate::api::commands::NoArguments;
            audit: $crate::api::commands::AuditRequest => Vec<$crate::store::audit::AuditEntry>;
            chart: $crate::api::ChartRequest => $crate::api::commands::ChartResponse;
            export_chart: $crate::api::commands::ExportChartRequest => $crate::api::commands::ChartExported;
            export_report: $crate::api::commands::ReportRequest => $crate::report::ReportWritten;
            add_connection: $crate::api::connections::AddConnectionRequest => $crate::api::RecordView;
            set_connection_secret: $crate::api::connections::ConnectionSecretRequest => $crate::api::commands::NoArguments;
            test_connection: $crate::api::connections::ConnectionName => $crate::connect::probe::ConnectionTest;
            remove_connection: $crate::api::connections::ConnectionName => $crate::api::RecordView;
            connection_status: $crate::api::commands::NoArguments => Vec<$crate::api::metrics::ConnectionStatus>;
            sync_now: $crate::api::commands::SyncRequest => $crate::api::commands::SyncQueued;
            cancel_sync: $crate::api::commands::SyncRequest => $crate::api::commands::SyncQueued;
            model_metrics: $crate::api::metrics::ModelMetricsRequest => $crate::sync::readout::ModelMetrics;
            metric_breaches: $crate::api::commands::NoArguments => $crate::sync::readout::Breaches;
            governance_classify: $crate::api::governance::ModelName => $crate::governance::Classification;
            governance_checklist: $crate::api::governance::ModelName => $crate::governance::checklist::Checklist;
            governance_gate: $crate::api::governance::ModelName => $crate::governance::gate::GateCheck;
            governance_set: $crate::api::governance::GovernanceSetRequest => $crate::governance::checklist::ChecklistRow;
            governance_signoff: $crate::api::governance::SignoffRequest => $crate::api::governance::SignedOff;
            governance_signoffs: $crate::api::governance::ModelName => Vec<$crate::api::governance::SignoffView>;
            governance_summary: $crate::api::commands::NoArguments => $crate::governance::overview::Overview;
            governance_jurisdictions: $crate::api::governance::JurisdictionsRequest => $crate::api::governance::Jurisdictions;
            governance_frameworks: $crate::api::commands::NoArguments => Vec<$crate::governance::overview::FrameworkInfo>;
            framework_load: $crate::api::commands::PathRequest => $crate::governance::overview::FrameworkInfo;
            framework_unload: $crate::api::governance::FrameworkId => Vec<$crate::governance::overview::FrameworkInfo>;
            audit_verify: $crate::api::commands::NoArguments => $crate::store::audit::Verification;
            inventory_as_of: $crate::api::governance::InventoryRequest => Vec<$crate::governance::history::InventoryRow>;
            model_card: $crate::api::governance::ModelCardRequest => $crate::api::governance::ModelCardWritten;
        }
    };
}

/// The request of a command that takes nothing, and the answer of one that returns nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NoArguments {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PortfolioInfo {
    pub path: String,
    /// `None` until the portfolio is initialised.
    pub base_currency: Option<Currency>,
    pub app_version: String,
    pub schema_version: usize,
}

/// Sets the base currency of a new portfolio (fixed once set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitRequest {
    pub currency: Currency,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SummaryRequest {
    /// Figures use facts through the end of this month; this month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
    /// `2026`, `2026-Q3` or `all`; the fiscal year of the as-of month when absent.
    #[serde(default)]
    pub period: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ForecastRequest {
    /// Only this initiative (the portfolio forecast is always there).
    #[serde(default)]
    pub initiative: Option<InitiativeId>,
    /// Months to forecast, 1 to 60; 12 when absent.
    #[serde(default)]
    pub horizon: Option<u32>,
    /// The month counted as now; this month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ListRequest {
    pub kind: EntityKind,
    /// Fields that must be equal, e.g. `{"stage": "production"}`.
    #[serde(default)]
    pub filter: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RecordRef {
    pub kind: EntityKind,
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CreateRequest {
    pub kind: EntityKind,
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UpdateRequest {
    pub kind: EntityKind,
    pub id: i64,
    /// Only the fields to change; `null` clears an optional field.
    pub changes: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PathRequest {
    pub path: PathBuf,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: PathBuf,
    /// The sheets written: one per table, then the forecast sheets.
    pub sheets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditRequest {
    /// Only rows about this kind of record (`model`, `control`, `portfolio`…).
    #[serde(default)]
    pub entity: Option<String>,
    /// Only rows about the record with this id.
    #[serde(default)]
    pub entity_id: Option<i64>,
    /// Only rows by this person.
    #[serde(default)]
    pub actor: Option<String>,
    /// Only rows from this day (`YYYY-MM-DD`) or instant on.
    #[serde(default)]
    pub since: Option<String>,
    /// Only rows through this day or instant.
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default = "default_audit_limit")]
    pub limit: u32,
}

fn default_audit_limit() -> u32 {
    50
}

pub fn portfolio_info(store: &mut Store, _: NoArguments) -> Result<PortfolioInfo> {
    let base_currency =
        if settings::is_initialised(store.conn())? { Some(settings::base_currency(store.conn())?) } else { None };
    Ok(PortfolioInfo {
        path: store.path().display().to_string(),
        base_currency,
        app_version: APP_VERSION.to_owned(),
        schema_version: schema_version(),
    })
}

pub fn init(store: &mut Store, request: InitRequest) -> Result<PortfolioInfo> {
    super::init(store, request.currency)?;
    portfolio_info(store, NoArguments {})
}

pub fn summary(store: &mut Store, request: SummaryRequest) -> Result<Summary> {
    let period = request.period.as_deref().unwrap_or("").parse()?;
    super::summary(store, request.as_of.unwrap_or_else(super::current_month), period)
}

/// Spend forecasts with 95% intervals, year-end landings against budget, and the team's cost.
pub fn forecast(store: &mut Store, request: ForecastRequest) -> Result<ForecastReport> {
    let options = ForecastOptions {
        as_of: request.as_of.unwrap_or_else(super::current_month),
        today: crate::plan::period::today(),
        horizon: request.horizon.unwrap_or(DEFAULT_HORIZON),
        initiative: request.initiative,
    };
    super::forecast(store, &options)
}

/// Which initiative's budget grid, and for which fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetGridRequest {
    pub initiative: InitiativeId,
    /// The fiscal year (named by the year it ends in); the current one when absent.
    #[serde(default)]
    pub year: Option<i32>,
}

/// An initiative's budget per category and month with its actual and over/under rows, all in
/// the base currency and from the planning core, for the budget grid.
pub fn budget_grid(store: &mut Store, request: BudgetGridRequest) -> Result<crate::plan::BudgetGrid> {
    use crate::plan::{PeriodChoice, PlanInputs, PlanOptions};
    let period = request.year.map_or(PeriodChoice::CurrentFiscalYear, PeriodChoice::FiscalYear);
    let inputs = PlanInputs::load(store.conn(), super::current_month(), crate::plan::period::today())?;
    let plan = crate::plan::compute(&inputs, &PlanOptions { period, ..PlanOptions::default() })?;
    crate::plan::grid::budget_grid(&plan, &inputs, request.initiative)
        .ok_or_else(|| Error::not_found(EntityKind::Initiative, request.initiative.0))
}

/// Spend to mark one-off (counted as spend, left out of forecasts) or to unmark: one initiative's
/// actuals of one month, of one category or of all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct OneOffRequest {
    /// The initiative's name or id; absent for Unallocated spend.
    #[serde(default)]
    pub initiative: Option<String>,
    pub month: Month,
    /// Absent: every category of the month.
    #[serde(default)]
    pub category: Option<Category>,
    /// `true` marks the spend one-off, `false` clears the mark.
    pub one_off: bool,
}

/// How many actuals a [`mark_one_off`] changed (those already so are not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct OneOffMarked {
    pub actuals: u64,
}

/// Marks a month's spend one-off, or clears the mark, in one audited change. A month with no
/// such spend is an error that says so, rather than a silent nothing.
pub fn mark_one_off(store: &mut Store, request: OneOffRequest) -> Result<OneOffMarked> {
    use crate::store::actuals::{OneOffMark, mark_one_off};
    let initiative = match request.initiative.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(InitiativeId(crate::store::records::resolve(store.conn(), EntityKind::Initiative, text)?)),
        None => None,
    };
    let mark = OneOffMark { initiative, month: request.month, category: request.category, one_off: request.one_off };
    let Some(actuals) = store.in_transaction(|tx, actor| mark_one_off(tx, actor, &mark))? else {
        let whose = request.initiative.as_deref().unwrap_or("Unallocated");
        let what = request.category.map_or(String::new(), |c| format!(" {} spend", c.as_str()));
        return Err(Error::Validation(format!(
            "{whose} has no{what} actuals in {}; nothing to mark (check the month and the category)",
            request.month
        )));
    };
    Ok(OneOffMarked { actuals })
}

/// How the planning core cuts periods and what it flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PlanningSettings {
    /// The first month of the fiscal year: 1 (January) to 12.
    pub fiscal_year_start: u32,
    /// Overspend below this (minor units of the base currency) is not flagged for attention.
    pub attention_floor_minor: i64,
    /// Whether the floor is the default (1,000 units of the base currency).
    pub attention_floor_is_default: bool,
    pub base_currency: Currency,
}

/// Changes to the planning settings; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PlanningSettingsUpdate {
    #[serde(default)]
    pub fiscal_year_start: Option<u32>,
    /// An amount in the base currency (`2,500.00`), or `default`.
    #[serde(default)]
    pub attention_floor: Option<String>,
}

pub fn planning_settings(store: &mut Store, _: NoArguments) -> Result<PlanningSettings> {
    let base_currency = settings::base_currency(store.conn())?;
    let (fiscal_year_start, floor) = settings::planning(store.conn())?;
    Ok(PlanningSettings {
        fiscal_year_start,
        attention_floor_minor: floor
            .unwrap_or_else(|| crate::plan::inputs::default_attention_floor_minor(base_currency)),
        attention_floor_is_default: floor.is_none(),
        base_currency,
    })
}

/// Sets the first month of the fiscal year and the attention floor, in one audited change.
pub fn set_planning_settings(store: &mut Store, request: PlanningSettingsUpdate) -> Result<PlanningSettings> {
    store.in_transaction(|tx, actor| {
        if let Some(month) = request.fiscal_year_start {
            settings::set_fiscal_year_start(tx, actor, month)?;
        }
        if let Some(text) = &request.attention_floor {
            let floor = match text.trim() {
                "default" | "" => None,
                amount => {
                    let currency = settings::base_currency(tx)?;
                    let money = crate::domain::Money::parse(amount, currency).map_err(|e| {
                        Error::Validation(format!("attention_floor: {e}; write an amount in {currency}, e.g. 2,500.00"))
                    })?;
                    if money.minor < 0 {
                        return Err(Error::Validation("attention_floor: must not be negative".into()));
                    }
                    Some(money.minor)
                }
            };
            settings::set_attention_floor(tx, actor, floor)?;
        }
        Ok(())
    })?;
    planning_settings(store, NoArguments {})
}

pub fn list_records(store: &mut Store, request: ListRequest) -> Result<Vec<RecordView>> {
    super::records::list(store, request.kind, &request.filter)
}

pub fn get_record(store: &mut Store, request: RecordRef) -> Result<RecordView> {
    super::records::get(store, request.kind, request.id)
}

pub fn create_record(session: &mut Session, request: CreateRequest) -> Result<RecordView> {
    let kind = request.kind;
    let created = super::records::create(session, kind, request.fields)?;
    connections_touched(session, kind);
    Ok(created)
}

pub fn update_record(session: &mut Session, request: UpdateRequest) -> Result<RecordView> {
    let kind = request.kind;
    let updated = super::records::update(session, kind, request.id, request.changes)?;
    connections_touched(session, kind);
    Ok(updated)
}

pub fn remove_record(session: &mut Session, request: RecordRef) -> Result<RecordView> {
    let removed = super::records::remove(session, request.kind, request.id)?;
    connections_touched(session, request.kind);
    Ok(removed)
}

/// A connection was added, changed or removed: the background sync takes it up.
fn connections_touched(session: &Session, kind: EntityKind) {
    if kind == EntityKind::Connection {
        session.connections_changed();
    }
}

pub fn fx_list(store: &mut Store, _: NoArguments) -> Result<Vec<FxRate>> {
    super::fx_list(store)
}

pub fn fx_set(store: &mut Store, rate: FxRate) -> Result<FxRate> {
    super::fx_set(store, rate)
}

pub fn preview_import(store: &mut Store, request: ImportRequest) -> Result<Preview> {
    super::preview_import(store, &request)
}

pub fn import(store: &mut Store, request: ImportRequest) -> Result<ImportReport> {
    super::import(store, &request)
}

pub fn backup(store: &mut Store, request: PathRequest) -> Result<NoArguments> {
    super::backup(store, &request.path).map(|()| NoArguments {})
}

/// Every table as a sheet of one XLSX workbook, and the forecast sheets as of this month.
pub fn export_workbook(store: &mut Store, request: PathRequest) -> Result<ExportReport> {
    let sheets = super::export_workbook(store, &request.path, super::current_month())?;
    Ok(ExportReport { path: request.path, sheets })
}

/// Where to write the executive report, and the month it is of (this month when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportRequest {
    pub path: PathBuf,
    #[serde(default)]
    pub as_of: Option<Month>,
    /// `2026`, `2026-Q3` or `all`; the fiscal year of the as-of month when absent.
    #[serde(default)]
    pub period: Option<String>,
    /// Scenarios to show beside the baseline (one to four, by name); none when absent.
    #[serde(default)]
    pub scenarios: Vec<String>,
}

pub fn export_report(store: &mut Store, request: ReportRequest) -> Result<crate::report::ReportWritten> {
    let period = request.period.as_deref().unwrap_or("").parse()?;
    let as_of = request.as_of.unwrap_or_else(super::current_month);
    super::export_report(store, &request.path, as_of, period, request.scenarios)
}

/// Replaces the portfolio with a backup; the background sync takes up the backup's connections.
pub fn restore(session: &mut Session, request: PathRequest) -> Result<NoArguments> {
    super::restore(session, &request.path)?;
    session.connections_changed();
    Ok(NoArguments {})
}

pub fn audit(store: &mut Store, request: AuditRequest) -> Result<Vec<AuditEntry>> {
    let filter = crate::store::audit::AuditFilter {
        entity: request.entity.as_deref(),
        entity_id: request.entity_id,
        actor: request.actor.as_deref(),
        since: request.since.as_deref(),
        until: request.until.as_deref(),
    };
    super::audit(store, &filter, request.limit)
}

/// A chart drawn for the UI: the SVG (with its own `<title>` and `<desc>`) and the same words for
/// the page around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChartResponse {
    pub svg: String,
    pub title: String,
    pub description: String,
}

/// Draws a chart as SVG, at 1600×900 in the light theme unless asked otherwise.
pub fn chart(store: &mut Store, request: ChartRequest) -> Result<ChartResponse> {
    let chart = super::chart(store, &request)?;
    let svg = crate::charts::to_svg(&chart, &request.canvas())?;
    Ok(ChartResponse { svg, title: chart.words.title, description: chart.words.description })
}

/// A chart to export: the chart's request, and where to write it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportChartRequest {
    #[serde(flatten)]
    pub chart: ChartRequest,
    /// FILE.svg or FILE.png; the extension chooses the format. Without a path nothing is written
    /// and the PNG comes back as base64, for the clipboard.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// PNG pixels per point: 1 for screens, 2 for slides; 1 when absent.
    #[serde(default)]
    pub scale: Option<u32>,
}

/// What [`export_chart`] made: the file it wrote, or the PNG itself when no path was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChartExported {
    pub path: Option<PathBuf>,
    /// The PNG's bytes in standard base64, only when no path was given.
    pub png_base64: Option<String>,
    /// Pixels of the file: the canvas times the scale for PNG.
    pub width: u32,
    pub height: u32,
    pub title: String,
}

/// Writes a chart as SVG or PNG (by the path's extension), or answers with the PNG's bytes.
pub fn export_chart(store: &mut Store, request: ExportChartRequest) -> Result<ChartExported> {
    let scale = request.scale.unwrap_or(1);
    if let Some(path) = request.path {
        let (chart, (width, height)) = super::write_chart(store, &request.chart, &path, scale)?;
        return Ok(ChartExported { path: Some(path), png_base64: None, width, height, title: chart.words.title });
    }
    use base64::Engine as _;
    let chart = super::chart(store, &request.chart)?;
    let canvas = request.chart.canvas();
    let png = crate::charts::encode(&chart, &canvas, crate::charts::ChartFormat::Png, scale)?;
    Ok(ChartExported {
        path: None,
        png_base64: Some(base64::engine::general_purpose::STANDARD.encode(png)),
        width: canvas.width * scale,
        height: canvas.height * scale,
        title: chart.words.title,
    })
}

/// Adds a connection; its secret goes straight to the OS keyring. Background sync starts on it.
pub fn add_connection(session: &mut Session, request: AddConnectionRequest) -> Result<RecordView> {
    let added = super::connections::add(session, &OsKeyring, request)?;
    session.connections_changed();
    Ok(added)
}

pub fn set_connection_secret(store: &mut Store, request: ConnectionSecretRequest) -> Result<NoArguments> {
    super::connections::set_secret(store, &OsKeyring, request).map(|()| NoArguments {})
}

/// Reachable? Which version? Credentials accepted? Or exactly what failed.
pub fn test_connection(store: &mut Store, request: ConnectionName) -> Result<ConnectionTest> {
    super::connections::test(store, &OsKeyring, &request.name)
}

/// Every connection's newest sync run and how far its data reaches.
pub fn connection_status(store: &mut Store, _: NoArguments) -> Result<Vec<super::metrics::ConnectionStatus>> {
    super::metrics::connection_status(store)
}

/// A model's bound metrics now: each latest value against its threshold, its data age, its
/// connection's last sync, and the rollups of the window.
pub fn model_metrics(
    store: &mut Store,
    request: super::metrics::ModelMetricsRequest,
) -> Result<crate::sync::readout::ModelMetrics> {
    super::metrics::model_metrics(store, &request)
}

/// Every bound metric across the portfolio breaching its threshold or stale now, worst first.
pub fn metric_breaches(store: &mut Store, _: NoArguments) -> Result<crate::sync::readout::Breaches> {
    crate::sync::readout::breach_report(store.conn(), chrono::Utc::now().timestamp())
}

/// Removes a connection and its secret.
/// Removes a connection, stopping its background sync first.
pub fn remove_connection(session: &mut Session, request: ConnectionName) -> Result<RecordView> {
    let (id, _) = super::connections::find(session, &request.name)?;
    if let Some(sync) = session.sync() {
        sync.cancel(Some(id));
    }
    let removed = super::connections::remove(session, &OsKeyring, id.0)?;
    session.connections_changed();
    Ok(removed)
}

/// Which connections a sync command is for: the one named (by name or id), or every one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncRequest {
    #[serde(default)]
    pub connection: Option<String>,
}

/// The connections a sync command went to, by name. Their progress follows as events, and
/// `connection_status` shows how each run ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncQueued {
    pub connections: Vec<String>,
}

/// The connections a sync request names, as (id, name).
fn sync_targets(store: &Store, request: &SyncRequest) -> Result<Vec<(ConnectionId, String)>> {
    let connections = crate::sync::scheduler::load_connections(store.conn())?;
    match request.connection.as_deref() {
        None => Ok(connections.into_iter().map(|c| (c.id, c.name)).collect()),
        Some(text) => {
            let id = ConnectionId(crate::store::records::resolve(store.conn(), EntityKind::Connection, text)?);
            Ok(connections.into_iter().filter(|c| c.id == id).map(|c| (c.id, c.name)).collect())
        }
    }
}

/// The background sync, or an error saying what to do without it.
fn background_sync(session: &Session) -> Result<SyncHandle> {
    session.sync().filter(|s| s.is_running()).ok_or_else(|| {
        Error::Conflict(
            "background sync does not run in this program; run `mlops-portfolio sync` to sync from the command line"
                .into(),
        )
    })
}

/// Syncs the connection named, or every connection, now, in the background (after a run in flight).
pub fn sync_now(session: &mut Session, request: SyncRequest) -> Result<SyncQueued> {
    steer_sync(session, request, SyncHandle::run_now)
}

/// Stops the sync in flight of the connection named, or of every connection. It is recorded as
/// cancelled with what it wrote so far; the connection syncs again at its interval.
pub fn cancel_sync(session: &mut Session, request: SyncRequest) -> Result<SyncQueued> {
    steer_sync(session, request, SyncHandle::cancel)
}

/// Tells the background sync to `act` on the connection the request names, or on all.
fn steer_sync(
    session: &Session,
    request: SyncRequest,
    act: fn(&SyncHandle, Option<ConnectionId>),
) -> Result<SyncQueued> {
    let sync = background_sync(session)?;
    let targets = sync_targets(session, &request)?;
    match request.connection {
        Some(_) => targets.iter().for_each(|(id, _)| act(&sync, Some(*id))),
        None => act(&sync, None),
    }
    Ok(SyncQueued { connections: targets.into_iter().map(|(_, name)| name).collect() })
}

macro_rules! json_dispatch {
    ($($name:ident: $request:ty => $response:ty;)*) => {
        /// The names of every command, in the order of the list.
        pub const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Runs the command called `name` with a JSON request and returns its JSON answer; how the
        /// HTTP twin (and any other JSON transport) calls the list.
        pub fn dispatch(session: &mut Session, name: &str, request: Value) -> Result<Value> {
            match name {
                $(stringify!($name) => {
                    let request: $request = serde_path_to_error::deserialize(request).map_err(|e| {
                        Error::Validation(format!("{}: {} {}", stringify!($name), e.path(), e.inner()))
                    })?;
                    let response: $response = $name(session, request)?;
                    Ok(serde_json::to_value(response)?)
                })*
                _ => Err(Error::NotFound(format!("there is no command `{name}`"))),
            }
        }
    };
}
crate::for_each_command!(json_dispatch);

macro_rules! typescript_command_map {
    ($($name:ident: $request:ty => $response:ty;)*) => {
        /// `Commands.ts`: every command's request and response type, for the UI's typed `call`.
        pub fn typescript_command_map() -> String {
            use ts_rs::TS;
            let cfg = ts_rs::Config::from_env();
            let mut entries = String::new();
            $(
                entries.push_str(&format!(
                    "  {}: {{ request: {}; response: {} }};\n",
                    stringify!($name),
                    <$request as TS>::name(&cfg),
                    <$response as TS>::name(&cfg)
                ));
            )*
            // Every type named in the map is exported beside it as `<Name>.ts`.
            let mut imports: Vec<&str> = entries
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()) && *word != "Array")
                .collect();
            imports.sort_unstable();
            imports.dedup();
            let mut out = String::from("// Generated from src/api/commands.rs by `cargo test`. Do not edit.\n");
            for name in imports {
                out.push_str(&format!("import type {{ {name} }} from \"./{name}\";\n"));
            }
            out.push_str("\n/** Every command the backend answers, with its request and response types. */\n");
            out.push_str("export type Commands = {\n");
            out.push_str(&entries);
            out.push_str("};\n\nexport type CommandName = keyof Commands;\n");
            out
        }
    };
}
crate::for_each_command!(typescript_command_map);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Writes `Commands.ts` beside the other generated bindings (ts-rs writes those on `cargo test`).
    #[test]
    fn export_typescript_command_map() {
        let dir = std::path::PathBuf::from(std::env::var("TS_RS_EXPORT_DIR").unwrap_or_else(|_| "bindings".into()));
        let dir = if dir.is_absolute() { dir } else { std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir) };
        std::fs::create_dir_all(&dir).unwrap();
        let map = typescript_command_map();
        assert!(map.contains("summary: { request: SummaryRequest; response: Summary }"), "{map}");
        std::fs::write(dir.join("Commands.ts"), map).unwrap();
    }

    #[test]
    fn connection_status_tells_the_newest_run_and_how_far_data_reaches() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Session::from(Store::open_as(&dir.path().join("p.db"), "tester").unwrap());
        dispatch(&mut store, "init", json!({"currency": "USD"})).unwrap();
        for name in ["prom", "cost"] {
            let fields = json!({"name": name, "kind": "prometheus", "base_url": "http://127.0.0.1:9", "auth": "none",
                                "interval_minutes": 15});
            dispatch(&mut store, "create_record", json!({"kind": "connection", "fields": fields})).unwrap();
        }
        let status = dispatch(&mut store, "connection_status", json!({})).unwrap();
        assert_eq!(status[0]["name"], "cost");
        assert_eq!((status[0]["last_run"].clone(), status[0]["data_until"].clone()), (Value::Null, Value::Null));

        let conn = store.conn();
        let prom: i64 = conn.query_row("SELECT id FROM connections WHERE name = 'prom'", [], |r| r.get(0)).unwrap();
        conn.execute(
            "INSERT INTO sync_runs (connection_id, started_at, finished_at, status, fetched, written)
             VALUES (?1, '2026-11-01T00:00:00Z', '2026-11-01T00:01:00Z', 'succeeded', 10, 10),
                    (?1, '2026-11-02T00:00:00Z', '2026-11-02T00:00:05Z', 'failed', 0, 0)",
            [prom],
        )
        .unwrap();
        let status = dispatch(&mut store, "connection_status", json!({})).unwrap();
        let prom_status = &status[1];
        assert_eq!(prom_status["name"], "prom");
        assert_eq!(prom_status["last_run"]["status"], "failed", "the newest run, not the first");
        assert_eq!(prom_status["last_run"]["started_at"], "2026-11-02T00:00:00Z");
    }

    #[test]
    fn model_metrics_judges_each_latest_value_against_its_threshold_and_its_age() {
        use crate::domain::{BadWhen, MetricSample};
        use crate::sync::bindings::BindRequest;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Session::from(Store::open_as(&dir.path().join("p.db"), "tester").unwrap());
        dispatch(&mut store, "init", json!({"currency": "USD"})).unwrap();
        store
            .conn()
            .execute("INSERT INTO models (name, stage, risk_tier) VALUES ('fraud-gbm', 'production', 'high')", [])
            .unwrap();
        let bare = dispatch(&mut store, "model_metrics", json!({"model": "fraud-gbm"})).unwrap();
        assert_eq!((bare["model"].clone(), bare["metrics"].clone()), (json!("fraud-gbm"), json!([])), "{bare}");

        let fields = json!({"name": "prom", "kind": "prometheus", "base_url": "http://127.0.0.1:9", "auth": "none",
                            "interval_minutes": 15});
        dispatch(&mut store, "create_record", json!({"kind": "connection", "fields": fields})).unwrap();
        let bind = |key: &str, unit: &str, threshold: f64, bad_when: BadWhen| BindRequest {
            model: "fraud-gbm".into(),
            key: Some(key.into()),
            query: Some(format!("{key}{{model=\"{{model}}\"}}")),
            unit: Some(unit.into()),
            threshold: Some(threshold),
            bad_when: Some(bad_when),
            ..BindRequest::default()
        };
        let latency =
            crate::api::metrics::bind_metric(&mut store, &bind("latency_p95_ms", "ms", 200.0, BadWhen::Above)).unwrap()
                [0]
            .id;
        let accuracy = crate::api::metrics::bind_metric(&mut store, &bind("accuracy", "ratio", 0.9, BadWhen::Below))
            .unwrap()[0]
            .id;
        let now = chrono::Utc::now().timestamp();
        let point = |ago: i64, value: f64| MetricSample { ts: now - ago, value: Some(value) };
        store
            .in_transaction(|tx, _| {
                crate::sync::samples::store_points(tx, latency, &[point(7_200, 150.0), point(600, 212.0)])?;
                crate::sync::samples::store_points(tx, accuracy, &[point(3 * 3_600, 0.95)])
            })
            .unwrap();

        let answer =
            dispatch(&mut store, "model_metrics", json!({"model": "FRAUD-GBM", "since": now - 86_400})).unwrap();
        let metrics = answer["metrics"].as_array().unwrap();
        let keys: Vec<&str> = metrics.iter().filter_map(|m| m["key"].as_str()).collect();
        assert_eq!(keys, ["accuracy", "latency_p95_ms"], "by key");
        let (accuracy, latency) = (&metrics[0], &metrics[1]);
        assert_eq!(latency["state"], "bad", "212 ms is above the 200 ms threshold: {latency}");
        assert_eq!(latency["latest"]["value"], 212.0);
        let age = latency["age_seconds"].as_i64().unwrap();
        assert!((600..660).contains(&age), "ten minutes old, not {age} s");
        assert_eq!(latency["stale_after_seconds"], 2 * (15 * 60 + 60), "twice the interval plus the step");
        assert_eq!(latency["stale"], false);
        assert_eq!(latency["rollups"][0]["grain"], "hour", "a one-day window has hourly rollups");
        assert_eq!(accuracy["state"], "ok", "0.95 is above the 0.9 floor");
        assert_eq!(accuracy["stale"], true, "three hours is past the 32 minutes a 1-minute metric may lag");

        let err = dispatch(&mut store, "model_metrics", json!({"model": "fraud-gbm", "key": "drift"})).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::NotFound);
        assert!(err.to_string().contains("metric list fraud-gbm"), "{err}");
    }

    #[test]
    fn json_dispatch_runs_commands_and_names_bad_fields() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Session::from(Store::open_as(&dir.path().join("p.db"), "tester").unwrap());
        let info = dispatch(&mut store, "portfolio_info", json!({})).unwrap();
        assert_eq!(info["base_currency"], Value::Null);
        let info = dispatch(&mut store, "init", json!({"currency": "usd"})).unwrap();
        assert_eq!(info["base_currency"], "USD");
        let err = dispatch(&mut store, "init", json!({"currency": "EUR"})).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Conflict, "the base currency is fixed once set");
        let created = dispatch(
            &mut store,
            "create_record",
            json!({"kind": "vendor", "fields": {"name": "Scale AI", "category": "labeling"}}),
        )
        .unwrap();
        assert_eq!(created["fields"]["name"], "Scale AI");
        let listed = dispatch(&mut store, "list_records", json!({"kind": "vendor"})).unwrap();
        assert_eq!(listed.as_array().map(Vec::len), Some(1));

        let err = dispatch(&mut store, "list_records", json!({"kind": "gizmo"})).unwrap_err();
        assert!(err.to_string().contains("list_records: kind"), "{err}");
        let err = dispatch(&mut store, "drop_tables", json!({})).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::NotFound);
        assert!(COMMAND_NAMES.contains(&"summary"));

        let path = dir.path().join("portfolio.xlsx");
        let report = dispatch(&mut store, "export_workbook", json!({"path": path})).unwrap();
        assert!(report["sheets"].as_array().unwrap().iter().any(|s| s == "vendors"), "{report}");
        assert_eq!(&std::fs::read(&path).unwrap()[..2], b"PK", "an XLSX file is a zip archive");
    }

    #[test]
    fn export_chart_writes_the_format_its_path_names_or_answers_with_png_bytes() {
        use base64::Engine as _;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Session::from(Store::open_as(&dir.path().join("p.db"), "tester").unwrap());
        dispatch(&mut store, "init", json!({"currency": "USD"})).unwrap();

        let svg = dir.path().join("burn.SVG");
        let answer = dispatch(
            &mut store,
            "export_chart",
            json!({"name": "budget-burn", "theme": "dark", "width": 800, "height": 450, "path": svg}),
        )
        .unwrap();
        assert_eq!((answer["width"].as_u64(), answer["png_base64"].is_null()), (Some(800), true), "{answer}");
        assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg width=\"800\" height=\"450\""));

        let png = dir.path().join("burn.png");
        let answer = dispatch(
            &mut store,
            "export_chart",
            json!({"name": "spend", "width": 400, "height": 320, "path": png, "scale": 2}),
        )
        .unwrap();
        assert_eq!((answer["width"].as_u64(), answer["height"].as_u64()), (Some(800), Some(640)), "2× the canvas");
        assert_eq!(&std::fs::read(&png).unwrap()[1..4], b"PNG");

        let answer =
            dispatch(&mut store, "export_chart", json!({"name": "models", "width": 400, "height": 320})).unwrap();
        assert!(answer["path"].is_null(), "nothing is written without a path");
        let bytes = base64::engine::general_purpose::STANDARD.decode(answer["png_base64"].as_str().unwrap()).unwrap();
        assert_eq!(&bytes[1..4], b"PNG", "the clipboard gets a PNG");

        let jpg = dir.path().join("burn.jpg");
        let err = dispatch(&mut store, "export_chart", json!({"name": "spend", "path": jpg})).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Validation);
        assert!(err.to_string().contains("burn.jpg") && err.to_string().contains(".png"), "{err}");
        assert!(!jpg.exists());
        let err = dispatch(&mut store, "export_chart", json!({"name": "spend", "path": svg, "scale": 2})).unwrap_err();
        assert!(err.to_string().contains("PNG files only"), "{err}");
    }
}
