//! The compute half on hand-built inputs: no database, exact figures.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::inputs::{InitiativeFacts, MoneyFact, PlanInputs};
use super::*;
use crate::domain::{Category, Currency, InitiativeId, InitiativeStatus, Month};

fn month(text: &str) -> Month {
    text.parse().expect("a month")
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn empty(as_of: &str, today: &str) -> PlanInputs {
    PlanInputs {
        base_currency: Currency::USD,
        as_of: month(as_of),
        today: day(today),
        fiscal_year_start: 1,
        attention_floor_minor: 100_000,
        initiatives: Vec::new(),
        budgets: Vec::new(),
        actuals: Vec::new(),
        role_cost_minor: HashMap::new(),
        people: Vec::new(),
        allocations: Vec::new(),
        requisitions: Vec::new(),
        contracts: Vec::new(),
        models: Vec::new(),
        vendors: Vec::new(),
        adjustments: Vec::new(),
    }
}

fn initiative(inputs: &mut PlanInputs, id: i64, name: &str, status: InitiativeStatus) -> InitiativeId {
    let id = InitiativeId(id);
    inputs.initiatives.push(InitiativeFacts { id, name: name.into(), status, start: month("2024-01"), end: None });
    id
}

fn fact(initiative: InitiativeId, month_text: &str, minor: i64) -> MoneyFact {
    MoneyFact {
        initiative: Some(initiative),
        month: month(month_text),
        category: Category::Compute,
        minor,
        one_off: false,
        model: None,
        vendor: None,
    }
}

/// `minor` every month from `first` through `last`.
fn monthly(first: &str, last: &str, initiative: InitiativeId, minor: i64) -> Vec<MoneyFact> {
    let (first, last) = (month(first), month(last));
    (0..=first.months_until(last)).map(|k| fact(initiative, &first.plus(k).to_string(), minor)).collect()
}

fn compute_default(inputs: &PlanInputs) -> Plan {
    compute(inputs, &PlanOptions::default()).expect("a plan")
}

#[test]
fn budget_to_date_counts_closed_months_and_the_running_months_elapsed_share() {
    let mut inputs = empty("2026-12", "2026-12-03");
    let a = initiative(&mut inputs, 1, "Search", InitiativeStatus::Active);
    inputs.budgets = monthly("2026-01", "2026-12", a, 3_100_000);
    inputs.actuals = monthly("2025-01", "2026-11", a, 3_000_000);
    inputs.actuals.push(fact(a, "2026-12", 200_000));
    let plan = compute_default(&inputs);
    let f = &plan.portfolio;
    assert_eq!(plan.period.label, "2026");
    assert_eq!(plan.to_date_words, "2026 to date, through 3 Dec");
    assert_eq!(f.budget_period_minor, Some(12 * 3_100_000));
    assert_eq!(f.budget_to_date_minor, 11 * 3_100_000 + 300_000, "3 of December's 31 days");
    assert_eq!(f.actual_to_date_minor, 11 * 3_000_000 + 200_000, "December's month-to-date counts");
    assert_eq!(f.variance_to_date_minor, -(11 * 100_000 + 100_000), "under budget");
    assert_eq!(
        f.month_to_date,
        Some(MonthToDate { month: month("2026-12"), budget_minor: 300_000, actual_minor: 200_000 })
    );
    assert_eq!(plan.forecasts.history_through, Some(month("2026-11")), "the running month is not history");
    assert_eq!(plan.forecasts.first_month, month("2026-12"));
    // A flat history is forecast flat; the rest of December is 28/31 of a month.
    let landing = f.landing.expect("a landing");
    assert_eq!(landing.point_minor, 11 * 3_000_000 + 200_000 + (3_000_000 - 290_323));
    assert_eq!(plan.months.last().map(|m| m.state), Some(MonthState::Running));
}

#[test]
fn two_days_of_a_new_month_change_neither_the_verdict_nor_the_landing_beyond_the_pro_rata_amount() {
    let mut inputs = empty("2026-12", "2026-12-02");
    let a = initiative(&mut inputs, 1, "Search", InitiativeStatus::Active);
    inputs.budgets = monthly("2026-01", "2026-12", a, 3_000_000);
    inputs.actuals = monthly("2025-01", "2026-11", a, 2_900_000);
    let before = compute_default(&inputs);
    inputs.actuals.push(fact(a, "2026-12", 2 * 2_900_000 / 31));
    let after = compute_default(&inputs);
    assert_eq!(before.portfolio.is_over(), after.portfolio.is_over(), "still under budget");
    let (b, a) = (before.portfolio.landing.expect("landing"), after.portfolio.landing.expect("landing"));
    assert!((b.point_minor - a.point_minor).abs() <= 2 * 2_900_000 / 31, "{} vs {}", b.point_minor, a.point_minor);
    assert!(after.months.last().and_then(|m| m.forecast).is_some(), "the rest of December is still forecast");
}

#[test]
fn a_month_that_has_only_begun_is_not_read_as_a_finished_year() {
    let mut inputs = empty("2027-01", "2027-01-03");
    let a = initiative(&mut inputs, 1, "Search", InitiativeStatus::Active);
    inputs.budgets = monthly("2026-01", "2026-12", a, 1_000_000);
    inputs.actuals = monthly("2025-01", "2026-12", a, 1_000_000);
    inputs.actuals.push(fact(a, "2027-01", 60_000));
    let plan = compute_default(&inputs);
    assert_eq!(plan.period.label, "2027");
    assert_eq!(plan.portfolio.budget_period_minor, None, "no budget set for 2027, not $0");
    assert_eq!(plan.portfolio.run_out, None, "no budget, no run-out");
    assert_eq!(plan.portfolio.actual_to_date_minor, 60_000);
}

#[test]
fn one_invoice_cannot_move_the_forecast() {
    let mut inputs = empty("2026-06", "2026-07-15");
    let a = initiative(&mut inputs, 1, "Labelling", InitiativeStatus::Active);
    inputs.budgets = monthly("2026-01", "2026-12", a, 2_000_000);
    inputs.actuals = (0..30)
        .map(|k| {
            let m = month("2024-01").plus(k);
            fact(a, &m.to_string(), 2_000_000 + i64::from(k % 4) * 30_000)
        })
        .collect();
    inputs.actuals[27].minor = 75_000_000; // April 2026: an invoice paid a year early
    let plan = compute_default(&inputs);
    let median = 2_045_000;
    for m in plan.months.iter().filter(|m| m.month > month("2026-06")) {
        let point = m.forecast.expect("forecast").point_minor;
        assert!((median / 3..=median * 3).contains(&point), "{}: {point}", m.month);
    }
    assert_eq!(plan.forecasts.set_aside.len(), 1);
    let aside = &plan.forecasts.set_aside[0];
    assert_eq!(
        (aside.month, aside.reason, aside.amount_minor),
        (month("2026-04"), SetAsideReason::Detected, 75_000_000)
    );
}

#[test]
fn a_month_marked_one_off_is_counted_as_spend_and_left_out_of_the_forecast() {
    let mut inputs = empty("2026-06", "2026-07-15");
    let a = initiative(&mut inputs, 1, "Labelling", InitiativeStatus::Active);
    inputs.actuals = monthly("2025-01", "2026-06", a, 1_000_000);
    inputs.actuals.push(MoneyFact { one_off: true, minor: 5_000_000, ..fact(a, "2026-05", 0) });
    let plan = compute_default(&inputs);
    assert_eq!(plan.portfolio.actual_to_date_minor, 6 * 1_000_000 + 5_000_000);
    assert_eq!(plan.months[6].forecast.map(|b| b.point_minor), Some(1_000_000), "July as before the invoice");
    assert_eq!(plan.forecasts.set_aside[0].reason, SetAsideReason::Marked);
    assert_eq!(plan.forecasts.set_aside.len(), 1, "a marked month is not judged again by the detector");
}

#[test]
fn a_month_marked_whole_is_named_once_and_its_neighbours_stand_in() {
    let mut inputs = empty("2026-06", "2026-07-15");
    let a = initiative(&mut inputs, 1, "Labelling", InitiativeStatus::Active);
    inputs.actuals = monthly("2025-01", "2026-06", a, 1_000_000);
    // May's only actual is marked: without it the month would read as zero spend.
    inputs.actuals.iter_mut().filter(|f| f.month == month("2026-05")).for_each(|f| f.one_off = true);
    let plan = compute_default(&inputs);
    assert_eq!(plan.forecasts.set_aside.len(), 1, "{:?}", plan.forecasts.set_aside);
    assert_eq!(plan.months[6].forecast.map(|b| b.point_minor), Some(1_000_000), "July as every other month");
}

#[test]
fn a_finished_initiative_is_never_forecast_to_run_out_or_flagged() {
    let mut inputs = empty("2026-11", "2026-12-03");
    let a = initiative(&mut inputs, 1, "Old pilot", InitiativeStatus::Done);
    inputs.initiatives[0].end = Some(month("2026-01"));
    inputs.budgets = monthly("2026-01", "2026-01", a, 100_000);
    inputs.actuals = monthly("2025-01", "2026-01", a, 900_000);
    let plan = compute_default(&inputs);
    let f = &plan.initiatives[0].figures;
    assert!(f.is_over(), "it did overspend");
    assert_eq!(f.run_out, None);
    assert!(plan.attention.is_empty(), "nothing about a done initiative that no longer spends: {:?}", plan.attention);
}

#[test]
fn the_attention_list_puts_the_most_money_at_stake_first_with_one_item_per_initiative() {
    let mut inputs = empty("2026-06", "2026-07-10");
    let small = initiative(&mut inputs, 1, "Small", InitiativeStatus::Active);
    let large = initiative(&mut inputs, 2, "Large", InitiativeStatus::Active);
    let fine = initiative(&mut inputs, 3, "Fine", InitiativeStatus::Active);
    inputs.budgets =
        [monthly("2026-01", "2026-12", small, 1_000_000), monthly("2026-01", "2026-12", large, 5_000_000)].concat();
    inputs.budgets.extend(monthly("2026-01", "2026-12", fine, 1_000_000));
    inputs.actuals = [
        monthly("2025-01", "2026-06", small, 1_300_000),
        monthly("2025-01", "2026-06", large, 7_000_000),
        monthly("2025-01", "2026-06", fine, 1_000_500),
    ]
    .concat();
    let plan = compute_default(&inputs);
    let kinds: Vec<_> = plan.attention.iter().map(|i| (i.kind, i.id)).collect();
    assert_eq!(kinds, [(AttentionKind::OverBudget, 2), (AttentionKind::OverBudget, 1)], "{:#?}", plan.attention);
    assert!(plan.attention[0].headline.starts_with("Large is $120K over budget"), "{}", plan.attention[0].headline);
    assert!(plan.attention[0].detail.contains("run out of its 2026 budget in"), "{}", plan.attention[0].detail);
}

#[test]
fn the_portfolio_is_the_sum_of_its_initiatives_and_unallocated() {
    let mut inputs = empty("2026-09", "2026-10-01");
    let a = initiative(&mut inputs, 1, "A", InitiativeStatus::Active);
    let b = initiative(&mut inputs, 2, "B", InitiativeStatus::Active);
    inputs.budgets = [monthly("2026-01", "2026-12", a, 500_000), monthly("2026-01", "2026-12", b, 700_000)].concat();
    inputs.actuals = [monthly("2025-01", "2026-09", a, 450_000), monthly("2025-06", "2026-09", b, 800_000)].concat();
    inputs
        .actuals
        .extend(monthly("2026-01", "2026-09", a, 10_000).into_iter().map(|f| MoneyFact { initiative: None, ..f }));
    let plan = compute_default(&inputs);
    let sum = |pick: fn(&Figures) -> i64| {
        plan.initiatives.iter().map(|i| pick(&i.figures)).sum::<i64>() + pick(&plan.unallocated)
    };
    assert_eq!(plan.portfolio.actual_to_date_minor, sum(|f| f.actual_to_date_minor));
    assert_eq!(plan.portfolio.budget_to_date_minor, sum(|f| f.budget_to_date_minor));
    let landing = |f: &Figures| f.landing.map_or(0, |l| l.point_minor);
    assert_eq!(landing(&plan.portfolio), sum(landing));
    assert_eq!(plan.unallocated.actual_to_date_minor, 9 * 10_000);
}

#[test]
fn the_budget_grid_totals_are_the_cores_in_the_base_currency() {
    // Budget lines and actuals arrive already converted (EUR at 2 USD here): the grid adds the
    // converted amounts, so its totals are the initiative's figures exactly.
    let mut inputs = empty("2026-12", "2026-12-03");
    let a = initiative(&mut inputs, 1, "Search", InitiativeStatus::Active);
    inputs.budgets = monthly("2026-01", "2026-12", a, 100_000);
    inputs.budgets.push(MoneyFact { category: Category::Vendor, ..fact(a, "2026-03", 2 * 50_000) });
    inputs.actuals = monthly("2026-01", "2026-11", a, 90_000);
    inputs.actuals.push(MoneyFact { category: Category::Vendor, ..fact(a, "2026-03", 2 * 30_000) });
    let plan = compute_default(&inputs);
    let grid = grid::budget_grid(&plan, &inputs, a).expect("a grid");
    let figures = &plan.initiatives[0].figures;
    assert_eq!(grid.categories.iter().map(|c| c.total_minor).sum::<i64>(), 12 * 100_000 + 100_000);
    assert_eq!(grid.budget_period_minor, figures.budget_period_minor);
    let variance: i64 = grid.months.iter().filter_map(|m| m.variance_minor).sum();
    assert_eq!(variance, figures.variance_to_date_minor, "the months add up to the core's variance");
    let actual: i64 = grid.months.iter().filter_map(|m| m.actual_minor).sum();
    assert_eq!(actual, figures.actual_to_date_minor);
    let december = grid.months.last().expect("December");
    assert_eq!(december.budget_to_date_minor, Some(9_677), "3 of 31 days of 1,000.00, to the cent");
    // Each row's forecast is the category's share of the landing: they add up to it.
    let landing = figures.landing.expect("a forecast").point_minor;
    assert_eq!(grid.landing_minor, Some(landing));
    assert_eq!(grid.categories.iter().filter_map(|c| c.forecast_minor).sum::<i64>(), landing);
    let vendor = grid.categories.iter().find(|c| c.category == Category::Vendor).expect("vendor row");
    assert_eq!(vendor.forecast_minor, Some(2 * 30_000), "one recorded month and no series fitted on it");
    let people = grid.categories.iter().find(|c| c.category == Category::People).expect("people row");
    assert_eq!(people.forecast_minor, None, "nothing recorded, nothing forecast");
}
