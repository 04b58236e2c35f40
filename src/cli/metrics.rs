//! The CLI of live metrics: `metric` (bindings), `metrics` (a model's readout), `opencost` (cost
//! mappings) and `sync`.

use std::path::Path;

use anyhow::{Result, bail};
use clap::{Subcommand, ValueEnum};
use comfy_table::CellAlignment;
use mlops_portfolio::api::metrics::{self as api, CostMapRequest, ModelMetricsRequest};
use mlops_portfolio::domain::{BadWhen, MetricRollup, RollupGrain, SyncStatus};
use mlops_portfolio::store::Store;
use mlops_portfolio::sync::SyncOptions;
use mlops_portfolio::sync::bindings::{BindRequest, BindingView, TEMPLATES};
use mlops_portfolio::sync::engine::SyncRunReport;
use mlops_portfolio::sync::opencost::DEFAULT_LABEL;
use mlops_portfolio::sync::readout::{self, MetricState, ModelMetrics};
use tokio_util::sync::CancellationToken;

use super::output::{new_table, print_json, print_json_or};

#[derive(Debug, Subcommand)]
pub enum MetricCommand {
    /// Bind a model's metric to a PromQL query, or every metric of a template.
    ///
    /// `metric bind fraud-gbm accuracy --query 'model_accuracy{model="{model}"}' --unit ratio --threshold 0.9
    /// --bad-when below`; `metric bind fraud-gbm --template http --model-label fraud-svc`. `{model}` in a query
    /// stands for the model's name (or --model-label). Binding a key again replaces it.
    Bind {
        /// The model's name or id.
        model: String,
        /// The metric key, e.g. latency_p95_ms. With --template, omit it to bind all of the template's metrics.
        key: Option<String>,
        #[arg(long, value_name = "PROMQL")]
        query: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        /// `metric templates` lists them.
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// What `{model}` stands for in the query (a service, namespace or label value); default: the model's name.
        #[arg(long, value_name = "VALUE")]
        model_label: Option<String>,
        #[arg(long, allow_hyphen_values = true)]
        threshold: Option<f64>,
        #[arg(long, value_enum)]
        bad_when: Option<BadWhenArg>,
        /// Time between points: 15s, 1m, 5m, 1h. Default 1m (or the template's).
        #[arg(long, value_parser = parse_step)]
        step: Option<u32>,
        /// The Prometheus or OpenCost connection; default: the only one.
        #[arg(long)]
        connection: Option<String>,
    },
    /// Remove a binding and the points synced for it.
    Unbind { model: String, key: String },
    /// List the bindings, of one model or of all.
    List {
        model: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The templates for common exporters and the metrics each binds.
    Templates,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum BadWhenArg {
    Above,
    Below,
}

#[derive(Debug, Subcommand)]
pub enum OpencostCommand {
    /// Attribute the cost of allocations in a namespace (or with a label value) to a model.
    Map {
        model: String,
        #[arg(long, conflicts_with = "label", required_unless_present = "label")]
        namespace: Option<String>,
        /// Another allocation label: NAME=VALUE, e.g. container=scorer.
        #[arg(long, value_name = "NAME=VALUE")]
        label: Option<String>,
        #[arg(long)]
        connection: Option<String>,
    },
    /// Stop attributing a namespace or label value; actuals already written stay.
    Unmap {
        #[arg(long, conflicts_with = "label", required_unless_present = "label")]
        namespace: Option<String>,
        #[arg(long, value_name = "NAME=VALUE")]
        label: Option<String>,
        #[arg(long)]
        connection: Option<String>,
    },
    /// List the mappings.
    List {
        #[arg(long)]
        json: bool,
    },
}

/// `15s`, `5m`, `1h` or plain seconds.
fn parse_step(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let (digits, unit) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], 1),
        Some((i, 'm')) => (&t[..i], 60),
        Some((i, 'h')) => (&t[..i], 3_600),
        _ => (t, 1),
    };
    digits
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(unit))
        .filter(|s| *s > 0)
        .ok_or_else(|| format!("`{t}` is not a step; write 15s, 1m, 5m or 1h"))
}

fn label_value(namespace: Option<String>, label: Option<String>) -> Result<(String, String)> {
    match (namespace, label) {
        (Some(ns), _) => Ok((DEFAULT_LABEL.to_owned(), ns)),
        (None, Some(pair)) => match pair.split_once('=') {
            Some((name, value)) => Ok((name.trim().to_owned(), value.trim().to_owned())),
            None => bail!("--label: `{pair}` is not NAME=VALUE; write e.g. --label container=scorer"),
        },
        (None, None) => bail!("give --namespace NS or --label NAME=VALUE"),
    }
}

pub fn run_metric(store: &mut Store, command: MetricCommand) -> Result<()> {
    match command {
        MetricCommand::Bind {
            model,
            key,
            query,
            unit,
            template,
            model_label,
            threshold,
            bad_when,
            step,
            connection,
        } => {
            let request = BindRequest {
                model,
                key,
                query,
                unit,
                template,
                model_label,
                threshold,
                bad_when: bad_when.map(|b| match b {
                    BadWhenArg::Above => BadWhen::Above,
                    BadWhenArg::Below => BadWhen::Below,
                }),
                step_seconds: step,
                connection,
            };
            for b in api::bind_metric(store, &request)? {
                println!("Bound {} / {}: {}", b.model, b.binding.series.key, b.binding.series.query);
            }
        }
        MetricCommand::Unbind { model, key } => {
            let points = api::unbind_metric(store, &model, &key)?;
            println!("Removed {model} / {key} and its {points} points.");
        }
        MetricCommand::List { model, json } => {
            let bound = api::metric_bindings(store, model.as_deref())?;
            print_json_or(&bound, json, || print_bindings(&bound))?;
        }
        MetricCommand::Templates => print_templates(),
    }
    Ok(())
}

fn print_bindings(bound: &[BindingView]) {
    if bound.is_empty() {
        println!("No metric bindings. `mlops-portfolio metric bind MODEL --template http` adds some.");
        return;
    }
    let mut t =
        new_table(["model", "key", "unit", "step", "threshold", "connection", "query"].map(str::to_owned).to_vec());
    for b in bound {
        t.add_row(vec![
            b.model.clone(),
            b.binding.series.key.clone(),
            b.binding.series.unit.clone(),
            format!("{} s", b.binding.step_seconds),
            b.binding.threshold.map_or_else(String::new, |t| format!("bad {} {}", t.bad_when, t.value)),
            b.connection.clone().unwrap_or_default(),
            b.binding.series.query.clone(),
        ]);
    }
    println!("{t}");
}

fn print_templates() {
    for template in TEMPLATES {
        println!("{} — {}", template.name, template.description);
        for m in template.metrics {
            let bad = m.bad_when.map_or_else(String::new, |b| format!(", bad {b}"));
            println!("  {} ({}, every {} s{bad}): {}", m.key, m.unit, m.step_seconds, m.note);
            println!("      {}", m.query);
        }
    }
}

pub fn run_metrics(store: &Store, model: String, key: Option<String>, since: Option<String>, json: bool) -> Result<()> {
    let now = chrono::Utc::now().timestamp();
    let since = since.map(|s| readout::parse_since(&s, now)).transpose()?;
    let metrics = api::model_metrics(store, &ModelMetricsRequest { model, key, since })?;
    print_json_or(&metrics, json, || print_model_metrics(&metrics))
}

/// `metrics breaches`: every bound metric breaching its threshold or stale, worst first.
pub fn run_breaches(store: &mut Store, json: bool) -> Result<()> {
    use mlops_portfolio::api::commands::{NoArguments, metric_breaches};
    let report = metric_breaches(store, NoArguments {})?;
    print_json_or(&report, json, || {
        let breaches = &report.breaches;
        if breaches.is_empty() {
            println!("None of the {} bound metrics is breaching its threshold or stale.", report.bound_metrics);
            return;
        }
        let mut t = new_table(["model", "metric", "state", "latest", "threshold", "for"].map(str::to_owned).to_vec());
        for b in breaches {
            t.add_row(vec![
                b.model.clone(),
                b.key.clone(),
                b.kind.as_str().to_owned(),
                b.latest.map_or_else(|| "—".to_owned(), |l| format!("{} {}", l.value, b.unit)),
                b.threshold.map_or_else(|| "—".to_owned(), |t| format!("bad {} {}", t.bad_when.as_str(), t.value)),
                b.for_words.clone(),
            ]);
        }
        println!("{t}");
    })
}

fn print_model_metrics(m: &ModelMetrics) {
    if m.metrics.is_empty() {
        println!(
            "{} has no metric bindings. `mlops-portfolio metric bind {} --template http` adds some.",
            m.model, m.model
        );
        return;
    }
    let mut t =
        new_table(["metric", "latest", "threshold", "state", "data age", "last sync"].map(str::to_owned).to_vec());
    for r in &m.metrics {
        let last_sync = r.last_sync.as_ref().map_or_else(String::new, |s| {
            format!(
                "{} {}{}",
                s.status,
                s.finished_at.as_deref().unwrap_or(&s.started_at),
                match &r.sync_error {
                    Some(e) => format!(": {e}"),
                    None => String::new(),
                }
            )
        });
        t.add_row(vec![
            r.key.clone(),
            r.latest.map_or_else(|| "—".to_owned(), |l| format!("{} {}", l.value, r.unit)),
            r.threshold.map_or_else(String::new, |t| format!("bad {} {}", t.bad_when, t.value)),
            match r.state {
                MetricState::Ok => "ok",
                MetricState::Bad => "BAD",
                MetricState::NoThreshold => "no threshold",
                MetricState::NoData => "no data",
            }
            .to_owned(),
            r.age_seconds.map_or_else(String::new, |age| {
                let stale = if r.stale { " (stale)" } else { "" };
                format!("{}{stale}", readout::age_text(age))
            }),
            last_sync,
        ]);
    }
    println!("{}\n{t}", m.model);
    for r in &m.metrics {
        if r.rollups.is_empty() {
            continue;
        }
        println!("\n{} ({}), {} rollups:", r.key, r.unit, r.rollups[0].grain);
        let mut t = new_table(["from", "points", "mean", "min", "max", "last"].map(str::to_owned).to_vec());
        for x in &r.rollups {
            t.add_row(rollup_row(x));
        }
        for i in 1..6 {
            if let Some(c) = t.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        println!("{t}");
    }
}

fn rollup_row(r: &MetricRollup) -> Vec<String> {
    let start = chrono::DateTime::from_timestamp(r.bucket, 0).map_or_else(
        || r.bucket.to_string(),
        |d| match r.grain {
            RollupGrain::Hour => d.format("%Y-%m-%d %H:00").to_string(),
            RollupGrain::Day => d.format("%Y-%m-%d").to_string(),
        },
    );
    let number = |v: f64| readout::SampleValue(v).to_string();
    vec![
        start,
        r.count.to_string(),
        r.mean().map_or_else(String::new, number),
        number(r.min),
        number(r.max),
        number(r.last),
    ]
}

pub fn run_opencost(store: &mut Store, command: OpencostCommand) -> Result<()> {
    match command {
        OpencostCommand::Map { model, namespace, label, connection } => {
            let (label, value) = label_value(namespace, label)?;
            let m = api::cost_map(store, &CostMapRequest { connection, label, value, model })?;
            println!(
                "OpenCost allocations with {}={} on `{}` now count for {}.",
                m.label, m.value, m.connection, m.model
            );
        }
        OpencostCommand::Unmap { namespace, label, connection } => {
            let (label, value) = label_value(namespace, label)?;
            api::cost_unmap(store, connection.as_deref(), &label, &value)?;
            println!("Unmapped {label}={value}; the actuals it brought in stay.");
        }
        OpencostCommand::List { json } => {
            let mappings = api::cost_mappings(store)?;
            print_json_or(&mappings, json, || {
                if mappings.is_empty() {
                    println!("No cost mappings. `mlops-portfolio opencost map MODEL --namespace NS` adds one.");
                    return;
                }
                let mut t = new_table(["connection", "label", "value", "model"].map(str::to_owned).to_vec());
                for m in &mappings {
                    t.add_row(vec![m.connection.clone(), m.label.clone(), m.value.clone(), m.model.clone()]);
                }
                println!("{t}");
            })?;
        }
    }
    Ok(())
}

pub fn run_sync(db: &Path, connection: Option<String>, lookback_days: u32, json: bool) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let reports = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let on_ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("Stopping after the current batch…");
                on_ctrl_c.cancel();
            }
        });
        api::sync(db, connection.as_deref(), SyncOptions { lookback_days }, cancel, None).await
    })?;
    if json {
        print_json(&reports)?;
    } else {
        print_sync_reports(&reports);
    }
    let failed = reports.iter().filter(|r| r.status != SyncStatus::Succeeded).count();
    if failed > 0 {
        bail!("{failed} of {} connections did not sync", reports.len());
    }
    Ok(())
}

fn print_sync_reports(reports: &[SyncRunReport]) {
    if reports.is_empty() {
        println!("No connections to sync. `mlops-portfolio connection add` adds one.");
        return;
    }
    let mut t = new_table(["connection", "kind", "status", "fetched", "written"].map(str::to_owned).to_vec());
    for r in reports {
        t.add_row(vec![
            r.connection.clone(),
            r.kind.to_string(),
            r.status.to_string(),
            r.fetched.to_string(),
            r.written.to_string(),
        ]);
    }
    for i in 3..5 {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    println!("{t}");
    for r in reports {
        if let Some(error) = &r.error {
            eprintln!("{}: {error}", r.connection);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_take_units() {
        assert_eq!(parse_step("15s"), Ok(15));
        assert_eq!(parse_step("5m"), Ok(300));
        assert_eq!(parse_step("1h"), Ok(3_600));
        assert_eq!(parse_step("90"), Ok(90));
        assert!(parse_step("0s").is_err());
        assert!(parse_step("fast").unwrap_err().contains("15s"));
    }
}
