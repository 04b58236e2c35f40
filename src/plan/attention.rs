//! The attention list: what a director should hear about first, one list for every surface.
//!
//! Kinds and rules (docs/figures.md):
//! - an initiative over budget to date by more than 1% of its budget to date and more than the
//!   attention floor (Settings; 1,000 units of the base currency by default);
//! - an active initiative forecast to run out of its budget within the period, by more than the
//!   floor;
//! - a person booked above 100% in the as-of month;
//! - a contract whose notice deadline is within 30 days, or has passed while the contract runs.
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
