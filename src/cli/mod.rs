//! The command line: argument parsing and output. Each command opens the portfolio, calls one
//! function of [`mlops_portfolio::api`], and prints the answer for a person or, with `--json`,
//! for a script.

mod metrics;
mod output;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use mlops_portfolio::api;
use mlops_portfolio::demo::DemoScale;
use mlops_portfolio::domain::{Currency, EntityKind, FxRate, Month};
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
    /// Import budgets, actuals or a FOCUS billing export. All or nothing.
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
    /// Budget, actual and the rest of the portfolio at a glance.
    Summary {
        /// The month counted as now (people, allocations); default: this month.
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
    },
    /// Bind model metrics to PromQL queries: `metric bind|unbind|list|templates`.
    #[command(subcommand)]
    Metric(metrics::MetricCommand),
    /// A model's live metrics: latest value against its threshold, data age, recent rollups.
    Metrics {
        /// The model's name or id.
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
    /// Show the newest changes from the audit log.
    Audit {
        #[arg(long, value_name = "KIND")]
        entity: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
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
enum ExportCommand {
    /// One table as CSV, to a file or standard output.
    Csv {
        #[arg(long)]
        table: String,
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Every table as a sheet of one XLSX workbook.
    Xlsx { file: PathBuf },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Scale {
    Small,
    Large,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImportWhat {
    Budgets,
    Actuals,
    Focus,
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
        Command::Add { kind, fields } => {
            let fields = api::fields::parse_assignments(store.conn(), kind, &fields)?;
            let created = api::records::create(&mut store, kind, fields)?;
            println!("Added {kind} {}.", created.id);
        }
        Command::List { kind, filters, json } => {
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
        Command::Export(ExportCommand::Xlsx { file }) => {
            let sheets = mlops_portfolio::io::export::all_sheets(store.conn())?;
            mlops_portfolio::io::export::write_xlsx(&sheets, &file)?;
            println!("Wrote {} sheets to {}.", sheets.len(), file.display());
        }
        Command::Summary { as_of, json } => {
            let as_of = match as_of {
                Some(text) => text.parse::<Month>()?,
                None => api::current_month(),
            };
            let summary = api::summary(&store, as_of)?;
            output::print_json_or(&summary, json, || output::print_summary(&summary))?;
        }
        Command::Backup { file } => {
            api::backup(&store, &file)?;
            println!("Backed up {} to {}.", path.display(), file.display());
        }
        Command::Restore { file } => {
            api::restore(&mut store, &file)?;
            println!("Restored {} from {}.", path.display(), file.display());
        }
        Command::Serve { port, ui } => {
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
                let server = mlops_portfolio::server::Server::bind(store, &ServeOptions { port, ui_dir }).await?;
                println!("Serving {} — open {}", path.display(), server.url());
                println!("Press Ctrl-C to stop.");
                server.serve().await
            })?;
            return Ok(());
        }
        Command::Metric(command) => metrics::run_metric(&mut store, command)?,
        Command::Metrics { model, key, since, json } => metrics::run_metrics(&store, model, key, since, json)?,
        Command::Opencost(command) => metrics::run_opencost(&mut store, command)?,
        Command::Sync { connection, lookback_days, json } => {
            drop(store);
            return metrics::run_sync(&path, connection, lookback_days, json);
        }
        Command::Audit { entity, limit, json } => {
            let entries = api::audit(&store, entity.as_deref(), limit)?;
            output::print_json_or(&entries, json, || output::print_audit(&entries))?;
        }
    }
    Ok(())
}
