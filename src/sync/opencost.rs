//! OpenCost: what the cluster's GPUs, CPUs and memory cost each model, day by day, written as
//! actuals with `source = opencost` so infrastructure cost shows up in budget against actual.
//!
//! # Attribution
//! A cost mapping (`opencost map MODEL --namespace NS`, or `--label NAME=VALUE` for another label
//! of OpenCost's allocation metrics, e.g. `container` or `pod`) says that allocations carrying that
//! label value belong to the model. Allocations nobody mapped are not attributed (they are not
//! this portfolio's). A model's actuals go to the model's initiative at the time of the sync. Map
//! each workload by one label: an allocation matched by two mappings (its namespace and its
//! container) is counted once for each.
//!
//! # Cost
//! From OpenCost's Prometheus metrics, evaluated every hour on the hour:
//!
//! | part | allocation (per node and label value)        | price (per node)                  |
//! |------|-----------------------------------------------|-----------------------------------|
//! | GPU  | `sum by (node, L) (container_gpu_allocation)` | `node_gpu_hourly_cost` per GPU    |
//! | CPU  | `sum by (node, L) (container_cpu_allocation)` | `node_cpu_hourly_cost` per core   |
//! | RAM  | `sum by (node, L) (container_memory_allocation_bytes)` / 2³⁰ | `node_ram_hourly_cost` per GiB |
//!
//! Each hourly evaluation at `t` stands for the hour from `t` to `t + 1h` and costs
//! allocation × price × 1 h; a day (UTC) is the sum of its 24 hours. Allocations are billed by
//! their share: half a GPU for an hour at 2.50 an hour costs 1.25, not 2.50. An allocation on a
//! node without a price at that hour costs nothing and is counted as unpriced in the run's detail.
//! `node_total_hourly_cost` is not used: it includes idle capacity, which belongs to no model.
//!
//! # Money
//! Products and sums are computed as decimals (each exporter number taken in its shortest decimal
//! form), and each day's total is rounded once, half to even, to the currency's minor unit: 24
//! hours at 0.004 make 0.10, not 0.00. Amounts are in the portfolio's base currency: configure
//! OpenCost's pricing in the same currency.
//!
//! # Idempotence
//! One actual per mapping, day and part (GPU, CPU, RAM), with `import_key` = xxh3-128 of the
//! connection, label, value, day and part (the keying of imports: [`crate::store::import_key`]). Each mapping
//! remembers the day its last sync ended in (that day was partial); a sync starts at the earliest
//! such day of the connection's mappings (a new mapping, or one moved to another model, starts
//! [`SyncOptions::lookback_days`] back), recomputes whole days, and upserts: an unchanged day
//! writes nothing, a day that grew or whose model changed is updated in place.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::prometheus::{self, RangeRequest, plan_requests};
use super::query_range::RangeSeries;
use super::{Progress, SyncContext, SyncCounts, SyncOptions, with_store};
use crate::domain::{
    ActualSource, Category, ConnectionKind, Currency, EntityKind, InitiativeId, ModelId, Money, Month, RollupGrain,
};
use crate::error::{Error, Result};
use crate::store::actuals::{ActualWriter, BulkActual, OnRepeat};
use crate::store::import_key::{ImportKey, import_key, push_field};
use crate::store::{audit, records, settings};

/// The label mapped when none is named.
pub const DEFAULT_LABEL: &str = "namespace";
const HOUR: i64 = 3_600;

/// A part of a node whose cost is shared out by allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Part {
    Gpu,
    Cpu,
    Ram,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Gpu, Part::Cpu, Part::Ram];

    /// How the part is named on an actual (its `service`).
    pub fn name(self) -> &'static str {
        match self {
            Part::Gpu => "GPU",
            Part::Cpu => "CPU",
            Part::Ram => "RAM",
        }
    }

    fn allocation_metric(self) -> &'static str {
        match self {
            Part::Gpu => "container_gpu_allocation",
            Part::Cpu => "container_cpu_allocation",
            Part::Ram => "container_memory_allocation_bytes",
        }
    }

    fn price_metric(self) -> &'static str {
        match self {
            Part::Gpu => "node_gpu_hourly_cost",
            Part::Cpu => "node_cpu_hourly_cost",
            Part::Ram => "node_ram_hourly_cost",
        }
    }

    /// Allocation units per priced unit: bytes per GiB for memory.
    fn units_per_priced_unit(self) -> Decimal {
        match self {
            Part::Ram => Decimal::from(1u64 << 30),
            Part::Gpu | Part::Cpu => Decimal::ONE,
        }
    }
}

/// A cost mapping as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CostMapping {
    pub connection: String,
    pub label: String,
    pub value: String,
    pub model: String,
}

/// Maps allocations whose `label` is `value` to `model`; replaces an earlier mapping of the same
/// label value.
pub fn map(
    conn: &Connection,
    actor: &str,
    connection: Option<&str>,
    label: &str,
    value: &str,
    model: &str,
) -> Result<CostMapping> {
    check_label_name(label)?;
    if value.trim().is_empty() {
        return Err(Error::Validation(format!("{label}: give the value that names the model's allocations")));
    }
    let connection_id = opencost_connection(conn, connection)?;
    let model_id = records::resolve(conn, EntityKind::Model, model)?;
    conn.execute(
        "INSERT INTO cost_mappings (connection_id, label, value, model_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (connection_id, label, value) DO UPDATE SET model_id = excluded.model_id,
             synced_until = CASE WHEN model_id = excluded.model_id THEN synced_until END",
        params![connection_id, label, value, model_id],
    )?;
    let mapping = mappings(conn)?
        .into_iter()
        .find(|m| m.label == label && m.value == value && m.connection_id == connection_id)
        .map(|m| m.view)
        .ok_or_else(|| Error::Internal("a cost mapping just written cannot be read".into()))?;
    let after = json!(mapping);
    let event = audit::Event {
        subject: audit::Subject::CostMapping(Some(model_id)),
        action: audit::Action::Map,
        before: None,
        after: Some(&after),
    };
    audit::write(conn, actor, event)?;
    Ok(mapping)
}

/// Removes a mapping. Actuals it brought in stay: they were the cost at the time.
pub fn unmap(conn: &Connection, actor: &str, connection: Option<&str>, label: &str, value: &str) -> Result<()> {
    let connection_id = opencost_connection(conn, connection)?;
    let before = mappings(conn)?
        .into_iter()
        .find(|m| m.label == label && m.value == value && m.connection_id == connection_id)
        .ok_or_else(|| Error::NotFound(format!("nothing maps {label}={value}; `opencost list` shows the mappings")))?;
    conn.execute(
        "DELETE FROM cost_mappings WHERE connection_id = ?1 AND label = ?2 AND value = ?3",
        params![connection_id, label, value],
    )?;
    let before = json!(before.view);
    let event = audit::Event {
        subject: audit::Subject::CostMapping(None),
        action: audit::Action::Unmap,
        before: Some(&before),
        after: None,
    };
    audit::write(conn, actor, event)?;
    Ok(())
}

/// Every cost mapping, by connection, label and value.
pub fn list(conn: &Connection) -> Result<Vec<CostMapping>> {
    Ok(mappings(conn)?.into_iter().map(|m| m.view).collect())
}

#[derive(Debug, Clone)]
struct StoredMapping {
    id: i64,
    connection_id: i64,
    synced_until: Option<i64>,
    model_id: i64,
    initiative_id: Option<i64>,
    label: String,
    value: String,
    view: CostMapping,
}

fn mappings(conn: &Connection) -> Result<Vec<StoredMapping>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, k.label, k.value, m.id, m.name, m.initiative_id, k.id, k.synced_until
         FROM cost_mappings k JOIN connections c ON c.id = k.connection_id JOIN models m ON m.id = k.model_id
         ORDER BY c.name, k.label, k.value",
    )?;
    let rows = stmt.query_map([], |r| {
        let label: String = r.get(2)?;
        let value: String = r.get(3)?;
        Ok(StoredMapping {
            id: r.get(7)?,
            connection_id: r.get(0)?,
            synced_until: r.get(8)?,
            model_id: r.get(4)?,
            initiative_id: r.get(6)?,
            view: CostMapping { connection: r.get(1)?, label: label.clone(), value: value.clone(), model: r.get(5)? },
            label,
            value,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn check_label_name(label: &str) -> Result<()> {
    let mut chars = label.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::Validation(format!(
            "label: `{label}` is not a Prometheus label name (letters, digits and _, not starting with a digit)"
        )))
    }
}

fn opencost_connection(conn: &Connection, name: Option<&str>) -> Result<i64> {
    if let Some(name) = name {
        let id = records::resolve(conn, EntityKind::Connection, name)?;
        let kind: String = conn.query_row("SELECT kind FROM connections WHERE id = ?1", [id], |r| r.get(0))?;
        if kind != ConnectionKind::OpenCost.as_str() {
            return Err(Error::Validation(format!(
                "connection: `{name}` is a {kind} connection; cost mappings need an opencost one"
            )));
        }
        return Ok(id);
    }
    let mut stmt = conn.prepare("SELECT id, name FROM connections WHERE kind = ?1 ORDER BY name")?;
    let found: Vec<(i64, String)> = stmt
        .query_map([ConnectionKind::OpenCost.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    match found.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(Error::Validation(
            "connection: there is no opencost connection yet; add one with `mlops-portfolio connection add`".into(),
        )),
        several => {
            let names: Vec<&str> = several.iter().map(|(_, n)| n.as_str()).collect();
            Err(Error::Validation(format!("connection: choose one with --connection: {}", names.join(", "))))
        }
    }
}

/// One day's cost of one mapping and part, before rounding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyCost {
    pub label_value: String,
    pub day: i64,
    pub part: Part,
    pub amount: Decimal,
}

/// What [`daily_costs`] found: the costs, and how many allocation hours had no price.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostPlan {
    pub costs: Vec<DailyCost>,
    pub unpriced_hours: usize,
}

/// The daily cost of each value of `label` for one part (pure): every allocation point × the
/// price of its node at the same hour, summed by UTC day. `allocations` are series labelled
/// `node` and `label`; `prices` series labelled `node`.
pub fn daily_costs(part: Part, label: &str, allocations: &[RangeSeries], prices: &[RangeSeries]) -> Result<CostPlan> {
    let mut price_at: HashMap<(&str, i64), Decimal> = HashMap::new();
    for series in prices {
        let Some(node) = series.label("node") else { continue };
        for point in &series.samples {
            if let Some(price) = point.value.and_then(finite_decimal) {
                price_at.insert((node, point.ts), price);
            }
        }
    }
    let per_unit = part.units_per_priced_unit();
    let mut sums: BTreeMap<(String, i64), Decimal> = BTreeMap::new();
    let mut plan = CostPlan::default();
    for series in allocations {
        let (Some(node), Some(value)) = (series.label("node"), series.label(label)) else { continue };
        for point in &series.samples {
            let Some(allocated) = point.value.and_then(finite_decimal) else { continue };
            let Some(price) = price_at.get(&(node, point.ts)) else {
                plan.unpriced_hours += 1;
                continue;
            };
            let cost = (allocated / per_unit).checked_mul(*price).ok_or_else(|| {
                Error::Validation(format!(
                    "{}: {allocated} × {price} on node `{node}` is too large to be a cost",
                    part.allocation_metric()
                ))
            })?;
            let day = RollupGrain::Day.bucket_of(point.ts);
            let sum = sums.entry((value.to_owned(), day)).or_default();
            *sum = sum.checked_add(cost).ok_or_else(|| Error::Validation("a day's cost is too large".into()))?;
        }
    }
    plan.costs =
        sums.into_iter().map(|((label_value, day), amount)| DailyCost { label_value, day, part, amount }).collect();
    Ok(plan)
}

fn finite_decimal(value: f64) -> Option<Decimal> {
    if value.is_finite() { Decimal::from_f64(value) } else { None }
}

/// The actual an OpenCost day becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostActual {
    pub key: ImportKey,
    pub model_id: i64,
    pub initiative_id: Option<i64>,
    pub month: Month,
    pub amount: Money,
    pub provider: String,
    pub service: &'static str,
    pub resource: String,
    pub day: String,
}

/// The import key of one mapping's part on one day.
pub fn cost_key(connection_id: i64, label: &str, value: &str, day: i64, part: Part) -> ImportKey {
    let mut buf = Vec::with_capacity(64);
    for field in [
        b"opencost".as_slice(),
        connection_id.to_string().as_bytes(),
        label.as_bytes(),
        value.as_bytes(),
        day.to_string().as_bytes(),
        part.name().as_bytes(),
    ] {
        push_field(&mut buf, field);
    }
    import_key(xxhash_rust::xxh3::xxh3_128(&buf), 0)
}

/// Syncs the connection's metric bindings (an OpenCost endpoint is a Prometheus), then its costs.
pub async fn run(ctx: &SyncContext, options: &SyncOptions, progress: &Progress) -> Result<SyncCounts> {
    let metrics = prometheus::run(ctx, options, progress).await;
    let costs = sync_costs(ctx, options, progress).await;
    match (metrics, costs) {
        (Ok(a), Ok(b)) => Ok(SyncCounts { fetched: a.fetched + b.fetched, written: a.written + b.written }),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
        (Err(a), Err(b)) => Err(Error::Network(format!("{a}\n{b}"))),
    }
}

async fn sync_costs(ctx: &SyncContext, options: &SyncOptions, progress: &Progress) -> Result<SyncCounts> {
    let connection_id = ctx.connection_id.0;
    let (all, currency) =
        with_store(&ctx.db_path, |s| Ok((mappings(s.conn())?, settings::base_currency(s.conn())?))).await?;
    let mine: Vec<StoredMapping> = all.into_iter().filter(|m| m.connection_id == connection_id).collect();
    let now = Utc::now().timestamp();
    let lookback_start = now - i64::from(options.lookback_days) * 86_400;
    let Some(from) = mine.iter().map(|m| m.synced_until.unwrap_or(lookback_start)).min() else {
        return Ok(SyncCounts::default());
    };
    let first_day = RollupGrain::Day.bucket_of(from);
    let requests = plan_requests(HOUR, Some(first_day), now, 0);
    let labels: BTreeSet<&str> = mine.iter().map(|m| m.label.as_str()).collect();

    let mut fetched = 0i64;
    let mut plans: Vec<(String, CostPlan)> = Vec::new();
    for part in Part::ALL {
        let prices =
            fetch_all(ctx, &format!("avg by (node) ({})", part.price_metric()), &requests, &mut fetched).await?;
        for label in &labels {
            let query = format!("sum by (node, {label}) ({})", part.allocation_metric());
            let allocations = fetch_all(ctx, &query, &requests, &mut fetched).await?;
            plans.push(((*label).to_owned(), daily_costs(part, label, &allocations, &prices)?));
        }
        if ctx.cancel.is_cancelled() {
            return Ok(SyncCounts { fetched, written: 0 });
        }
    }
    let actuals = plan_actuals(connection_id, &ctx.connection.name, &mine, &plans, currency)?;
    let unpriced: usize = plans.iter().map(|(_, p)| p.unpriced_hours).sum();
    let last_day = RollupGrain::Day.bucket_of(now);
    let synced: Vec<(i64, i64)> = mine.iter().map(|m| (m.id, m.model_id)).collect();
    let (run_id, source) = (ctx.run_id, ctx.connection.name.clone());
    let written = with_store(&ctx.db_path, move |store| {
        store.in_transaction(|tx, actor| {
            let written = write_actuals(tx, &actuals)?;
            if written > 0 {
                // Money written by a sync is audited in the same transaction as the money.
                let months: BTreeSet<String> = actuals.iter().map(|a| a.month.to_string()).collect();
                let after = json!({ "connection": source, "actuals_written": written, "months": months });
                let event = audit::Event {
                    subject: audit::Subject::SyncRun(run_id),
                    action: audit::Action::SyncWrite,
                    before: None,
                    after: Some(&after),
                };
                audit::write(tx, actor, event)?;
            }
            // Only mappings still pointing where they pointed when the sync read them: one moved
            // meanwhile keeps its reset cursor and is synced in full next time.
            let mut advance =
                tx.prepare_cached("UPDATE cost_mappings SET synced_until = ?3 WHERE id = ?1 AND model_id = ?2")?;
            for (id, model_id) in &synced {
                advance.execute(params![id, model_id, last_day])?;
            }
            Ok(written)
        })
    })
    .await? as i64;
    let mut detail = format!("OpenCost costs from {}", day_text(first_day));
    if unpriced > 0 {
        detail.push_str(&format!(", {unpriced} allocation hours on nodes without a price"));
    }
    progress.batch(fetched, written, detail);
    Ok(SyncCounts { fetched, written })
}

async fn fetch_all(
    ctx: &SyncContext,
    query: &str,
    requests: &[RangeRequest],
    fetched: &mut i64,
) -> Result<Vec<RangeSeries>> {
    // Series of the same label set from successive requests are joined.
    let mut by_labels: BTreeMap<Vec<(String, String)>, Vec<crate::domain::MetricSample>> = BTreeMap::new();
    for request in requests {
        let answer = prometheus::fetch(ctx, query, *request).await?;
        for series in answer.series {
            *fetched += series.samples.len() as i64;
            by_labels.entry(series.labels).or_default().extend(series.samples);
        }
    }
    Ok(by_labels.into_iter().map(|(labels, samples)| RangeSeries { labels, samples }).collect())
}

/// The actuals of the cost plans (pure): one per mapped label value, day and part, rounded.
fn plan_actuals(
    connection_id: i64,
    connection: &str,
    mappings: &[StoredMapping],
    plans: &[(String, CostPlan)],
    currency: Currency,
) -> Result<Vec<CostActual>> {
    let by_value: HashMap<(&str, &str), &StoredMapping> =
        mappings.iter().map(|m| ((m.label.as_str(), m.value.as_str()), m)).collect();
    let mut out = Vec::new();
    for (label, plan) in plans {
        for cost in &plan.costs {
            let Some(mapping) = by_value.get(&(label.as_str(), cost.label_value.as_str())) else { continue };
            let amount = Money::from_decimal(cost.amount, currency).ok_or_else(|| {
                Error::Validation(format!("{label}={}: {} is too large to store", cost.label_value, cost.amount))
            })?;
            let date = DateTime::from_timestamp(cost.day, 0)
                .ok_or_else(|| Error::Validation(format!("{} is not a day", cost.day)))?
                .date_naive();
            out.push(CostActual {
                key: cost_key(connection_id, label, &cost.label_value, cost.day, cost.part),
                model_id: mapping.model_id,
                initiative_id: mapping.initiative_id,
                month: Month::of(date),
                amount,
                provider: connection.to_owned(),
                service: cost.part.name(),
                resource: format!("{label}={}", cost.label_value),
                day: date.to_string(),
            });
        }
    }
    Ok(out)
}

fn write_actuals(conn: &Connection, actuals: &[CostActual]) -> Result<usize> {
    let mut writer = ActualWriter::new(conn, OnRepeat::Refresh)?;
    let mut written = 0;
    for a in actuals {
        let (month, note) = (a.month.to_string(), format!("OpenCost, {}", a.day));
        let changed = writer.write(&BulkActual {
            initiative: a.initiative_id.map(InitiativeId),
            month: &month,
            category: Category::Compute,
            amount: a.amount,
            source: ActualSource::OpenCost,
            vendor: None,
            model: Some(ModelId(a.model_id)),
            provider: Some(&a.provider),
            service: Some(a.service),
            resource: Some(&a.resource),
            tag: None,
            note: Some(&note),
            key: a.key,
            import_id: None,
        })?;
        written += usize::from(changed);
    }
    Ok(written)
}

fn day_text(day: i64) -> String {
    DateTime::from_timestamp(day, 0).map_or_else(|| day.to_string(), |d| d.date_naive().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MetricSample;

    fn series(labels: &[(&str, &str)], points: &[(i64, f64)]) -> RangeSeries {
        RangeSeries {
            labels: labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            samples: points.iter().map(|&(ts, v)| MetricSample { ts, value: Some(v) }).collect(),
        }
    }

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    const DAY: i64 = 86_400;

    #[test]
    fn a_fractional_gpu_is_billed_by_its_share_hour_by_hour_and_day_by_day() {
        let hours =
            |day: i64, n: i64, v: f64| -> Vec<(i64, f64)> { (0..n).map(|h| (day * DAY + h * HOUR, v)).collect() };
        let prices =
            [series(&[("node", "gpu-1")], &hours(0, 48, 2.5)), series(&[("node", "gpu-2")], &hours(0, 48, 4.0))];
        let mut fraud_day2 = hours(1, 24, 0.25);
        fraud_day2.truncate(10);
        let allocations = [
            series(&[("namespace", "fraud"), ("node", "gpu-1")], &hours(0, 24, 0.5)),
            series(&[("namespace", "fraud"), ("node", "gpu-1")], &fraud_day2),
            series(&[("namespace", "churn"), ("node", "gpu-2")], &hours(0, 24, 1.0)),
            series(&[("namespace", "churn"), ("node", "gpu-3")], &hours(0, 5, 1.0)),
            series(&[("pod", "no-namespace"), ("node", "gpu-1")], &hours(0, 24, 1.0)),
        ];
        let plan = daily_costs(Part::Gpu, "namespace", &allocations, &prices).unwrap();
        let got: Vec<(&str, i64, Decimal)> =
            plan.costs.iter().map(|c| (c.label_value.as_str(), c.day, c.amount)).collect();
        assert_eq!(
            got,
            vec![("churn", 0, dec("96")), ("fraud", 0, dec("30")), ("fraud", DAY, dec("6.25"))],
            "0.5 GPU × 2.50 × 24 h = 30; 0.25 × 2.50 × 10 h = 6.25; 1 × 4.00 × 24 h = 96"
        );
        assert_eq!(plan.unpriced_hours, 5, "gpu-3 has no price");
    }

    #[test]
    fn memory_is_priced_per_gib_and_days_round_once_half_to_even() {
        let gib = (1u64 << 30) as f64;
        let prices = [series(&[("node", "n")], &(0..24).map(|h| (h * HOUR, 0.004)).collect::<Vec<_>>())];
        let allocations =
            [series(&[("namespace", "a"), ("node", "n")], &(0..24).map(|h| (h * HOUR, gib)).collect::<Vec<_>>())];
        let plan = daily_costs(Part::Ram, "namespace", &allocations, &prices).unwrap();
        assert_eq!(plan.costs[0].amount, dec("0.096"));
        let usd = Currency::USD;
        assert_eq!(Money::from_decimal(plan.costs[0].amount, usd).unwrap().minor, 10, "24 × 0.004 = 0.096 → 0.10");
        assert_eq!(Money::from_decimal(dec("0.125"), usd).unwrap().minor, 12, "half to even");
        assert_eq!(Money::from_decimal(dec("0.135"), usd).unwrap().minor, 14, "half to even");
    }

    #[test]
    fn keys_differ_by_every_part_of_the_identity_and_repeat_for_the_same_one() {
        let base = cost_key(1, "namespace", "fraud", 0, Part::Gpu);
        assert_eq!(base, cost_key(1, "namespace", "fraud", 0, Part::Gpu));
        for other in [
            cost_key(2, "namespace", "fraud", 0, Part::Gpu),
            cost_key(1, "pod", "fraud", 0, Part::Gpu),
            cost_key(1, "namespace", "churn", 0, Part::Gpu),
            cost_key(1, "namespace", "fraud", DAY, Part::Gpu),
            cost_key(1, "namespace", "fraud", 0, Part::Cpu),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn label_names_follow_prometheus_rules() {
        assert!(check_label_name("namespace").is_ok());
        assert!(check_label_name("label_app_kubernetes_io_name").is_ok());
        for bad in ["", "1abc", "app.kubernetes.io/name", "a-b"] {
            assert!(check_label_name(bad).is_err(), "{bad}");
        }
    }
}
