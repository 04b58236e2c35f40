//! The command line: argument parsing and output. Each command opens the portfolio, calls one
//! function of [`mlops_portfolio::api`], and prints the answer for a person or, with `--json`,
//! for a script.

mod governance;
mod metrics;
mod output;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use mlops_portfolio::analytics::forecast::ForecastOptions;
use mlops_portfolio::analytics::series::{ScenarioChartView, SpendGrouping};
use mlops_portfolio::api;
use mlops_portfolio::charts::{ChartName, ThemeName};
use mlops_portfolio::demo::DemoScale;
use mlops_portfolio::domain::{Category, Currency, EntityKind, FxRate, InitiativeId, Month};
use mlops_portfolio::io::{CostColumn, FocusOptions, ImportKind};
use mlops_portfolio::server::ServeOptions;
use mlops_portfolio::store::Store;
use mlops_portfolio::store::schema::table;

#[derive(Debug, Parser)]
#[command(
    name = "mlops-portfolio",
    version,
    about = "Plan, track and present an ML portfolio from one local SQLite file."
)]
pub struct Cli {
    /// The portfolio file. Default: $MLOPS_PORTFOLIO_DB, else portfolio.db in the OS data folder.
    #[arg(long, global = true, env = "MLOPS_PORTFOLIO_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the portfolio file and set its base currency.
    Init {
        #[arg(long, default_value = "USD")]
        currency: String,
    },
    /// Fill an empty portfolio with a realistic demo.
    Demo {
        #[arg(long, value_enum, default_value_t = Scale::Small)]
        scale: Scale,
    },
    /// Add a record: `add initiative name="Fraud detection" status=active priority=1 start=2026-01`.
    Add {
        #[arg(value_parser = parse_kind)]
        kind: EntityKind,
        /// field=value pairs; `fields KIND` lists them.
        #[arg(value_name = "FIELD=VALUE")]
        fields: Vec<String>,
    },
    /// List records, optionally filtered: `list model stage=production`.
    List {
        #[arg(value_parser = parse_kind)]
        kind: EntityKind,
        #[arg(value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        /// Models only: the inventory as it was at the end of this day (UTC), from the audit log.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one record by id or name.
    Show {
        #[arg(value_parser = parse_kind)]
        kind: EntityKind,
        record: String,
        #[arg(long)]
        json: bool,
    },
    /// Change fields of a record: `update initiative "Fraud detection" status=paused`.
    Update {
        #[arg(value_parser = parse_kind)]
        kind: EntityKind,
        record: String,
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Remove a record by id or name.
    Remove {
        #[arg(value_parser = parse_kind)]
        kind: EntityKind,
        record: String,
    },
    /// List the fields of a kind of record, and which are required.
    Fields {
        #[arg(value_parser = parse_kind)]
        kind: EntityKind,
    },
    /// Exchange rates into the base currency.
    #[command(subcommand)]
    Fx(FxCommand),
    /// Planning settings: the fiscal year's first month and the attention floor.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Next year's budget: copy a year's lines forward, or write the forecast as the budget.
    #[command(subcommand)]
    Budget(BudgetCommand),
    /// What-if scenarios: named lists of changes (hires, leaves, allocations, spend, budgets,
    /// contracts) evaluated against the baseline.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// KPIs: record a value, and the scorecard (green, amber, red, stale) of every KPI.
    #[command(subcommand)]
    Kpi(KpiCommand),
    /// What each model costs, fully loaded (infrastructure, people, vendors, shared), and what
    /// each initiative is worth against its cost.
    #[command(subcommand)]
    Cost(CostCommand),
    /// Mark a month's spend one-off (counted as spend, left out of forecasts), or clear the mark:
    /// `one-off "Fraud detection" 2026-03 --category compute`.
    OneOff {
        /// The initiative, by name or id; `unallocated` for spend no initiative claims.
        initiative: String,
        #[arg(value_name = "YYYY-MM")]
        month: String,
        /// Only this category's spend (people, compute, storage, vendor, other); default: all.
        #[arg(long)]
        category: Option<String>,
        /// Clear the mark instead: the month counts in forecasts again.
        #[arg(long)]
        clear: bool,
    },
    /// Import budgets, actuals, a FOCUS billing export or KPI values. All or nothing.
    Import {
        #[arg(value_enum)]
        what: ImportWhat,
        file: PathBuf,
        /// FOCUS: the key in the Tags column that names the initiative.
        #[arg(long, default_value = "initiative")]
        tag_key: String,
        /// FOCUS: which cost column to import.
        #[arg(long, value_enum, default_value_t = CostColumnArg::BilledCost)]
        cost_column: CostColumnArg,
        /// Check the file and show what would be written, without writing.
        #[arg(long)]
        preview: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export a table as CSV or the whole portfolio as XLSX.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The executive report: figures, charts, tables and forecasts in one self-contained HTML file.
    Report {
        /// The HTML file to write.
        #[arg(long, value_name = "FILE.html")]
        out: PathBuf,
        /// Use facts through the end of this month; default: this month.
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        /// A fiscal year (2026), a fiscal quarter (2026-Q3) or `all`; default: the fiscal year of
        /// the as-of month.
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// A scenario to show beside the baseline (repeat for up to four): its figures, the
        /// scenario-compare charts and what each change adds or saves.
        #[arg(long = "scenario", value_name = "NAME")]
        scenarios: Vec<String>,
    },
    /// Budget, actual, landing and what needs attention, for a period as of a month.
    Summary {
        /// Use facts through the end of this month; default: this month.
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        /// A fiscal year (2026), a fiscal quarter (2026-Q3) or `all`; default: the fiscal year of
        /// the as-of month.
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Monthly spend forecasts with 95% intervals, year-end landing against budget, when the budget
    /// runs out, and the team's projected cost.
    Forecast {
        /// One initiative, by name or id (the portfolio forecast is shown too).
        #[arg(long, value_name = "NAME-OR-ID")]
        initiative: Option<String>,
        /// Months to forecast, 1 to 60.
        #[arg(long, default_value_t = mlops_portfolio::analytics::forecast::DEFAULT_HORIZON)]
        horizon: u32,
        /// Use facts through the end of this month; default: this month.
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write a consistent copy of the portfolio to FILE.
    Backup { file: PathBuf },
    /// Replace the portfolio's contents with those of a backup FILE.
    Restore { file: PathBuf },
    /// Browser mode: serve the app on 127.0.0.1 with a per-run token.
    Serve {
        /// The port; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The built UI folder. Default: $MLOPS_PORTFOLIO_UI, else ui/dist here or beside the program.
        #[arg(long, env = "MLOPS_PORTFOLIO_UI", value_name = "DIR")]
        ui: Option<PathBuf>,
        /// Do not sync the connections in the background (they sync on their interval otherwise).
        #[arg(long)]
        no_sync: bool,
    },
    /// Draw a chart as SVG or PNG: `chart budget-burn --out burn.png`. `chart --list` names them.
    Chart {
        /// Which chart (`chart --list` describes each).
        #[arg(value_parser = parse_chart, required_unless_present = "list")]
        name: Option<ChartName>,
        /// The file to write: FILE.svg (for the web) or FILE.png (for slides).
        #[arg(long, value_name = "FILE.svg|png", required_unless_present = "list")]
        out: Option<PathBuf>,
        /// One initiative (id or name) instead of the whole portfolio.
        #[arg(long)]
        initiative: Option<String>,
        /// The KPI of the `kpi` chart (id or name).
        #[arg(long)]
        kpi: Option<String>,
        /// The model of the `model-metric` chart (id or name).
        #[arg(long)]
        model: Option<String>,
        /// The metric key of the `model-metric` chart (`metric list MODEL` shows them).
        #[arg(long, value_name = "KEY")]
        metric: Option<String>,
        /// The window of the `model-metric` chart: 36h, 7d, 30d or a date such as 2026-03-01. Default 7d;
        /// hourly up to 2 days, daily beyond.
        #[arg(long, value_name = "WINDOW")]
        since: Option<String>,
        /// How `spend` is split; default: by initiative, or by category with --initiative.
        #[arg(long, value_enum)]
        by: Option<SpendBy>,
        /// The scenarios of the `scenario-compare` chart, one to four: `--scenarios "Hire plan,Lean"`.
        #[arg(long, value_delimiter = ',', value_name = "A,B")]
        scenarios: Vec<String>,
        /// What `scenario-compare` draws: spend (cumulative, vs budget), team (people cost and
        /// headcount) or changes (what each change of the first scenario adds or saves).
        #[arg(long, value_parser = parse_view)]
        view: Option<ScenarioChartView>,
        /// The period of `scenario-compare`: 2027, 2026-Q3 or all. Default: the fiscal year of --as-of.
        #[arg(long)]
        period: Option<String>,
        #[arg(long, default_value_t = mlops_portfolio::charts::DEFAULT_WIDTH)]
        width: u32,
        #[arg(long, default_value_t = mlops_portfolio::charts::DEFAULT_HEIGHT)]
        height: u32,
        /// light, dark or print.
        #[arg(long, value_parser = parse_theme, default_value = "light")]
        theme: ThemeName,
        /// PNG pixels per point: 1 for screens, 2 for slides.
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// The month counted as now; default: this month.
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        /// List the charts and what each shows.
        #[arg(long)]
        list: bool,
    },
    /// Cluster connections (Prometheus, MLflow, OpenCost); secrets go to the OS keyring.
    #[command(subcommand)]
    Connection(ConnectionCommand),
    /// Bind model metrics to PromQL queries: `metric bind|unbind|list|templates`.
    #[command(subcommand)]
    Metric(metrics::MetricCommand),
    /// A model's live metrics: latest value against its threshold, data age, recent rollups.
    /// `metrics breaches` lists every bound metric breaching its threshold or stale, worst first.
    Metrics {
        /// The model's name or id, or `breaches` for every model's metrics that need a look.
        model: String,
        #[arg(long)]
        key: Option<String>,
        /// The rollup window: 36h, 7d or a date such as 2026-03-01. Default 7d; hourly up to 2 days.
        #[arg(long, value_name = "WINDOW")]
        since: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Attribute OpenCost's cluster costs to models: `opencost map|unmap|list`.
    #[command(subcommand)]
    Opencost(metrics::OpencostCommand),
    /// Sync every connection once (or only --connection): prints what each fetched and wrote.
    Sync {
        #[arg(long)]
        connection: Option<String>,
        /// How far back a first sync reaches.
        #[arg(long, default_value_t = mlops_portfolio::sync::SyncOptions::DEFAULT_LOOKBACK_DAYS)]
        lookback_days: u32,
        #[arg(long)]
        json: bool,
    },
    /// Show the newest changes from the audit log; `audit verify` checks its hash chain.
    Audit {
        #[command(subcommand)]
        verify: Option<AuditCommand>,
        /// Only changes to this kind of record (model, control, signoff, initiative…).
        #[arg(long, value_name = "KIND")]
        entity: Option<String>,
        /// Only changes to the record with this id (with --entity).
        #[arg(long, value_name = "ID")]
        id: Option<i64>,
        /// Only changes by this person.
        #[arg(long)]
        actor: Option<String>,
        /// Only changes on or after this day (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
        /// Only changes on or before this day.
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Governance: classification, checklists, sign-offs, the promotion gate, frameworks.
    #[command(subcommand)]
    Governance(governance::GovernanceCommand),
    /// A model's card: `model card fraud-txn-scorer --out card.html` (or .md).
    #[command(subcommand)]
    Model(ModelCommand),
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain; exits non-zero and names the first row that does not
    /// match when it was tampered with.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Write a model card (inventory, classification, checklist, sign-offs, metrics, KPIs, cost).
    Card {
        model: String,
        #[arg(long, value_name = "FILE.html|md")]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum FxCommand {
    /// Set how many base-currency units one unit of CURRENCY is worth: `fx set EUR 1.08`.
    Set {
        currency: String,
        #[arg(allow_hyphen_values = true)]
        rate: String,
    },
    /// List the rates.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Show the planning settings.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Set one: `settings set fiscal-year-start 4` (April), `settings set attention-floor 2,500.00`
    /// (or `default`).
    Set { name: SettingName, value: String },
}

#[derive(Debug, Subcommand)]
enum KpiCommand {
    /// `kpi record "Deflection rate" value=0.62 date=2026-11-30 note="after the FAQ rewrite"`:
    /// one value a day; a second one for the same day replaces the first.
    Record {
        /// The KPI, by name or id.
        kpi: String,
        /// value=NUMBER (required), date=YYYY-MM-DD (default today), note=TEXT.
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Every KPI's newest value against its target, worst first.
    Scorecard {
        /// Only this initiative's KPIs.
        #[arg(long, value_name = "NAME-OR-ID")]
        initiative: Option<String>,
        /// Judge on this day (default today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum CostCommand {
    /// The fully loaded cost of each model over a period to date, part by part, with what no
    /// rule could place left unattributed.
    Models {
        /// A fiscal year (2026), a quarter (2026-Q3) or `all`; default the current fiscal year.
        #[arg(long)]
        period: Option<String>,
        /// Count through this month (default this month).
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// ROI and payback of each initiative that states an annual benefit.
    Value {
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum BudgetCommand {
    /// `budget copy --from-year 2026 --to-year 2027 --change +5%`, or `budget copy
    /// --from-forecast --to-year 2027`. A year that has lines is refused unless --replace.
    Copy {
        /// The fiscal year to copy, month for month.
        #[arg(long, value_name = "YEAR", conflicts_with = "from_forecast", required_unless_present = "from_forecast")]
        from_year: Option<i32>,
        /// Write the forecast of the target year instead.
        #[arg(long)]
        from_forecast: bool,
        /// The fiscal year to fill (named by the year it ends in).
        #[arg(long, value_name = "YEAR")]
        to_year: i32,
        /// Change every amount: +5%, -10%.
        #[arg(long, value_name = "PERCENT", allow_hyphen_values = true)]
        change: Option<String>,
        /// Only this initiative.
        #[arg(long, value_name = "NAME-OR-ID")]
        initiative: Option<String>,
        /// Remove the target year's lines first.
        #[arg(long)]
        replace: bool,
        /// With --from-forecast: the forecast as of the end of this month (default: this month).
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Create an empty scenario.
    New {
        name: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
    },
    /// Every scenario with its changes.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove a scenario and its changes.
    Remove { name: String },
    /// Add a change: `scenario add "Hiring plan" hire role="ML engineer" count=3 start=2027-03
    /// initiative=Search`. Kinds: hire, leave, allocate, spend, budget, contract_add,
    /// contract_cancel, initiative_stop. Prints the change's position.
    Add {
        name: String,
        kind: String,
        #[arg(value_name = "FIELD=VALUE")]
        fields: Vec<String>,
    },
    /// Remove the change at POSITION (counted from 1); the ones after it move up.
    Drop { name: String, position: u32 },
    /// The scenario's figures beside the baseline's, and the difference.
    Show {
        name: String,
        /// A fiscal year (2027), a fiscal quarter (2026-Q3) or `all`; default: the fiscal year of
        /// the as-of month.
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        /// Use facts through the end of this month; changes touch only later months. Default:
        /// this month.
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        /// Each change's own difference; they add up to the total.
        #[arg(long)]
        explain: bool,
        #[arg(long)]
        json: bool,
    },
    /// Up to four scenarios beside the baseline.
    Compare {
        #[arg(required = true, num_args = 1..=4)]
        names: Vec<String>,
        #[arg(long, value_name = "PERIOD")]
        period: Option<String>,
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the scenario to a file a colleague can import into their copy.
    Export {
        name: String,
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
    },
    /// Make the scenario real: hires become requisitions, leaves end people, allocations, budget
    /// lines and contracts are written, spend changes become planned spend. All or nothing.
    Apply {
        name: String,
        /// Confirm: this writes to the portfolio.
        #[arg(long)]
        yes: bool,
    },
    /// Read a scenario file; every reference is checked and nothing is written on an error.
    Import {
        file: PathBuf,
        /// The name to give it here (default: the file's).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SettingName {
    FiscalYearStart,
    AttentionFloor,
}

#[derive(Debug, Subcommand)]
enum ConnectionCommand {
    /// Add a connection. Its password or token is asked for without echo (or read from standard
    /// input with --secret-stdin) and stored in the OS keyring, never in the portfolio.
    Add {
        name: String,
        #[arg(long, value_enum)]
        kind: KindArg,
        /// The server's base URL, e.g. https://prometheus.example:9090 or https://mlflow.example.
        #[arg(long)]
        url: String,
        #[arg(long, value_enum, default_value_t = AuthArg::None)]
        auth: AuthArg,
        /// The user name for --auth basic.
        #[arg(long)]
        username: Option<String>,
        /// An extra CA certificate (PEM) for servers signed by an in-house CA.
        #[arg(long, value_name = "FILE")]
        ca_file: Option<PathBuf>,
        /// Do not verify the server's TLS certificate (shown as a warning wherever the connection appears).
        #[arg(long)]
        insecure_skip_verify: bool,
        /// Minutes between background syncs.
        #[arg(long, default_value_t = 15)]
        interval_minutes: u32,
        /// Read the secret from standard input instead of asking.
        #[arg(long)]
        secret_stdin: bool,
    },
    /// List the connections; ⚠ marks those that skip TLS verification.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Check that a connection works: reachable, version, credentials accepted.
    Test {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Store a new secret for a connection (a rotated token, a moved portfolio file).
    Secret {
        name: String,
        #[arg(long)]
        secret_stdin: bool,
    },
    /// Remove a connection and its secret.
    Remove { name: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Prometheus,
    Mlflow,
    Opencost,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AuthArg {
    None,
    Basic,
    Bearer,
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// One table as CSV, to a file or standard output.
    Csv {
        #[arg(long)]
        table: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Every table as a sheet of one XLSX workbook, plus the forecast sheets.
    Xlsx {
        file: PathBuf,
        /// The forecast sheets use facts through the end of this month; default: this month.
        #[arg(long, value_name = "YYYY-MM")]
        as_of: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Scale {
    Small,
    Large,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SpendBy {
    Category,
    Initiative,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImportWhat {
    Budgets,
    Actuals,
    Focus,
    /// KPI values: kpi, date, value[, note].
    KpiValues,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum CostColumnArg {
    #[value(name = "BilledCost")]
    BilledCost,
    #[value(name = "EffectiveCost")]
    EffectiveCost,
}

fn parse_kind(text: &str) -> Result<EntityKind, String> {
    text.parse::<EntityKind>().map_err(|e| e.message)
}

fn parse_view(text: &str) -> Result<ScenarioChartView, String> {
    text.parse::<ScenarioChartView>().map_err(|e| e.message)
}

fn parse_chart(text: &str) -> Result<ChartName, String> {
    text.parse::<ChartName>().map_err(|e| format!("{}; `chart --list` describes each", e.message))
}

fn parse_theme(text: &str) -> Result<ThemeName, String> {
    text.parse::<ThemeName>().map_err(|e| e.message)
}

/// `ui/dist` in the current folder, else the one of the source tree the program was built in.
fn default_ui_dir() -> PathBuf {
    let here = PathBuf::from("ui/dist");
    if here.join("index.html").is_file() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/dist"))
}

fn db_path(cli: &Cli) -> Result<PathBuf> {
    match &cli.db {
        Some(path) => Ok(path.clone()),
        None => Ok(api::default_db_path()?),
    }
}

pub fn run(cli: Cli) -> Result<()> {
    if let Command::Chart { list: true, .. } = cli.command {
        for name in ChartName::ALL {
            println!("{:<16} {}", name.as_str(), name.summary());
        }
        return Ok(());
    }
    let path = db_path(&cli)?;
    let mut store = Store::open(&path)?;
    match cli.command {
        Command::Init { currency } => {
            let currency: Currency = currency.parse()?;
            let done = api::init(&mut store, currency)?;
            println!("Portfolio ready at {} (base currency {}).", done.path, done.base_currency);
        }
        Command::Demo { scale } => {
            let scale = match scale {
                Scale::Small => DemoScale::Small,
                Scale::Large => DemoScale::Large,
            };
            let report = mlops_portfolio::demo::build(&mut store, scale, api::current_month())?;
            println!("Demo portfolio written to {}.\n{report}", path.display());
        }
        Command::Add { kind: EntityKind::Scenario, .. } => {
            anyhow::bail!(
                "a scenario is a list of changes: create one with `scenario new NAME`, then `scenario add NAME KIND \
                 FIELD=VALUE...`"
            );
        }
        Command::Add { kind, fields } => {
            let fields = api::fields::parse_assignments(store.conn(), kind, &fields)?;
            let created = api::records::create(&mut store, kind, fields)?;
            println!("Added {kind} {}.", created.id);
        }
        Command::List { kind, filters: _, as_of: Some(day), json } => {
            if kind != EntityKind::Model {
                anyhow::bail!("--as-of shows the model inventory as it was; it works with `list model` only");
            }
            let day: chrono::NaiveDate =
                day.trim().parse().context("--as-of: write the day as YYYY-MM-DD, like 2026-03-31")?;
            let rows = api::governance::inventory_as_of(&mut store, api::governance::InventoryRequest { as_of: day })?;
            output::print_json_or(&rows, json, || governance::print_inventory(day, &rows))?;
        }
        Command::List { kind, filters, as_of: None, json } => {
            let filter = api::fields::parse_assignments(store.conn(), kind, &filters)?;
            let records = api::records::list(&store, kind, &filter)?;
            if json {
                output::print_json(&records)?;
            } else {
                output::print_records(store.conn(), kind, &records)?;
            }
        }
        Command::Show { kind, record, json } => {
            let id = mlops_portfolio::store::records::resolve(store.conn(), kind, &record)?;
            let view = api::records::get(&store, kind, id)?;
            if json {
                output::print_json(&view)?;
            } else {
                output::print_record(store.conn(), &view)?;
            }
        }
        Command::Update { kind, record, fields } => {
            let id = mlops_portfolio::store::records::resolve(store.conn(), kind, &record)?;
            let changes = api::fields::parse_assignments(store.conn(), kind, &fields)?;
            api::records::update(&mut store, kind, id, changes)?;
            println!("Updated {kind} {id}.");
        }
        Command::Remove { kind, record } => {
            let id = mlops_portfolio::store::records::resolve(store.conn(), kind, &record)?;
            api::records::remove(&mut store, kind, id)?;
            println!("Removed {kind} {id}.");
        }
        Command::Fields { kind } => output::print_fields(table(kind)),
        Command::Fx(FxCommand::Set { currency, rate }) => {
            let currency: Currency = currency.parse()?;
            let rate = rate.trim().parse().with_context(|| format!("`{rate}` is not a rate; write it like 1.08"))?;
            let rate = api::fx_set(&mut store, FxRate { currency, rate })?;
            println!(
                "1 {} = {} {}",
                rate.currency,
                rate.rate,
                mlops_portfolio::store::settings::base_currency(store.conn())?
            );
        }
        Command::Settings(SettingsCommand::Show { json }) => {
            let settings = api::commands::planning_settings(&mut store, api::commands::NoArguments {})?;
            output::print_json_or(&settings, json, || output::print_planning_settings(&settings))?;
        }
        Command::Settings(SettingsCommand::Set { name, value }) => {
            let mut update = api::commands::PlanningSettingsUpdate::default();
            match name {
                SettingName::FiscalYearStart => {
                    let month = value.trim().parse::<u32>().with_context(|| {
                        format!("`{value}` is not a month number; give 1 (January) to 12 (December)")
                    })?;
                    update.fiscal_year_start = Some(month);
                }
                SettingName::AttentionFloor => update.attention_floor = Some(value),
            }
            let settings = api::commands::set_planning_settings(&mut store, update)?;
            output::print_planning_settings(&settings);
        }
        Command::OneOff { initiative, month, category, clear } => {
            let month = month.parse::<Month>()?;
            let category = category.map(|c| c.parse::<Category>()).transpose()?;
            let unallocated = initiative.trim().eq_ignore_ascii_case("unallocated");
            let request = api::commands::OneOffRequest {
                initiative: (!unallocated).then(|| initiative.clone()),
                month,
                category,
                one_off: !clear,
            };
            let marked = api::commands::mark_one_off(&mut store, request)?;
            let what = category.map_or("spend".to_owned(), |c| format!("{} spend", c.as_str()));
            let state = if clear { "not marked one-off" } else { "marked one-off" };
            match marked.actuals {
                0 => println!("{initiative}, {what} of {month}: already {state}; nothing changed"),
                n => {
                    let actuals = if n == 1 { "1 actual".to_owned() } else { format!("{n} actuals") };
                    let meaning =
                        if clear { "they count in forecasts again" } else { "still spend, left out of forecasts" };
                    println!("{initiative}, {what} of {month}: {actuals} now {state} ({meaning})");
                }
            }
        }
        Command::Scenario(command) => scenario(&mut store, command)?,
        Command::Kpi(command) => kpi(&mut store, command)?,
        Command::Cost(command) => cost(&mut store, command)?,
        Command::Budget(BudgetCommand::Copy {
            from_year,
            from_forecast: _,
            to_year,
            change,
            initiative,
            replace,
            as_of,
        }) => {
            use api::budgets::{BudgetCopyRequest, BudgetSource, budget_copy};
            let source = from_year.map_or(BudgetSource::Forecast, BudgetSource::Year);
            let as_of = as_of.map(|t| t.parse::<Month>()).transpose()?;
            let request = BudgetCopyRequest { source, to_year, change, initiative, replace, as_of };
            let copied = budget_copy(&mut store, request)?;
            let currency = copied.currency;
            let replaced =
                if copied.replaced > 0 { format!(" (replacing {})", copied.replaced) } else { String::new() };
            println!(
                "Wrote {} budget lines for {}{replaced}: {} {currency} in all.",
                copied.lines,
                copied.year,
                mlops_portfolio::domain::group_thousands(
                    mlops_portfolio::domain::Money::new(copied.total_minor, currency).to_decimal()
                )
            );
        }
        Command::Fx(FxCommand::List { json }) => {
            let rates = api::fx_list(&store)?;
            output::print_json_or(&rates, json, || output::print_rates(&rates))?;
        }
        Command::Import { what, file, tag_key, cost_column, preview, json } => {
            let request = api::ImportRequest {
                kind: match what {
                    ImportWhat::Budgets => ImportKind::Budgets,
                    ImportWhat::Actuals => ImportKind::Actuals,
                    ImportWhat::Focus => ImportKind::Focus,
                    ImportWhat::KpiValues => ImportKind::KpiValues,
                },
                path: file,
                focus: FocusOptions {
                    tag_key,
                    cost_column: match cost_column {
                        CostColumnArg::BilledCost => CostColumn::BilledCost,
                        CostColumnArg::EffectiveCost => CostColumn::EffectiveCost,
                    },
                },
            };
            if preview {
                let preview = api::preview_import(&store, &request)?;
                output::print_json_or(&preview, json, || output::print_preview(&preview))?;
            } else {
                let report = api::import(&mut store, &request)?;
                output::print_json_or(&report, json, || output::print_import(&report))?;
            }
        }
        Command::Export(ExportCommand::Csv { table, out }) => {
            let sheet = mlops_portfolio::io::export::sheet(store.conn(), &table)?;
            match out {
                Some(path) => {
                    let file =
                        std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
                    mlops_portfolio::io::export::write_csv(&sheet, std::io::BufWriter::new(file))?;
                    eprintln!("Wrote {} rows to {}.", sheet.rows.len(), path.display());
                }
                None => mlops_portfolio::io::export::write_csv(&sheet, std::io::stdout().lock())?,
            }
        }
        Command::Export(ExportCommand::Xlsx { file, as_of }) => {
            let as_of = match as_of {
                Some(text) => text.parse::<Month>()?,
                None => api::current_month(),
            };
            let sheets = api::export_workbook(&store, &file, as_of)?;
            println!("Wrote {} sheets to {}.", sheets.len(), file.display());
        }
        Command::Report { out, as_of, period, scenarios } => {
            let as_of = match as_of {
                Some(text) => text.parse::<Month>()?,
                None => api::current_month(),
            };
            let period = period.as_deref().unwrap_or("").parse()?;
            let written = api::export_report(&store, &out, as_of, period, scenarios)?;
            println!("Wrote the report to {} ({} charts, {} KB).", written.path, written.charts, written.bytes / 1024);
        }
        Command::Summary { as_of, period, json } => {
            let as_of = match as_of {
                Some(text) => text.parse::<Month>()?,
                None => api::current_month(),
            };
            let period = period.as_deref().unwrap_or("").parse()?;
            let summary = api::summary(&store, as_of, period)?;
            output::print_json_or(&summary, json, || output::print_summary(&summary))?;
        }
        Command::Forecast { initiative, horizon, as_of, json } => {
            let as_of = match as_of {
                Some(text) => text.parse::<Month>()?,
                None => api::current_month(),
            };
            let initiative = initiative
                .map(|text| mlops_portfolio::store::records::resolve(store.conn(), EntityKind::Initiative, &text))
                .transpose()?
                .map(InitiativeId);
            let today = mlops_portfolio::plan::period::today();
            let report = api::forecast(&store, &ForecastOptions { as_of, today, horizon, initiative })?;
            output::print_json_or(&report, json, || output::print_forecast(&report, initiative.is_some()))?;
        }
        Command::Backup { file } => {
            api::backup(&store, &file)?;
            println!("Backed up {} to {}.", path.display(), file.display());
        }
        Command::Restore { file } => {
            api::restore(&mut store, &file)?;
            println!("Restored {} from {}.", path.display(), file.display());
        }
        Command::Serve { port, ui, no_sync } => {
            let ui_dir = ui.unwrap_or_else(default_ui_dir);
            if !ui_dir.join("index.html").is_file() {
                eprintln!(
                    "warning: no built UI in {}; build it with `npm --prefix ui ci && npm --prefix ui run build`. \
                     The API answers anyway.",
                    ui_dir.display()
                );
            }
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            runtime.block_on(async {
                let server = mlops_portfolio::server::Server::bind(
                    store,
                    &ServeOptions { port, ui_dir, background_sync: !no_sync },
                )
                .await?;
                println!("Serving {} — open {}", path.display(), server.url());
                println!("Press Ctrl-C to stop.");
                server.serve().await
            })?;
            return Ok(());
        }
        Command::Chart {
            name,
            out,
            initiative,
            kpi,
            model,
            metric,
            since,
            by,
            scenarios,
            view,
            period,
            width,
            height,
            theme,
            scale,
            as_of,
            list: _,
        } => {
            let (Some(name), Some(out)) = (name, out) else { anyhow::bail!("give a chart name and --out FILE") };
            let request = api::ChartRequest {
                name,
                initiative,
                kpi,
                by: by.map(|by| match by {
                    SpendBy::Category => SpendGrouping::Category,
                    SpendBy::Initiative => SpendGrouping::Initiative,
                }),
                theme: Some(theme),
                width: Some(width),
                height: Some(height),
                as_of: as_of.map(|text| text.parse::<Month>()).transpose()?,
                model,
                metric,
                since,
                scenarios: (!scenarios.is_empty()).then_some(scenarios),
                view,
                period,
            };
            let (chart, (width, height)) = api::write_chart(&store, &request, &out, scale)?;
            let size = format!("{width}×{height}");
            println!("Wrote {} ({size}): {}", out.display(), chart.title());
        }
        Command::Connection(command) => connection(&mut store, command)?,
        Command::Metric(command) => metrics::run_metric(&mut store, command)?,
        Command::Metrics { model, json, .. } if model == "breaches" => metrics::run_breaches(&mut store, json)?,
        Command::Metrics { model, key, since, json } => metrics::run_metrics(&store, model, key, since, json)?,
        Command::Opencost(command) => metrics::run_opencost(&mut store, command)?,
        Command::Sync { connection, lookback_days, json } => {
            drop(store);
            return metrics::run_sync(&path, connection, lookback_days, json);
        }
        Command::Audit { verify: Some(AuditCommand::Verify { json }), .. } => {
            let verification = api::governance::audit_verify(&mut store, api::commands::NoArguments {})?;
            output::print_json_or(&verification, json, || governance::print_verification(&verification))?;
            if let Some(broken) = verification.broken {
                anyhow::bail!("the audit log does not verify: row {}: {}", broken.id, broken.problem);
            }
        }
        Command::Audit { verify: None, entity, id, actor, since, until, limit, json } => {
            let request = api::commands::AuditRequest { entity, entity_id: id, actor, since, until, limit };
            let entries = api::commands::audit(&mut store, request)?;
            output::print_json_or(&entries, json, || output::print_audit(&entries))?;
        }
        Command::Governance(command) => governance::run(&mut store, command)?,
        Command::Model(ModelCommand::Card { model, out }) => {
            let request = api::governance::ModelCardRequest { model, path: Some(out) };
            let written = api::governance::model_card(&mut store, request)?;
            println!("Wrote {}.", written.path.unwrap_or_default());
        }
    }
    Ok(())
}

fn connection(store: &mut Store, command: ConnectionCommand) -> Result<()> {
    use mlops_portfolio::api::connections::{self, AddConnectionRequest, ConnectionSecretRequest};
    use mlops_portfolio::connect::OsKeyring;
    use mlops_portfolio::domain::{AuthKind, Connection, ConnectionKind};
    match command {
        ConnectionCommand::Add {
            name,
            kind,
            url,
            auth,
            username,
            ca_file,
            insecure_skip_verify,
            interval_minutes,
            secret_stdin,
        } => {
            let auth = match auth {
                AuthArg::None => AuthKind::None,
                AuthArg::Basic => AuthKind::Basic,
                AuthArg::Bearer => AuthKind::Bearer,
            };
            let ca_file = match ca_file {
                Some(path) => Some(
                    std::path::absolute(&path)
                        .with_context(|| format!("cannot resolve {}", path.display()))?
                        .display()
                        .to_string(),
                ),
                None => None,
            };
            let connection = Connection {
                name: name.clone(),
                kind: match kind {
                    KindArg::Prometheus => ConnectionKind::Prometheus,
                    KindArg::Mlflow => ConnectionKind::Mlflow,
                    KindArg::Opencost => ConnectionKind::OpenCost,
                },
                base_url: url,
                auth,
                username,
                ca_file,
                insecure_skip_verify,
                interval_minutes,
            };
            let secret = match auth {
                AuthKind::None => None,
                _ => Some(read_secret(&name, secret_stdin)?),
            };
            let added = connections::add(store, &OsKeyring, AddConnectionRequest { connection, secret })?;
            println!("Added connection `{name}` ({}).", added.id);
            if insecure_skip_verify {
                eprintln!("warning: {}", mlops_portfolio::connect::probe::insecure_warning(&name));
            }
            println!("`mlops-portfolio connection test {name}` checks that it works.");
        }
        ConnectionCommand::List { json } => {
            let records = api::records::list(store, EntityKind::Connection, &Default::default())?;
            if json {
                output::print_json(&records)?;
            } else {
                output::print_connections(&records);
            }
        }
        ConnectionCommand::Test { name, json } => {
            let report = connections::test(store, &OsKeyring, &name)?;
            output::print_json_or(&report, json, || output::print_connection_test(&report))?;
            if !report.ok {
                anyhow::bail!("connection `{name}` does not work yet (see above)");
            }
        }
        ConnectionCommand::Secret { name, secret_stdin } => {
            let (_, found) = connections::find(store, &name)?;
            let secret = read_secret(&found.name, secret_stdin)?;
            connections::set_secret(store, &OsKeyring, ConnectionSecretRequest { name: found.name.clone(), secret })?;
            println!("Stored the secret of connection `{}` in the OS keyring.", found.name);
        }
        ConnectionCommand::Remove { name } => {
            let (id, found) = connections::find(store, &name)?;
            connections::remove(store, &OsKeyring, id.0)?;
            println!("Removed connection `{}` and its secret.", found.name);
        }
    }
    Ok(())
}

/// A secret from standard input (`--secret-stdin`, one line) or a prompt that does not echo;
/// never from the command line, where other users and the shell history would see it.
fn read_secret(name: &str, from_stdin: bool) -> Result<mlops_portfolio::connect::Secret> {
    use std::io::{IsTerminal, Read};
    let text = if from_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("cannot read the secret from standard input")?;
        text.trim_end_matches(['\n', '\r']).to_owned()
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(format!("Secret for connection `{name}` (not shown): "))
            .context("cannot read the secret at the prompt")?
    } else {
        anyhow::bail!("no terminal to ask for the secret of connection `{name}`; pipe it in with --secret-stdin");
    };
    if text.is_empty() {
        anyhow::bail!("the secret of connection `{name}` is empty; give the password or token");
    }
    Ok(mlops_portfolio::connect::Secret::new(text))
}

fn kpi(store: &mut Store, command: KpiCommand) -> Result<()> {
    use api::kpis::*;
    match command {
        KpiCommand::Record { kpi, fields } => {
            let mut request = KpiRecordRequest { kpi, value: f64::NAN, date: None, note: None };
            let mut has_value = false;
            for assignment in &fields {
                let Some((field, text)) = assignment.split_once('=') else {
                    anyhow::bail!("`{assignment}` is not FIELD=VALUE; write value=0.93 date=2026-11-30 note=TEXT");
                };
                match field.trim() {
                    "value" => {
                        request.value =
                            text.trim().parse::<f64>().ok().filter(|v| v.is_finite()).with_context(|| {
                                format!("value: `{text}` is not a number; write it like 0.93 (a dot for decimals)")
                            })?;
                        has_value = true;
                    }
                    "date" => {
                        request.date = Some(text.trim().parse().with_context(|| {
                            format!("date: `{text}` is not a date; write it as YYYY-MM-DD, like 2026-11-30")
                        })?)
                    }
                    "note" => request.note = Some(text.to_owned()),
                    other => anyhow::bail!("`kpi record` has no field `{other}`; its fields are value, date, note"),
                }
            }
            if !has_value {
                anyhow::bail!("give the value: `kpi record \"{}\" value=0.93`", request.kpi);
            }
            let done = kpi_record(store, request)?;
            let replaced = done.replaced.map_or(String::new(), |before| format!(" (replacing {before})"));
            println!(
                "{} on {}: {}{replaced} — {}.",
                done.kpi,
                done.date,
                done.value,
                done.status.as_str().replace('_', " ")
            );
        }
        KpiCommand::Scorecard { initiative, as_of, json } => {
            let as_of = as_of
                .map(|t| t.trim().parse::<chrono::NaiveDate>())
                .transpose()
                .context("--as-of: write the day as YYYY-MM-DD, like 2026-11-30")?;
            let card = kpi_scorecard(store, ScorecardRequest { initiative, as_of })?;
            output::print_json_or(&card, json, || output::print_scorecard(&card))?;
        }
    }
    Ok(())
}

fn cost(store: &mut Store, command: CostCommand) -> Result<()> {
    use api::kpis::*;
    let as_of = |text: Option<String>| text.map(|t| t.parse::<Month>()).transpose();
    match command {
        CostCommand::Models { period, as_of: month, json } => {
            let costs = cost_models(store, CostModelsRequest { period, as_of: as_of(month)? })?;
            output::print_json_or(&costs, json, || output::print_model_costs(&costs))?;
        }
        CostCommand::Value { as_of: month, json } => {
            let values = initiative_values(store, InitiativeValuesRequest { as_of: as_of(month)? })?;
            output::print_json_or(&values, json, || output::print_initiative_values(&values))?;
        }
    }
    Ok(())
}

fn scenario(store: &mut Store, command: ScenarioCommand) -> Result<()> {
    use api::scenarios::*;
    let as_of = |text: Option<String>| text.map(|t| t.parse::<Month>()).transpose();
    match command {
        ScenarioCommand::New { name, note } => {
            let created = scenario_new(store, ScenarioNewRequest { name, note })?;
            println!(
                "Created scenario `{}`. Add changes with `scenario add \"{}\" KIND FIELD=VALUE...`.",
                created.name, created.name
            );
        }
        ScenarioCommand::List { json } => {
            let all = scenario_list(store, api::commands::NoArguments {})?;
            output::print_json_or(&all, json, || output::print_scenarios(&all))?;
        }
        ScenarioCommand::Remove { name } => {
            let removed = scenario_remove(store, ScenarioName { name })?;
            println!("Removed scenario `{}` and its {} changes.", removed.name, removed.changes.len());
        }
        ScenarioCommand::Add { name, kind, fields } => {
            let kind = kind.parse()?;
            let mut map = std::collections::BTreeMap::new();
            for arg in fields {
                let (field, value) = arg
                    .split_once('=')
                    .ok_or_else(|| anyhow::anyhow!("`{arg}` is not field=value; for example start=2027-03"))?;
                map.insert(field.trim().to_owned(), value.to_owned());
            }
            let change = mlops_portfolio::plan::scenario::ChangeSpec { kind, fields: map };
            let added = scenario_add(store, ScenarioAddRequest { name, change })?;
            println!("{}", added.position);
        }
        ScenarioCommand::Drop { name, position } => {
            let left = scenario_drop(store, ScenarioDropRequest { name, position })?;
            println!("Dropped change {position} of `{}`; {} left.", left.name, left.changes.len());
        }
        ScenarioCommand::Show { name, period, as_of: month, explain, json } => {
            let view = scenario_show(store, ScenarioShowRequest { name, period, as_of: as_of(month)?, explain })?;
            output::print_json_or(&view, json, || output::print_scenario_view(&view))?;
        }
        ScenarioCommand::Compare { names, period, as_of: month, json } => {
            let comparison = scenario_compare(store, ScenarioCompareRequest { names, period, as_of: as_of(month)? })?;
            output::print_json_or(&comparison, json, || output::print_comparison(&comparison))?;
        }
        ScenarioCommand::Export { name, out } => {
            let written = scenario_export(store, ScenarioExportRequest { name, path: Some(out.clone()) })?;
            println!("Wrote {} ({} changes).", out.display(), written.changes);
        }
        ScenarioCommand::Apply { name, yes } => {
            let applied = scenario_apply(store, ScenarioApplyRequest { name: name.clone(), yes, as_of: None })?;
            println!(
                "Applied `{name}`: {} records written and {} rows of planned spend; the baseline now shows what the scenario showed.",
                applied.records, applied.planned_spend
            );
        }
        ScenarioCommand::Import { file, name } => {
            let imported =
                scenario_import(store, ScenarioImportRequest { path: Some(file), text: None, file_name: None, name })?;
            println!("Imported scenario `{}` with {} changes.", imported.name, imported.changes.len());
        }
    }
    Ok(())
}
