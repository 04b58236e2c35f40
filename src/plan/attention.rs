//! The attention list: what a director should hear about first, one list for every surface.
//!
//! Kinds and rules (docs/figures.md):
//! - an initiative over budget to date by more than 1% of its budget to date and more than the
//!   attention floor (Settings; 1,000 units of the base currency by default);
//! - an active initiative forecast to run out of its budget within the period, by more than the
//!   floor;
//! - a person booked above 100% in the as-of month;
//! - a contract whose notice deadline is within 30 days, or has passed while the contract runs;
//! - a KPI that is red or stale on the as-of day (its newest typed or imported value, by the one
//!   rule of [`super::kpi`]), and a bound metric breaching its threshold or stale now (only when
//!   the as-of month is the running month: metrics are live). These carry no money and follow the
//!   money items, newest first.
//! - governance ([`crate::governance::overview`]): a production model promoted outside the gate
//!   (seen upstream by a sync) or needing review (controls open again, no recorded sign-off); a
//!   model with checklist controls past their due date (one item per model).
//!
//! One item per initiative: over budget and forecast to run out are said together. Nothing about
//! a done, cancelled or proposed initiative unless it still spends (actuals in the last closed
//! month or the running month). Ordered worst first by the money at stake, then by date; surfaces
//! show the first [`ATTENTION_SHOWN`] and say how many more there are.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Plan;
use super::inputs::PlanInputs;
use crate::domain::words::{compact_money, month_name};
use crate::domain::{EntityKind, InitiativeStatus, Month};

/// How many items a surface shows before "N more".
pub const ATTENTION_SHOWN: usize = 7;
/// Notice deadlines this close (in days) need attention.
pub const NOTICE_ATTENTION_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AttentionKind {
    OverBudget,
    RunsOut,
    Overbooked,
    NoticeDue,
    NoticePassed,
    KpiRed,
    KpiStale,
    MetricBreaching,
    MetricStale,
    /// A production model promoted upstream (seen by a sync) with its gate still open.
    PromotedOutsideGate,
    /// A production model whose checklist is open again, or whose promotion was never signed off.
    NeedsReview,
    /// A checklist control past its due date.
    ControlOverdue,
}

/// One thing that needs someone's attention, in words and in figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AttentionItem {
    pub kind: AttentionKind,
    /// The kind of record it is about, and which.
    pub entity: EntityKind,
    pub id: i64,
    /// `Fraud scoring is $120K over budget`.
    pub headline: String,
    /// The figures behind it and what to do.
    pub detail: String,
    /// The money at stake, in the base currency.
    pub amount_minor: i64,
    /// The date it concerns (a deadline, a run-out month's first day), if any.
    pub date: Option<NaiveDate>,
}

pub(super) fn attention(plan: &Plan, inputs: &PlanInputs) -> Vec<AttentionItem> {
    let currency = plan.base_currency;
    let money = |minor: i64| compact_money(minor, currency);
    let floor = plan.attention_floor_minor;
    let mut items = Vec::new();
    let last_closed = Some(plan.running.map_or(plan.as_of, |r| r.month.plus(-1)));
    let spending: std::collections::HashSet<_> = inputs
        .actuals
        .iter()
        .filter(|a| a.minor != 0)
        .filter(|a| Some(a.month) == last_closed || plan.running.is_some_and(|r| r.month == a.month))
        .filter_map(|a| a.initiative)
        .collect();
    let still_spends = |id| spending.contains(&id);
    for initiative in &plan.initiatives {
        let f = &initiative.figures;
        let settled = !matches!(initiative.status, InitiativeStatus::Active | InitiativeStatus::Paused);
        if settled && !still_spends(initiative.id) {
            continue;
        }
        let over = f.variance_to_date_minor;
        let over_budget = over > floor && over.saturating_mul(100) > f.budget_to_date_minor;
        let budget = f.budget_period_minor.unwrap_or(0);
        let overshoot = f.landing.map_or(0, |l| l.point_minor.saturating_sub(budget));
        let runs_out = initiative.status == InitiativeStatus::Active
            && f.run_out.is_some_and(|m| plan.period.contains(m))
            && overshoot > floor;
        // Said in the past for what has happened by the as-of month, in the future for the rest.
        let period_over = plan.as_of >= plan.period.last;
        let run_out_words = |month: Month| {
            let (label, when, over) = (&plan.period.label, month_name(month), money(overshoot));
            match (month <= plan.as_of, period_over) {
                (true, true) => format!("ran out of its {label} budget in {when} and ended {over} over"),
                (true, false) => format!("ran out of its {label} budget in {when}; forecast to land {over} over"),
                (false, _) => format!("forecast to run out of its {label} budget in {when} and land {over} over"),
            }
        };
        let item = match (over_budget, runs_out.then_some(f.run_out).flatten()) {
            (true, run_out) => AttentionItem {
                kind: AttentionKind::OverBudget,
                entity: EntityKind::Initiative,
                id: initiative.id.0,
                headline: format!("{} is {} over budget", initiative.name, money(over)),
                detail: format!(
                    "Spent {} of {} budgeted ({}){}",
                    money(f.actual_to_date_minor),
                    money(f.budget_to_date_minor),
                    plan.to_date_words,
                    run_out.map(|m| format!("; {}", run_out_words(m))).unwrap_or_default()
                ),
                amount_minor: over.max(overshoot),
                date: run_out.map(Month::first_day),
            },
            (false, Some(month)) => AttentionItem {
                kind: AttentionKind::RunsOut,
                entity: EntityKind::Initiative,
                id: initiative.id.0,
                headline: format!("{} runs out of budget in {}", initiative.name, month_name(month)),
                detail: format!(
                    "Landing {} against a {} budget of {}: {}",
                    money(f.landing.map_or(0, |l| l.point_minor)),
                    plan.period.label,
                    money(budget),
                    run_out_words(month)
                ),
                amount_minor: overshoot,
                date: Some(month.first_day()),
            },
            (false, None) => continue,
        };
        items.push(item);
    }
    for person in &plan.overbooked {
        items.push(AttentionItem {
            kind: AttentionKind::Overbooked,
            entity: EntityKind::Person,
            id: person.person_id.0,
            headline: format!("{} is booked at {}%", person.name, person.percent),
            detail: format!(
                "Allocations in {} add up to more than one person ({} a month above 100%); move or end one",
                month_name(plan.as_of),
                money(person.excess_cost_minor)
            ),
            amount_minor: person.excess_cost_minor,
            date: Some(plan.as_of.first_day()),
        });
    }
    for renewal in plan.renewals.iter().filter(|r| r.days_to_notice <= NOTICE_ATTENTION_DAYS) {
        let what = if renewal.auto_renew { "renews automatically" } else { "ends" };
        let passed = renewal.days_to_notice < 0;
        items.push(AttentionItem {
            kind: if passed { AttentionKind::NoticePassed } else { AttentionKind::NoticeDue },
            entity: EntityKind::Contract,
            id: renewal.contract_id,
            headline: if passed {
                format!("Notice on {} ({}) has passed", renewal.title, renewal.vendor)
            } else {
                format!(
                    "Give notice on {} ({}) by {}",
                    renewal.title,
                    renewal.vendor,
                    day_words(renewal.notice_deadline)
                )
            },
            detail: format!(
                "{} {} on {}; worth {}",
                renewal.title,
                what,
                day_words(renewal.end),
                money(renewal.value_minor)
            ),
            amount_minor: renewal.value_minor,
            date: Some(renewal.notice_deadline),
        });
    }
    items.extend(inputs.signals.iter().cloned());
    items.sort_by(|a, b| {
        b.amount_minor.cmp(&a.amount_minor).then_with(|| a.date.cmp(&b.date)).then_with(|| a.headline.cmp(&b.headline))
    });
    items
}

/// `3 Jan 2027`.
pub fn day_words(day: NaiveDate) -> String {
    use chrono::Datelike;
    let month = Month::of(day);
    format!("{} {}", day.day(), month_name(month))
}

/// The KPI and metric items of the attention list, read with the planning inputs: KPIs red or
/// stale on `day`, and (when `live`) bound metrics breaching or stale now.
pub(super) fn load_signals(
    conn: &rusqlite::Connection,
    day: NaiveDate,
    live: bool,
) -> crate::error::Result<Vec<AttentionItem>> {
    use super::kpi::{KpiStatus, TargetBand, stale_after_days, status};
    let mut items = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT k.id, k.name, k.unit, k.target_low, k.target_high, k.amber_margin, k.cadence, v.date, v.value
         FROM kpis k LEFT JOIN kpi_values v ON v.id = (
             SELECT id FROM kpi_values WHERE kpi_id = k.id AND date <= ?1 ORDER BY date DESC LIMIT 1)
         WHERE k.formula IS NULL AND (k.metric_key IS NULL OR k.model_id IS NULL OR v.id IS NOT NULL)",
    )?;
    let mut rows = stmt.query([day.to_string()])?;
    while let Some(row) = rows.next()? {
        let band = TargetBand { low: row.get(3)?, high: row.get(4)?, amber_margin: row.get(5)? };
        let cadence: crate::domain::KpiCadence = row.get::<_, String>(6)?.parse()?;
        let newest = match (row.get::<_, Option<String>>(7)?, row.get::<_, Option<f64>>(8)?) {
            (Some(date), Some(value)) => date.parse::<NaiveDate>().ok().map(|date| super::kpi::KpiReading {
                date,
                value,
                source: super::kpi::KpiSource::Typed,
            }),
            _ => None,
        };
        let (id, name, unit): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        let target = crate::domain::words::target_words(band.low, band.high, &unit);
        let value = |v: f64| crate::domain::words::with_unit(v, &unit);
        let item = match (status(&band, cadence, newest.as_ref(), day), newest) {
            (KpiStatus::Red, Some(r)) => AttentionItem {
                kind: AttentionKind::KpiRed,
                entity: EntityKind::Kpi,
                id,
                headline: format!("{name} is off target at {}", value(r.value)),
                detail: format!("{} on {} against its {target}; see the scorecard", value(r.value), day_words(r.date)),
                amount_minor: 0,
                date: Some(r.date),
            },
            (KpiStatus::Stale, Some(r)) => AttentionItem {
                kind: AttentionKind::KpiStale,
                entity: EntityKind::Kpi,
                id,
                headline: format!("{name} has no value since {}", day_words(r.date)),
                detail: format!(
                    "It is measured {cadence} (stale after {} days); record the newest value or import a file of them",
                    stale_after_days(cadence)
                ),
                amount_minor: 0,
                date: Some(r.date),
            },
            _ => continue,
        };
        items.push(item);
    }
    items.extend(governance_signals(conn, day)?);
    if live {
        let now =
            day.and_hms_opt(23, 59, 59).map_or(0, |t| t.and_utc().timestamp()).min(chrono::Utc::now().timestamp());
        for b in crate::sync::readout::breaches(conn, now)? {
            let breaching = b.kind == crate::sync::readout::BreachKind::Breaching;
            let latest = b.latest.map_or_else(|| "no value".to_owned(), |l| format!("{} {}", l.value, b.unit));
            items.push(AttentionItem {
                kind: if breaching { AttentionKind::MetricBreaching } else { AttentionKind::MetricStale },
                entity: EntityKind::Model,
                id: b.model_id.0,
                headline: if breaching {
                    format!("{} {} is breaching its threshold", b.model, b.key)
                } else {
                    format!("{} {} has stopped arriving", b.model, b.key)
                },
                detail: format!("{latest}, for {}; see Monitoring", b.for_words),
                amount_minor: 0,
                date: chrono::DateTime::from_timestamp(b.since, 0).map(|t| t.date_naive()),
            });
        }
    }
    Ok(items)
}

/// The attention items of governance on `day`, from the one overview every surface reads.
fn governance_signals(conn: &rusqlite::Connection, day: NaiveDate) -> crate::error::Result<Vec<AttentionItem>> {
    use crate::governance::overview::GovernanceFlag;
    let overview = crate::governance::Register::load(conn, None)?.overview(day);
    let mut items = Vec::new();
    for m in &overview.models {
        let missing = |n: usize| {
            let shown: Vec<&str> = m.missing.iter().take(n).map(String::as_str).collect();
            let more = m.missing.len().saturating_sub(n);
            if more > 0 { format!("{}; and {more} more", shown.join("; ")) } else { shown.join("; ") }
        };
        match m.flag {
            Some(GovernanceFlag::PromotedOutsideGate) => items.push(AttentionItem {
                kind: AttentionKind::PromotedOutsideGate,
                entity: EntityKind::Model,
                id: m.model_id,
                headline: format!("{} reached production outside the gate", m.model),
                detail: format!(
                    "Promoted upstream with its checklist open ({}); complete it and sign it off",
                    missing(2)
                ),
                amount_minor: 0,
                date: None,
            }),
            Some(GovernanceFlag::NeedsReview) => items.push(AttentionItem {
                kind: AttentionKind::NeedsReview,
                entity: EntityKind::Model,
                id: m.model_id,
                headline: format!("{} needs a governance review", m.model),
                detail: if m.closed < m.applicable {
                    format!(
                        "In production with {} of {} controls open ({})",
                        m.applicable - m.closed,
                        m.applicable,
                        missing(2)
                    )
                } else {
                    "In production with no recorded promotion or sign-off; review its checklist and sign it off"
                        .to_owned()
                },
                amount_minor: 0,
                date: None,
            }),
            None => {}
        }
        let overdue: Vec<_> = overview.overdue.iter().filter(|o| o.model_id == m.model_id).collect();
        if let Some(first) = overdue.first() {
            let owner = first.owner.as_deref().map_or(String::new(), |o| format!(", owner {o}"));
            items.push(AttentionItem {
                kind: AttentionKind::ControlOverdue,
                entity: EntityKind::Model,
                id: m.model_id,
                headline: if overdue.len() == 1 {
                    format!("{} has an overdue control", m.model)
                } else {
                    format!("{} has {} overdue controls", m.model, overdue.len())
                },
                detail: format!(
                    "{} was due {}{owner}; finish it or move its due date",
                    first.title,
                    day_words(first.due)
                ),
                amount_minor: 0,
                date: Some(first.due),
            });
        }
    }
    Ok(items)
}
