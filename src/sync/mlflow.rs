//! The MLflow connector: registered models and their versions into the model inventory, and the
//! run metrics of each model's serving version into metric series.
//!
//! **Fetch** follows every page to the end (`registered-models/search`, `model-versions/search`,
//! `metrics/get-history`: `next_page_token` is absent on the last page). MLflow leaves empty fields
//! out of its JSON (`{}` for no results), so every field has a default.
//!
//! **Plan** ([`plan`], pure) compares what was fetched with what is stored and lists only the
//! changes, so a second run plans nothing. The rules:
//! - The registry owns a model's stage and (when it has one) its description; the inventory owns
//!   initiative, owner, risk tier, data categories, deployment and notes, which a sync never
//!   changes. A new model starts with the registry's `owner` and `risk_tier` tags when present,
//!   otherwise no owner and risk tier `medium`, for a person to review.
//! - A local model with the same name and no registry link is adopted (linked, its local fields
//!   kept). A model already linked to another connection is left alone.
//! - A model or version missing upstream is marked (`gone_at` in `upstream_models` /
//!   `upstream_model_versions`), never deleted; the mark is cleared if it comes back.
//! - Version stage: MLflow's `current_stage` (None → development); a version carrying the alias
//!   `champion` or `production` is production. Model stage: production if any version is,
//!   else staging if any is, else development if any version is not archived (or there are none),
//!   else archived.
//! - **Serving version**: the version with alias `champion`, else the one with alias `production`,
//!   else the highest-numbered version in stage Production; none otherwise. Its run's metrics
//!   (each key's full history) become series of the model, keyed by the metric name in
//!   lowercase with other characters as `_` (`val/F1` → `val_f1`). A series of the same key that
//!   belongs to another connection is left alone. Samples are per second (the schema's grain):
//!   of several points in one second the one with the latest timestamp and step wins. NaN
//!   becomes a gap; infinities are kept.
//!
//! **Execute** writes the plan in one transaction, with an audit row per model or version change
//! (samples are counted, not audited, as imports are).

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use super::{SyncContext, SyncCounts};
use crate::connect::Client;
use crate::domain::{ConnectionId, EntityKind, MetricSample, MetricSeries, ModelId, ModelStage, RiskTier};
use crate::error::{Error, Result};
use crate::governance::gate;
use crate::store::audit::{self, Action};
use crate::store::{Store, now_utc};

/// The REST API under the connection's base URL.
const API: &str = "api/2.0/mlflow";
/// The largest page `registered-models/search` accepts.
pub const MAX_PAGE_SIZE: u32 = 1000;
const SERVING_ALIASES: [&str; 2] = ["champion", "production"];

/// Knobs of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MlflowOptions {
    /// Results per page of every paged call (1 to [`MAX_PAGE_SIZE`]).
    pub page_size: u32,
}

impl Default for MlflowOptions {
    fn default() -> Self {
        MlflowOptions { page_size: MAX_PAGE_SIZE }
    }
}

/// Syncs the connection's registry into the portfolio.
pub async fn run(ctx: &SyncContext) -> Result<SyncCounts> {
    run_with(ctx, MlflowOptions::default()).await
}

/// [`run`] with chosen options (tests use small pages to exercise pagination).
pub async fn run_with(ctx: &SyncContext, options: MlflowOptions) -> Result<SyncCounts> {
    let page_size = options.page_size.clamp(1, MAX_PAGE_SIZE);
    let fetched = tokio::select! {
        fetched = fetch(&ctx.client, page_size) => fetched?,
        () = ctx.cancel.cancelled() => return Err(cancelled(&ctx.connection.name)),
    };
    let fetched_count = fetched.count();
    let db_path = ctx.db_path.clone();
    let connection_id = ctx.connection_id;
    let cancel = ctx.cancel.clone();
    let name = ctx.connection.name.clone();
    let written = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&db_path)?;
        if cancel.is_cancelled() {
            return Err(cancelled(&name));
        }
        store.in_transaction(|tx, actor| {
            let stored = load_stored(tx, connection_id, &fetched)?;
            let plan = plan(connection_id, &fetched, &stored);
            execute(tx, actor, connection_id, &plan)
        })
    })
    .await
    .map_err(|e| Error::Internal(format!("the MLflow sync stopped before it finished: {e}")))??;
    Ok(SyncCounts { fetched: fetched_count, written })
}

fn cancelled(name: &str) -> Error {
    Error::Network(format!("connection `{name}`: the sync was cancelled before anything was written"))
}

// ---------------------------------------------------------------------------------------------
// Fetch

/// Everything one run read from the registry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fetched {
    pub models: Vec<FetchedModel>,
}

impl Fetched {
    fn count(&self) -> i64 {
        let items: usize = self
            .models
            .iter()
            .map(|m| 1 + m.versions.len() + m.serving.as_ref().map_or(0, |s| s.metrics.values().map(Vec::len).sum()))
            .sum();
        i64::try_from(items).unwrap_or(i64::MAX)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchedModel {
    pub model: RegisteredModel,
    pub versions: Vec<MlflowVersion>,
    /// The serving version and its run's metric histories, by metric key.
    pub serving: Option<Serving>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Serving {
    pub version: String,
    pub metrics: BTreeMap<String, Vec<MetricPoint>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RegisteredModel {
    pub name: String,
    pub description: String,
    pub tags: Vec<Tag>,
    pub aliases: Vec<Alias>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Alias {
    pub alias: String,
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MlflowVersion {
    pub name: String,
    pub version: String,
    pub current_stage: String,
    pub run_id: String,
    pub run_link: String,
    pub source: String,
    pub status: String,
    pub tags: Vec<Tag>,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct MetricPoint {
    pub key: String,
    #[serde(deserialize_with = "lenient_f64")]
    pub value: Option<f64>,
    #[serde(deserialize_with = "lenient_i64")]
    pub timestamp: i64,
    #[serde(deserialize_with = "lenient_i64")]
    pub step: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ModelsPage {
    registered_models: Vec<RegisteredModel>,
    next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VersionsPage {
    model_versions: Vec<MlflowVersion>,
    next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HistoryPage {
    metrics: Vec<MetricPoint>,
    next_page_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RunAnswer {
    run: Run,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Run {
    data: RunData,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RunData {
    metrics: Vec<MetricPoint>,
}

/// MLflow writes int64 fields as numbers, protobuf JSON as strings; either is read.
fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer"))),
        Value::String(s) => s.parse().map_err(|_| serde::de::Error::custom(format!("`{s}` is not an integer"))),
        Value::Null => Ok(0),
        other => Err(serde::de::Error::custom(format!("{other} is not an integer"))),
    }
}

/// A metric value: a number, or "NaN" / "Infinity" / "-Infinity" as strings. NaN is a gap.
fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let value = match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" | "nan" => None,
            "Infinity" | "inf" | "+Inf" => Some(f64::INFINITY),
            "-Infinity" | "-inf" | "-Inf" => Some(f64::NEG_INFINITY),
            other => Some(other.parse().map_err(|_| serde::de::Error::custom(format!("`{other}` is not a number")))?),
        },
        Value::Null => None,
        other => return Err(serde::de::Error::custom(format!("{other} is not a number"))),
    };
    Ok(value.filter(|v| !v.is_nan()))
}

/// Reads the whole registry: models, versions, and the serving versions' metric histories.
pub async fn fetch(client: &Client, page_size: u32) -> Result<Fetched> {
    let page_size = page_size.to_string();
    let mut models = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut query = vec![("max_results", page_size.clone())];
        query.extend(token.take().map(|t| ("page_token", t)));
        let page: ModelsPage = client.get_json(&format!("{API}/registered-models/search"), &query).await?;
        models.extend(page.registered_models);
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let mut versions: HashMap<String, Vec<MlflowVersion>> = HashMap::new();
    loop {
        let mut query = vec![("max_results", page_size.clone())];
        query.extend(token.take().map(|t| ("page_token", t)));
        let page: VersionsPage = client.get_json(&format!("{API}/model-versions/search"), &query).await?;
        for version in page.model_versions {
            versions.entry(version.name.clone()).or_default().push(version);
        }
        match page.next_page_token.filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let mut out = Vec::with_capacity(models.len());
    for model in models {
        let versions = versions.remove(&model.name).unwrap_or_default();
        let serving = match serving_version(&model, &versions) {
            Some(version) if !version.run_id.is_empty() => Some(Serving {
                version: version.version.clone(),
                metrics: fetch_run_metrics(client, &version.run_id, &page_size).await?,
            }),
            Some(version) => Some(Serving { version: version.version.clone(), metrics: BTreeMap::new() }),
            None => None,
        };
        out.push(FetchedModel { model, versions, serving });
    }
    Ok(Fetched { models: out })
}

async fn fetch_run_metrics(
    client: &Client,
    run_id: &str,
    page_size: &str,
) -> Result<BTreeMap<String, Vec<MetricPoint>>> {
    let run: RunAnswer = client.get_json(&format!("{API}/runs/get"), &[("run_id", run_id.to_owned())]).await?;
    let keys: HashSet<String> = run.run.data.metrics.into_iter().map(|m| m.key).collect();
    let mut metrics = BTreeMap::new();
    for key in keys {
        let mut points = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut query =
                vec![("run_id", run_id.to_owned()), ("metric_key", key.clone()), ("max_results", page_size.to_owned())];
            query.extend(token.take().map(|t| ("page_token", t)));
            let page: HistoryPage = client.get_json(&format!("{API}/metrics/get-history"), &query).await?;
            points.extend(page.metrics);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(next) => token = Some(next),
                None => break,
            }
        }
        metrics.insert(key, points);
    }
    Ok(metrics)
}

/// The version whose metrics the model's series show (see the module docs for the rule).
pub fn serving_version<'a>(model: &RegisteredModel, versions: &'a [MlflowVersion]) -> Option<&'a MlflowVersion> {
    for wanted in SERVING_ALIASES {
        let by_alias = versions.iter().find(|v| {
            v.aliases.iter().any(|a| a.eq_ignore_ascii_case(wanted))
                || model.aliases.iter().any(|a| a.alias.eq_ignore_ascii_case(wanted) && a.version == v.version)
        });
        if by_alias.is_some() {
            return by_alias;
        }
    }
    versions
        .iter()
        .filter(|v| v.current_stage.eq_ignore_ascii_case("production"))
        .max_by_key(|v| (v.version.parse::<u64>().unwrap_or(0), v.version.clone()))
}

// ---------------------------------------------------------------------------------------------
// What is stored

/// The stored side of the plan: models, versions and series the run may touch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredInventory {
    /// By lowercase name.
    pub models: HashMap<String, StoredModel>,
    /// Series by (model, key): their id and owning connection.
    pub series: HashMap<(ModelId, String), StoredSeries>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredModel {
    pub id: ModelId,
    pub description: String,
    pub stage: ModelStage,
    pub link: Option<ModelLink>,
    /// By version string.
    pub versions: HashMap<String, StoredVersion>,
}

/// What `upstream_models` holds for a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelLink {
    pub connection_id: ConnectionId,
    pub upstream_name: String,
    pub tags: BTreeMap<String, String>,
    pub serving_version: Option<String>,
    pub gone: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredVersion {
    pub id: i64,
    pub fields: VersionFields,
    /// `None` for versions added by hand.
    pub link: Option<VersionLink>,
}

/// The registry-owned fields of a model version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionFields {
    pub stage: ModelStage,
    pub aliases: Vec<String>,
    pub run_id: Option<String>,
}

/// What `upstream_model_versions` holds for a version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionLink {
    pub connection_id: ConnectionId,
    pub status: String,
    pub tags: BTreeMap<String, String>,
    pub run_link: Option<String>,
    pub source: Option<String>,
    pub gone: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredSeries {
    pub id: i64,
    pub connection_id: Option<ConnectionId>,
    pub samples: HashMap<i64, Option<f64>>,
}

fn load_stored(tx: &Transaction<'_>, connection_id: ConnectionId, fetched: &Fetched) -> Result<StoredInventory> {
    let mut models = HashMap::new();
    let mut stmt = tx.prepare(
        "SELECT m.id, m.name, m.description, m.stage, u.connection_id, u.upstream_name, u.tags, u.serving_version,
                u.gone_at IS NOT NULL
         FROM models m LEFT JOIN upstream_models u ON u.model_id = m.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let name: String = row.get(1)?;
        let stage: String = row.get(3)?;
        let link = match row.get::<_, Option<i64>>(4)? {
            Some(owner) => Some(ModelLink {
                connection_id: ConnectionId(owner),
                upstream_name: row.get(5)?,
                tags: serde_json::from_str(&row.get::<_, String>(6)?).unwrap_or_default(),
                serving_version: row.get(7)?,
                gone: row.get(8)?,
            }),
            None => None,
        };
        models.insert(
            name.to_lowercase(),
            StoredModel {
                id: ModelId(row.get(0)?),
                description: row.get(2)?,
                stage: stage.parse().unwrap_or(ModelStage::Development),
                link,
                versions: HashMap::new(),
            },
        );
    }
    let by_id: HashMap<i64, String> = models.iter().map(|(name, m)| (m.id.0, name.clone())).collect();
    let mut stmt = tx.prepare(
        "SELECT v.id, v.model_id, v.version, v.stage, v.aliases, v.run_id, u.connection_id, u.status, u.tags,
                u.run_link, u.source, u.gone_at IS NOT NULL
         FROM model_versions v LEFT JOIN upstream_model_versions u ON u.model_version_id = v.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let Some(model) = by_id.get(&row.get::<_, i64>(1)?).and_then(|name| models.get_mut(name)) else { continue };
        let stage: String = row.get(3)?;
        let link = match row.get::<_, Option<i64>>(6)? {
            Some(owner) => Some(VersionLink {
                connection_id: ConnectionId(owner),
                status: row.get(7)?,
                tags: serde_json::from_str(&row.get::<_, String>(8)?).unwrap_or_default(),
                run_link: row.get(9)?,
                source: row.get(10)?,
                gone: row.get(11)?,
            }),
            None => None,
        };
        let version: String = row.get(2)?;
        model.versions.insert(
            version,
            StoredVersion {
                id: row.get(0)?,
                fields: VersionFields {
                    stage: stage.parse().unwrap_or(ModelStage::Development),
                    aliases: serde_json::from_str(&row.get::<_, String>(4)?).unwrap_or_default(),
                    run_id: row.get(5)?,
                },
                link,
            },
        );
    }
    // Series only of the models this run may write samples for.
    let mut series = HashMap::new();
    let mut series_stmt = tx.prepare("SELECT id, key, connection_id FROM metric_series WHERE model_id = ?")?;
    let mut samples_stmt = tx.prepare("SELECT ts, value FROM metric_samples WHERE series_id = ?")?;
    for fetched_model in fetched.models.iter().filter(|m| m.serving.is_some()) {
        let Some(model) = models.get(&fetched_model.model.name.to_lowercase()) else { continue };
        if model.link.as_ref().is_some_and(|l| l.connection_id != connection_id) {
            continue;
        }
        let found: Vec<(i64, String, Option<i64>)> = series_stmt
            .query_map([model.id.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (id, key, owner) in found {
            let samples = if owner == Some(connection_id.0) {
                samples_stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
            } else {
                HashMap::new()
            };
            series.insert((model.id, key), StoredSeries { id, connection_id: owner.map(ConnectionId), samples });
        }
    }
    Ok(StoredInventory { models, series })
}

// ---------------------------------------------------------------------------------------------
// Plan

/// A model the plan refers to: one already stored, or one the plan creates (by name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum ModelRef {
    Stored(ModelId),
    New(String),
}

/// One write.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Op {
    CreateModel {
        name: String,
        description: String,
        stage: ModelStage,
        owner: String,
        risk_tier: RiskTier,
        link: ModelLink,
    },
    /// Updates the registry-owned fields and the link (which may be new: an adopted local model).
    UpdateModel {
        id: ModelId,
        description: String,
        stage: ModelStage,
        link: ModelLink,
    },
    MarkModelGone {
        id: ModelId,
    },
    CreateVersion {
        model: ModelRef,
        version: String,
        fields: VersionFields,
        link: VersionLink,
    },
    UpdateVersion {
        id: i64,
        fields: VersionFields,
        link: VersionLink,
    },
    MarkVersionGone {
        id: i64,
    },
    /// Samples to insert or change in the series `key` of `model`, created if needed.
    Samples {
        model: ModelRef,
        key: String,
        upstream_key: String,
        samples: Vec<(i64, Option<f64>)>,
    },
}

/// The writes that bring the stored inventory in line with what was fetched; empty when it is.
pub fn plan(connection_id: ConnectionId, fetched: &Fetched, stored: &StoredInventory) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut seen = HashSet::new();
    for fetched_model in &fetched.models {
        let model = &fetched_model.model;
        let lower = model.name.to_lowercase();
        if !seen.insert(lower.clone()) {
            continue;
        }
        let existing = stored.models.get(&lower);
        if existing.and_then(|m| m.link.as_ref()).is_some_and(|l| l.connection_id != connection_id) {
            continue; // Another connection's model.
        }
        let version_fields: Vec<(&MlflowVersion, VersionFields, VersionLink)> = fetched_model
            .versions
            .iter()
            .map(|v| (v, version_fields(model, v), version_link(connection_id, v)))
            .collect();
        let stage = model_stage(version_fields.iter().map(|(_, f, _)| f.stage));
        let link = ModelLink {
            connection_id,
            upstream_name: model.name.clone(),
            tags: tag_map(&model.tags),
            serving_version: fetched_model.serving.as_ref().map(|s| s.version.clone()),
            gone: false,
        };
        let model_ref = match existing {
            None => {
                let tags = &link.tags;
                ops.push(Op::CreateModel {
                    name: model.name.clone(),
                    description: model.description.clone(),
                    stage,
                    owner: tags.get("owner").cloned().unwrap_or_default(),
                    risk_tier: tags.get("risk_tier").and_then(|t| t.parse().ok()).unwrap_or(RiskTier::Medium),
                    link: link.clone(),
                });
                ModelRef::New(model.name.clone())
            }
            Some(stored_model) => {
                let description = if model.description.is_empty() {
                    stored_model.description.clone()
                } else {
                    model.description.clone()
                };
                if description != stored_model.description
                    || stage != stored_model.stage
                    || stored_model.link.as_ref() != Some(&link)
                {
                    ops.push(Op::UpdateModel { id: stored_model.id, description, stage, link: link.clone() });
                }
                ModelRef::Stored(stored_model.id)
            }
        };
        let mut fetched_versions = HashSet::new();
        for (version, fields, version_link) in version_fields {
            fetched_versions.insert(version.version.as_str());
            match existing.and_then(|m| m.versions.get(&version.version)) {
                None => ops.push(Op::CreateVersion {
                    model: model_ref.clone(),
                    version: version.version.clone(),
                    fields,
                    link: version_link,
                }),
                Some(stored_version) => {
                    if stored_version.fields != fields || stored_version.link.as_ref() != Some(&version_link) {
                        ops.push(Op::UpdateVersion { id: stored_version.id, fields, link: version_link });
                    }
                }
            }
        }
        if let Some(stored_model) = existing {
            let mut gone: Vec<i64> = stored_model
                .versions
                .iter()
                .filter(|(v, s)| {
                    !fetched_versions.contains(v.as_str())
                        && s.link.as_ref().is_some_and(|l| l.connection_id == connection_id && !l.gone)
                })
                .map(|(_, s)| s.id)
                .collect();
            gone.sort_unstable();
            ops.extend(gone.into_iter().map(|id| Op::MarkVersionGone { id }));
        }
        if let Some(serving) = &fetched_model.serving {
            plan_samples(&mut ops, connection_id, &model_ref, serving, stored);
        }
    }
    let mut gone: Vec<ModelId> = stored
        .models
        .iter()
        .filter(|(name, m)| {
            !seen.contains(name.as_str())
                && m.link.as_ref().is_some_and(|l| l.connection_id == connection_id && !l.gone)
        })
        .map(|(_, m)| m.id)
        .collect();
    gone.sort_unstable();
    ops.extend(gone.into_iter().map(|id| Op::MarkModelGone { id }));
    ops
}

fn plan_samples(
    ops: &mut Vec<Op>,
    connection_id: ConnectionId,
    model_ref: &ModelRef,
    serving: &Serving,
    stored: &StoredInventory,
) {
    let mut keyed: BTreeMap<String, (&String, &Vec<MetricPoint>)> = BTreeMap::new();
    for (upstream_key, points) in &serving.metrics {
        keyed.entry(series_key(upstream_key)).or_insert((upstream_key, points));
    }
    for (key, (upstream_key, points)) in keyed {
        if key.is_empty() {
            continue;
        }
        let existing = match model_ref {
            ModelRef::Stored(id) => stored.series.get(&(*id, key.clone())),
            ModelRef::New(_) => None,
        };
        if existing.is_some_and(|s| s.connection_id != Some(connection_id)) {
            continue; // Another source's series of the same name.
        }
        let mut per_second: BTreeMap<i64, (i64, i64, Option<f64>)> = BTreeMap::new();
        for point in points {
            let second = point.timestamp.div_euclid(1000);
            let candidate = (point.timestamp, point.step, point.value);
            per_second
                .entry(second)
                .and_modify(|best| {
                    if (candidate.0, candidate.1) >= (best.0, best.1) {
                        *best = candidate;
                    }
                })
                .or_insert(candidate);
        }
        let samples: Vec<(i64, Option<f64>)> = per_second
            .into_iter()
            .map(|(ts, (_, _, value))| (ts, value))
            .filter(|(ts, value)| existing.is_none_or(|s| s.samples.get(ts) != Some(value)))
            .collect();
        if !samples.is_empty() || existing.is_none() {
            ops.push(Op::Samples { model: model_ref.clone(), key, upstream_key: upstream_key.clone(), samples });
        }
    }
}

/// `val/F1-score` → `val_f1_score`: the series key of an MLflow metric.
pub fn series_key(upstream: &str) -> String {
    let mut key = String::with_capacity(upstream.len());
    for c in upstream.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            key.push(c);
        } else if !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_matches('_').to_owned()
}

fn version_fields(model: &RegisteredModel, version: &MlflowVersion) -> VersionFields {
    let mut aliases: Vec<String> = version
        .aliases
        .iter()
        .cloned()
        .chain(model.aliases.iter().filter(|a| a.version == version.version).map(|a| a.alias.clone()))
        .collect();
    aliases.sort();
    aliases.dedup();
    let serving_alias = aliases.iter().any(|a| SERVING_ALIASES.iter().any(|s| a.eq_ignore_ascii_case(s)));
    let stage = if serving_alias { ModelStage::Production } else { stage_of(&version.current_stage) };
    VersionFields { stage, aliases, run_id: Some(version.run_id.clone()).filter(|r| !r.is_empty()) }
}

fn version_link(connection_id: ConnectionId, version: &MlflowVersion) -> VersionLink {
    let non_empty = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
    VersionLink {
        connection_id,
        status: version.status.clone(),
        tags: tag_map(&version.tags),
        run_link: non_empty(&version.run_link),
        source: non_empty(&version.source),
        gone: false,
    }
}

fn stage_of(mlflow_stage: &str) -> ModelStage {
    match mlflow_stage.to_ascii_lowercase().as_str() {
        "production" => ModelStage::Production,
        "staging" => ModelStage::Staging,
        "archived" => ModelStage::Archived,
        _ => ModelStage::Development,
    }
}

fn model_stage(versions: impl Iterator<Item = ModelStage>) -> ModelStage {
    let stages: Vec<ModelStage> = versions.collect();
    if stages.contains(&ModelStage::Production) {
        ModelStage::Production
    } else if stages.contains(&ModelStage::Staging) {
        ModelStage::Staging
    } else if stages.is_empty() || stages.contains(&ModelStage::Development) {
        ModelStage::Development
    } else {
        ModelStage::Archived
    }
}

fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
}

// ---------------------------------------------------------------------------------------------
// Execute

/// Writes `plan` inside `tx` and returns how many rows it changed.
fn execute(tx: &Transaction<'_>, actor: &str, connection_id: ConnectionId, plan: &[Op]) -> Result<i64> {
    let mut written = 0i64;
    let mut new_models: HashMap<String, ModelId> = HashMap::new();
    let resolve = |new_models: &HashMap<String, ModelId>, model: &ModelRef| -> Result<ModelId> {
        match model {
            ModelRef::Stored(id) => Ok(*id),
            ModelRef::New(name) => new_models
                .get(name)
                .copied()
                .ok_or_else(|| Error::Internal(format!("the MLflow plan refers to model `{name}` before creating it"))),
        }
    };
    for op in plan {
        match op {
            Op::CreateModel { name, description, stage, owner, risk_tier, link } => {
                tx.execute(
                    "INSERT INTO models (name, description, owner, stage, risk_tier) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![name, description, owner, stage.as_str(), risk_tier.as_str()],
                )?;
                let id = ModelId(tx.last_insert_rowid());
                write_model_link(tx, id, link)?;
                new_models.insert(name.clone(), id);
                audit_op(tx, actor, EntityKind::Model, id.0, Action::SyncCreate, op)?;
                gate::on_model_written(tx, actor, id, None, gate::Via::Sync)?;
                written += 1;
            }
            Op::UpdateModel { id, description, stage, link } => {
                let stage_before: String =
                    tx.query_row("SELECT stage FROM models WHERE id = ?1", [id.0], |r| r.get(0))?;
                tx.execute(
                    "UPDATE models SET description = ?2, stage = ?3 WHERE id = ?1",
                    params![id.0, description, stage.as_str()],
                )?;
                write_model_link(tx, *id, link)?;
                audit_op(tx, actor, EntityKind::Model, id.0, Action::SyncUpdate, op)?;
                gate::on_model_written(tx, actor, *id, stage_before.parse().ok(), gate::Via::Sync)?;
                written += 1;
            }
            Op::MarkModelGone { id } => {
                tx.execute(
                    "UPDATE upstream_models SET gone_at = ?2 WHERE model_id = ?1 AND gone_at IS NULL",
                    params![id.0, now_utc()],
                )?;
                audit_op(tx, actor, EntityKind::Model, id.0, Action::SyncGoneUpstream, op)?;
                written += 1;
            }
            Op::CreateVersion { model, version, fields, link } => {
                let model_id = resolve(&new_models, model)?;
                tx.execute(
                    "INSERT INTO model_versions (model_id, version, stage, aliases, run_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![model_id.0, version, fields.stage.as_str(), json!(fields.aliases).to_string(), fields.run_id],
                )?;
                let id = tx.last_insert_rowid();
                write_version_link(tx, id, link)?;
                audit_op(tx, actor, EntityKind::ModelVersion, id, Action::SyncCreate, op)?;
                written += 1;
            }
            Op::UpdateVersion { id, fields, link } => {
                tx.execute(
                    "UPDATE model_versions SET stage = ?2, aliases = ?3, run_id = ?4 WHERE id = ?1",
                    params![id, fields.stage.as_str(), json!(fields.aliases).to_string(), fields.run_id],
                )?;
                write_version_link(tx, *id, link)?;
                audit_op(tx, actor, EntityKind::ModelVersion, *id, Action::SyncUpdate, op)?;
                written += 1;
            }
            Op::MarkVersionGone { id } => {
                tx.execute(
                    "UPDATE upstream_model_versions SET gone_at = ?2 WHERE model_version_id = ?1 AND gone_at IS NULL",
                    params![id, now_utc()],
                )?;
                audit_op(tx, actor, EntityKind::ModelVersion, *id, Action::SyncGoneUpstream, op)?;
                written += 1;
            }
            Op::Samples { model, key, upstream_key, samples } => {
                let model_id = resolve(&new_models, model)?;
                let series = MetricSeries {
                    model_id,
                    connection_id: Some(connection_id),
                    key: key.clone(),
                    unit: String::new(),
                    query: format!("mlflow run metric `{upstream_key}` of the serving version"),
                };
                series.validate()?;
                let series_id = ensure_series(tx, &series)?;
                // The same store as Prometheus points: idempotent upserts plus hourly and daily rollups.
                let mut points: Vec<MetricSample> =
                    samples.iter().map(|&(ts, value)| MetricSample { ts, value }).collect();
                points.sort_by_key(|p| p.ts);
                points.dedup_by_key(|p| p.ts);
                written += i64::try_from(super::samples::store_points(tx, series_id, &points)?).unwrap_or(i64::MAX);
            }
        }
    }
    Ok(written)
}

fn ensure_series(tx: &Transaction<'_>, series: &MetricSeries) -> Result<i64> {
    tx.execute(
        "INSERT INTO metric_series (model_id, connection_id, key, unit, query) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (model_id, key) DO NOTHING",
        params![series.model_id.0, series.connection_id.map(|c| c.0), series.key, series.unit, series.query],
    )?;
    tx.query_row(
        "SELECT id FROM metric_series WHERE model_id = ?1 AND key = ?2",
        params![series.model_id.0, series.key],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::Internal(format!("metric series `{}` vanished while it was written", series.key)))
}

fn write_model_link(tx: &Transaction<'_>, id: ModelId, link: &ModelLink) -> Result<()> {
    tx.execute(
        "INSERT INTO upstream_models (model_id, connection_id, upstream_name, tags, serving_version, gone_at)
         VALUES (?1, ?2, ?3, ?4, ?5, NULL)
         ON CONFLICT (model_id) DO UPDATE SET connection_id = excluded.connection_id,
             upstream_name = excluded.upstream_name, tags = excluded.tags,
             serving_version = excluded.serving_version, gone_at = NULL",
        params![id.0, link.connection_id.0, link.upstream_name, json!(link.tags).to_string(), link.serving_version],
    )?;
    Ok(())
}

fn write_version_link(tx: &Transaction<'_>, id: i64, link: &VersionLink) -> Result<()> {
    tx.execute(
        "INSERT INTO upstream_model_versions (model_version_id, connection_id, status, tags, run_link, source, gone_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)
         ON CONFLICT (model_version_id) DO UPDATE SET connection_id = excluded.connection_id,
             status = excluded.status, tags = excluded.tags, run_link = excluded.run_link,
             source = excluded.source, gone_at = NULL",
        params![id, link.connection_id.0, link.status, json!(link.tags).to_string(), link.run_link, link.source],
    )?;
    Ok(())
}

fn audit_op(tx: &Transaction<'_>, actor: &str, kind: EntityKind, id: i64, action: Action, op: &Op) -> Result<()> {
    let after = serde_json::to_value(op)?;
    audit::write(
        tx,
        actor,
        audit::Event { subject: audit::Subject::Synced(kind, id), action, before: None, after: Some(&after) },
    )
}

#[cfg(test)]
mod tests;
