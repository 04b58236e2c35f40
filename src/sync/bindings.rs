//! Metric bindings: which metric of which model is read by which PromQL query, in what unit, how
//! finely, and when its value is bad. A binding is a row of `metric_series`.
//!
//! # Templates
//! Common exporters need the same queries for every model, so a binding can come from a template
//! ([`TEMPLATES`], `metric templates` lists them). In a template's query — and in any query given
//! by hand — `{model}` stands for the model's name, or for the value given with `--model-label`
//! when the cluster knows the model by another name (a Kubernetes service, a Triton model name,
//! a namespace). The value is escaped for a PromQL string, so put `{model}` inside quotes:
//! `http_requests_total{service="{model}"}`. The stored query is the filled-in one.
//!
//! Binding a key again replaces the binding. When its query, step or connection changes, its sync
//! cursor is reset, so the next sync fetches the whole lookback window with the new query
//! (overwriting the points it returns); older points stay.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::{
    BadWhen, ConnectionId, ConnectionKind, EntityKind, MetricBinding, MetricSeries, ModelId, Threshold,
};
use crate::error::{Error, Result};
use crate::store::{audit, records};

/// One metric of a template.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TemplateMetric {
    pub key: &'static str,
    pub unit: &'static str,
    pub query: &'static str,
    pub step_seconds: u32,
    pub bad_when: Option<BadWhen>,
    pub note: &'static str,
}

/// Bindings for the metrics of one kind of exporter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MetricTemplate {
    pub name: &'static str,
    pub description: &'static str,
    pub metrics: &'static [TemplateMetric],
}

/// The templates `metric bind --template NAME` offers.
pub const TEMPLATES: &[MetricTemplate] = &[
    MetricTemplate {
        name: "http",
        description: "HTTP serving instrumented with a Prometheus client library: the histogram \
                      http_request_duration_seconds and the counter http_requests_total with a `status` \
                      label, both labelled `service` = {model}",
        metrics: &[
            TemplateMetric {
                key: "latency_p95_ms",
                unit: "ms",
                query: r#"1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="{model}"}[5m])))"#,
                step_seconds: 60,
                bad_when: Some(BadWhen::Above),
                note: "95th percentile request latency over 5 minutes",
            },
            TemplateMetric {
                key: "requests_per_s",
                unit: "req/s",
                query: r#"sum(rate(http_requests_total{service="{model}"}[5m]))"#,
                step_seconds: 60,
                bad_when: Some(BadWhen::Below),
                note: "requests per second over 5 minutes",
            },
            TemplateMetric {
                key: "error_rate",
                unit: "ratio",
                query: r#"sum(rate(http_requests_total{service="{model}",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="{model}"}[5m]))"#,
                step_seconds: 60,
                bad_when: Some(BadWhen::Above),
                note: "share of 5xx answers over 5 minutes",
            },
        ],
    },
    MetricTemplate {
        name: "triton",
        description: "NVIDIA Triton Inference Server's metrics, labelled `model` = {model}",
        metrics: &[
            TemplateMetric {
                key: "requests_per_s",
                unit: "req/s",
                query: r#"sum(rate(nv_inference_request_success{model="{model}"}[5m]))"#,
                step_seconds: 60,
                bad_when: Some(BadWhen::Below),
                note: "successful inference requests per second",
            },
            TemplateMetric {
                key: "error_rate",
                unit: "ratio",
                query: r#"sum(rate(nv_inference_request_failure{model="{model}"}[5m])) / (sum(rate(nv_inference_request_success{model="{model}"}[5m])) + sum(rate(nv_inference_request_failure{model="{model}"}[5m])))"#,
                step_seconds: 60,
                bad_when: Some(BadWhen::Above),
                note: "share of failed inference requests",
            },
            TemplateMetric {
                key: "latency_avg_ms",
                unit: "ms",
                query: r#"sum(rate(nv_inference_request_duration_us{model="{model}"}[5m])) / sum(rate(nv_inference_request_success{model="{model}"}[5m])) / 1000"#,
                step_seconds: 60,
                bad_when: Some(BadWhen::Above),
                note: "mean end-to-end request time",
            },
        ],
    },
    MetricTemplate {
        name: "alibi-detect",
        description: "Drift from Seldon's alibi-detect server (its custom metrics), labelled `deployment_name` = \
                      {model}; give --model-label when the detector's deployment has another name",
        metrics: &[
            TemplateMetric {
                key: "drift_score",
                unit: "score",
                query: r#"max(seldon_metric_drift_batch_score{deployment_name="{model}"})"#,
                step_seconds: 300,
                bad_when: Some(BadWhen::Above),
                note: "the detector's batch drift score; set --threshold to the detector's own threshold",
            },
            TemplateMetric {
                key: "drift_detected",
                unit: "flag",
                query: r#"max(seldon_metric_drift_is_drift{deployment_name="{model}"})"#,
                step_seconds: 300,
                bad_when: Some(BadWhen::Above),
                note: "1 when the last batch drifted (bind with --threshold 0.5)",
            },
            TemplateMetric {
                key: "drift_p_value",
                unit: "p",
                query: r#"min(seldon_metric_drift_p_val{deployment_name="{model}"})"#,
                step_seconds: 300,
                bad_when: Some(BadWhen::Below),
                note: "the smallest feature p-value of the last batch (bind with --threshold 0.05)",
            },
        ],
    },
    MetricTemplate {
        name: "evidently",
        description: "Drift from Evidently's monitoring service metrics, labelled `dataset_name` = {model}",
        metrics: &[
            TemplateMetric {
                key: "share_drifted_features",
                unit: "ratio",
                query: r#"max(evidently:data_drift:share_drifted_features{dataset_name="{model}"})"#,
                step_seconds: 300,
                bad_when: Some(BadWhen::Above),
                note: "share of features whose distribution drifted",
            },
            TemplateMetric {
                key: "dataset_drift",
                unit: "flag",
                query: r#"max(evidently:data_drift:dataset_drift{dataset_name="{model}"})"#,
                step_seconds: 300,
                bad_when: Some(BadWhen::Above),
                note: "1 when Evidently judges the dataset drifted (bind with --threshold 0.5)",
            },
        ],
    },
    MetricTemplate {
        name: "opencost",
        description: "OpenCost's allocation metrics for the Kubernetes namespace {model}",
        metrics: &[
            TemplateMetric {
                key: "gpu_hours",
                unit: "GPU·h",
                query: r#"sum(avg_over_time(container_gpu_allocation{namespace="{model}"}[1h]))"#,
                step_seconds: 3600,
                bad_when: None,
                note: "GPUs held on average over each hour = GPU-hours of that hour; a day's rollup sum is its GPU-hours",
            },
            TemplateMetric {
                key: "cpu_cores",
                unit: "cores",
                query: r#"sum(container_cpu_allocation{namespace="{model}"})"#,
                step_seconds: 300,
                bad_when: None,
                note: "CPU cores allocated",
            },
        ],
    },
];

/// What to bind. Either `template` (all its metrics, or only `key`), or `key`, `query` and `unit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BindRequest {
    /// The model's name or id.
    pub model: String,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
    /// What `{model}` stands for in the query; the model's name when absent.
    #[serde(default)]
    pub model_label: Option<String>,
    #[serde(default)]
    pub threshold: Option<f64>,
    #[serde(default)]
    pub bad_when: Option<BadWhen>,
    #[serde(default)]
    pub step_seconds: Option<u32>,
    /// The connection's name or id; the only Prometheus or OpenCost connection when absent.
    #[serde(default)]
    pub connection: Option<String>,
}

/// A binding as listed: the series with its model's and connection's names and its sync cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BindingView {
    pub id: i64,
    pub model: String,
    #[serde(default)]
    pub connection: Option<String>,
    #[serde(flatten)]
    pub binding: MetricBinding,
    /// The newest point synced, seconds since the epoch.
    #[serde(default)]
    pub synced_until: Option<i64>,
}

/// Creates or replaces the bindings `request` describes.
pub fn bind(conn: &Connection, actor: &str, request: &BindRequest) -> Result<Vec<BindingView>> {
    let model_id = records::resolve(conn, EntityKind::Model, &request.model)?;
    let model_name: String = conn.query_row("SELECT name FROM models WHERE id = ?1", [model_id], |r| r.get(0))?;
    let connection_id = metrics_connection(conn, request.connection.as_deref())?;
    let placeholder = request.model_label.clone().unwrap_or(model_name);
    let mut bound = Vec::new();
    for spec in specs(request)? {
        let bad_when = request.bad_when.or(spec.bad_when);
        let threshold = match (request.threshold, bad_when) {
            (Some(value), Some(bad_when)) => Some(Threshold { value, bad_when }),
            (Some(_), None) => {
                return Err(Error::Validation(format!(
                    "bad_when: say which side of the threshold is bad for `{}` (--bad-when above or below)",
                    spec.key
                )));
            }
            (None, _) => None,
        };
        let binding = MetricBinding {
            series: MetricSeries {
                model_id: ModelId(model_id),
                connection_id: Some(ConnectionId(connection_id)),
                key: spec.key.clone(),
                unit: spec.unit.clone(),
                query: fill_placeholder(&spec.query, &placeholder),
            },
            step_seconds: request.step_seconds.unwrap_or(spec.step_seconds),
            threshold,
        };
        binding.validate()?;
        bound.push(upsert(conn, actor, &binding)?);
    }
    Ok(bound)
}

/// A metric to bind, from a template or from the request itself.
struct Spec {
    key: String,
    unit: String,
    query: String,
    step_seconds: u32,
    bad_when: Option<BadWhen>,
}

fn specs(request: &BindRequest) -> Result<Vec<Spec>> {
    let Some(name) = &request.template else {
        let missing = |field: &str| {
            Error::Validation(format!("{field}: a binding without --template needs --key, --query and --unit"))
        };
        return Ok(vec![Spec {
            key: request.key.clone().ok_or_else(|| missing("key"))?,
            unit: request.unit.clone().ok_or_else(|| missing("unit"))?,
            query: request.query.clone().ok_or_else(|| missing("query"))?,
            step_seconds: 60,
            bad_when: None,
        }]);
    };
    if request.query.is_some() {
        return Err(Error::Validation("query: give either --template or --query, not both".into()));
    }
    let template = TEMPLATES.iter().find(|t| t.name.eq_ignore_ascii_case(name.trim())).ok_or_else(|| {
        let names: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        Error::Validation(format!("template: `{name}` is not one of: {}", names.join(", ")))
    })?;
    let metrics: Vec<&TemplateMetric> = match &request.key {
        None => template.metrics.iter().collect(),
        Some(key) => {
            let found = template.metrics.iter().find(|m| m.key == key.trim()).ok_or_else(|| {
                let keys: Vec<&str> = template.metrics.iter().map(|m| m.key).collect();
                Error::Validation(format!(
                    "key: template `{}` has no `{key}`; it has {}",
                    template.name,
                    keys.join(", ")
                ))
            })?;
            vec![found]
        }
    };
    Ok(metrics
        .into_iter()
        .map(|m| Spec {
            key: m.key.to_owned(),
            unit: request.unit.clone().unwrap_or_else(|| m.unit.to_owned()),
            query: m.query.to_owned(),
            step_seconds: m.step_seconds,
            bad_when: m.bad_when,
        })
        .collect())
}

/// `query` with every `{model}` replaced by `value`, escaped for a PromQL string literal.
pub fn fill_placeholder(query: &str, value: &str) -> String {
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    query.replace("{model}", &escaped)
}

/// The connection a binding reads from: the one named, which must speak Prometheus' API, or the
/// only such connection.
fn metrics_connection(conn: &Connection, name: Option<&str>) -> Result<i64> {
    let speaks_promql = |kind: &str| {
        kind.parse::<ConnectionKind>().is_ok_and(|k| matches!(k, ConnectionKind::Prometheus | ConnectionKind::OpenCost))
    };
    if let Some(name) = name {
        let id = records::resolve(conn, EntityKind::Connection, name)?;
        let kind: String = conn.query_row("SELECT kind FROM connections WHERE id = ?1", [id], |r| r.get(0))?;
        if !speaks_promql(&kind) {
            return Err(Error::Validation(format!(
                "connection: `{name}` is a {kind} connection; metric bindings need a prometheus or opencost one"
            )));
        }
        return Ok(id);
    }
    let mut stmt = conn.prepare("SELECT id, name, kind FROM connections ORDER BY name")?;
    let candidates: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .filter_map(|row| row.ok().filter(|(_, _, kind)| speaks_promql(kind)).map(|(id, name, _)| (id, name)))
        .collect();
    match candidates.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(Error::Validation(
            "connection: there is no prometheus connection yet; add one with `mlops-portfolio connection add`".into(),
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|(_, n)| n.as_str()).collect();
            Err(Error::Validation(format!("connection: choose one with --connection: {}", names.join(", "))))
        }
    }
}

fn upsert(conn: &Connection, actor: &str, binding: &MetricBinding) -> Result<BindingView> {
    let s = &binding.series;
    let existing: Option<i64> = conn
        .query_row("SELECT id FROM metric_series WHERE model_id = ?1 AND key = ?2", params![s.model_id.0, s.key], |r| {
            r.get(0)
        })
        .optional()?;
    let before = match existing {
        Some(id) => Some(serde_json::to_value(view(conn, id)?)?),
        None => None,
    };
    conn.execute(
        "INSERT INTO metric_series (model_id, connection_id, key, unit, query, step_seconds, threshold, bad_when)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (model_id, key) DO UPDATE SET
             synced_until = CASE WHEN query = excluded.query AND step_seconds = excluded.step_seconds
                                  AND connection_id IS excluded.connection_id THEN synced_until END,
             connection_id = excluded.connection_id, unit = excluded.unit, query = excluded.query,
             step_seconds = excluded.step_seconds, threshold = excluded.threshold, bad_when = excluded.bad_when",
        params![
            s.model_id.0,
            s.connection_id.map(|c| c.0),
            s.key,
            s.unit,
            s.query,
            binding.step_seconds,
            binding.threshold.map(|t| t.value),
            binding.threshold.map(|t| t.bad_when.as_str()),
        ],
    )?;
    let id: i64 = conn.query_row(
        "SELECT id FROM metric_series WHERE model_id = ?1 AND key = ?2",
        params![s.model_id.0, s.key],
        |r| r.get(0),
    )?;
    let bound = view(conn, id)?;
    let action = if existing.is_some() { audit::Action::Update } else { audit::Action::Create };
    let after = json!(bound);
    let event = audit::Event {
        subject: audit::Subject::MetricBinding(id),
        action,
        before: before.as_ref(),
        after: Some(&after),
    };
    audit::write(conn, actor, event)?;
    Ok(bound)
}

/// Removes a binding with its points and rollups; returns how many points went with it.
pub fn unbind(conn: &Connection, actor: &str, model: &str, key: &str) -> Result<usize> {
    let model_id = records::resolve(conn, EntityKind::Model, model)?;
    let id: i64 = conn
        .query_row(
            "SELECT id FROM metric_series WHERE model_id = ?1 AND key = ?2",
            params![model_id, key.trim()],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::NotFound(format!("model `{model}` has no metric `{key}`; `metric list` shows the bindings"))
        })?;
    let before = serde_json::to_value(view(conn, id)?)?;
    conn.execute("DELETE FROM metric_rollups WHERE series_id = ?1", [id])?;
    let points = conn.execute("DELETE FROM metric_samples WHERE series_id = ?1", [id])?;
    conn.execute("DELETE FROM metric_series WHERE id = ?1", [id])?;
    let event = audit::Event {
        subject: audit::Subject::MetricBinding(id),
        action: audit::Action::Delete,
        before: Some(&before),
        after: None,
    };
    audit::write(conn, actor, event)?;
    Ok(points)
}

const VIEW_SQL: &str = "SELECT s.id, m.name, c.name, s.model_id, s.connection_id, s.key, s.unit, s.query,
        s.step_seconds, s.threshold, s.bad_when, s.synced_until
     FROM metric_series s JOIN models m ON m.id = s.model_id LEFT JOIN connections c ON c.id = s.connection_id";

fn view_of_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BindingView> {
    let threshold: Option<f64> = r.get(9)?;
    let bad_when: Option<String> = r.get(10)?;
    let threshold = match (threshold, bad_when.and_then(|w| w.parse::<BadWhen>().ok())) {
        (Some(value), Some(bad_when)) => Some(Threshold { value, bad_when }),
        _ => None,
    };
    Ok(BindingView {
        id: r.get(0)?,
        model: r.get(1)?,
        connection: r.get(2)?,
        binding: MetricBinding {
            series: MetricSeries {
                model_id: ModelId(r.get(3)?),
                connection_id: r.get::<_, Option<i64>>(4)?.map(ConnectionId),
                key: r.get(5)?,
                unit: r.get(6)?,
                query: r.get(7)?,
            },
            step_seconds: r.get(8)?,
            threshold,
        },
        synced_until: r.get(11)?,
    })
}

fn view(conn: &Connection, id: i64) -> Result<BindingView> {
    Ok(conn.query_row(&format!("{VIEW_SQL} WHERE s.id = ?1"), [id], view_of_row)?)
}

/// The bindings of one model, or of all models, by model name and key.
pub fn list(conn: &Connection, model: Option<&str>) -> Result<Vec<BindingView>> {
    let model_id = model.map(|m| records::resolve(conn, EntityKind::Model, m)).transpose()?;
    let mut stmt =
        conn.prepare(&format!("{VIEW_SQL} WHERE ?1 IS NULL OR s.model_id = ?1 ORDER BY m.name COLLATE NOCASE, s.key"))?;
    let rows = stmt.query_map([model_id], view_of_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The bindings a connection syncs.
pub fn for_connection(conn: &Connection, connection_id: i64) -> Result<Vec<BindingView>> {
    let mut stmt = conn.prepare(&format!("{VIEW_SQL} WHERE s.connection_id = ?1 ORDER BY s.id"))?;
    let rows = stmt.query_map([connection_id], view_of_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placeholder_is_escaped_for_a_promql_string() {
        assert_eq!(fill_placeholder(r#"up{job="{model}"}"#, "fraud-gbm"), r#"up{job="fraud-gbm"}"#);
        assert_eq!(fill_placeholder(r#"up{job="{model}"}"#, r#"a"b\c"#), r#"up{job="a\"b\\c"}"#);
        assert_eq!(fill_placeholder("sum(up)", "x"), "sum(up)", "no placeholder, no change");
    }

    #[test]
    fn every_template_metric_is_a_valid_binding() {
        for template in TEMPLATES {
            for m in template.metrics {
                let binding = MetricBinding {
                    series: MetricSeries {
                        model_id: ModelId(1),
                        connection_id: None,
                        key: m.key.into(),
                        unit: m.unit.into(),
                        query: fill_placeholder(m.query, "x"),
                    },
                    step_seconds: m.step_seconds,
                    threshold: None,
                };
                assert!(binding.validate().is_ok(), "{}/{}", template.name, m.key);
                assert!(m.query.contains("{model}"), "{}/{} names its model", template.name, m.key);
            }
        }
    }
}
