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
        providers: Vec::new(),
        clusters: Default::default(),
        signals: Vec::new(),
    }
}

fn initiative(inputs: &mut PlanInputs, id: i64, name: &str, status: InitiativeStatus) -> InitiativeId {
    let id = InitiativeId(id);
    inputs.initiatives.push(InitiativeFacts {
        id,
        name: name.into(),
        status,
        start: month("2024-01"),
        end: None,
        annual_benefit_minor: None,
    });
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
        provider: None,
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

mod model_cost {
    //! Each rule of the fully loaded cost per model on a small portfolio computed by hand.

    use super::*;
    use crate::domain::{ModelId, ModelStage, PersonId, RiskTier, RoleId, VendorId};
    use crate::plan::inputs::{AllocationFacts, ContractFacts, ModelFacts, PersonFacts};
    use crate::plan::model_cost::{UnattributedReason, apportion, model_costs};

    fn model(inputs: &mut PlanInputs, id: i64, name: &str, initiative: InitiativeId) -> ModelId {
        inputs.models.push(ModelFacts {
            id: ModelId(id),
            name: name.into(),
            initiative: Some(initiative),
            stage: ModelStage::Production,
            risk_tier: RiskTier::Medium,
        });
        ModelId(id)
    }

    fn person(inputs: &mut PlanInputs, id: i64, initiative: InitiativeId, percent: u32, model: Option<ModelId>) {
        inputs.people.push(PersonFacts {
            id: PersonId(id),
            name: format!("P{id}"),
            role: RoleId(1),
            start: month("2025-01"),
            end: None,
        });
        inputs.allocations.push(AllocationFacts {
            person: PersonId(id),
            initiative,
            percent,
            start: month("2025-01"),
            end: None,
            model,
        });
    }

    #[test]
    fn every_rule_places_spend_as_computed_by_hand_and_nothing_is_lost() {
        let mut inputs = empty("2026-03", "2026-04-10");
        let i = initiative(&mut inputs, 1, "Search", InitiativeStatus::Active);
        let j = initiative(&mut inputs, 2, "Fraud", InitiativeStatus::Active);
        let k = initiative(&mut inputs, 3, "Research", InitiativeStatus::Active);
        let l = initiative(&mut inputs, 4, "Support", InitiativeStatus::Active);
        let a = model(&mut inputs, 1, "ranker", i);
        let b = model(&mut inputs, 2, "embedder", i);
        let c = model(&mut inputs, 3, "scorer", j);
        let d = model(&mut inputs, 4, "router", l);
        let e = model(&mut inputs, 5, "answerer", l);
        inputs.providers = vec!["gpu-cluster".into(), "AWS".into()];
        inputs.clusters.insert(0);
        inputs.role_cost_minor.insert(RoleId(1), 120_000);
        person(&mut inputs, 1, i, 50, Some(a));
        person(&mut inputs, 2, i, 50, None);
        inputs.vendors.push(crate::plan::inputs::VendorFacts { id: VendorId(9), name: "Labels Inc".into() });
        inputs.contracts.push(ContractFacts {
            id: 1,
            title: "Labelling".into(),
            vendor_id: VendorId(9),
            vendor: "Labels Inc".into(),
            initiative: None,
            value_minor: 12_000,
            start: day("2026-01-01"),
            end: day("2026-12-31"),
            notice_deadline: day("2026-10-01"),
            auto_renew: false,
            models: vec![(a, 60)],
        });
        let named = |initiative, model, minor, provider| MoneyFact {
            model: Some(model),
            provider,
            ..fact(initiative, "2026-02", minor)
        };
        inputs.actuals = vec![
            // 1. Named infrastructure: A 300 on the cluster, B 100, C 100 on the cluster.
            named(i, a, 300, Some(0)),
            named(i, b, 100, None),
            named(j, c, 100, Some(0)),
            // 2. People 1,000: half by the allocation naming A (500), half split 3:1 (375, 125).
            MoneyFact { category: Category::People, ..fact(i, "2026-02", 1_000) },
            // 3. Vendor 1,000 under the contract: 60% to A (600), the rest 3:1 (300, 100).
            MoneyFact { category: Category::Vendor, vendor: Some(VendorId(9)), ..fact(i, "2026-02", 1_000) },
            // 4. Cluster idle 400 (no initiative): by the cluster's named cost, A 300 and C 100.
            MoneyFact { provider: Some(0), initiative: None, ..fact(i, "2026-03", 400) },
            // Untagged cloud spend is no cluster's: unattributed (33), even with a provider.
            MoneyFact { provider: Some(1), initiative: None, ..fact(i, "2026-03", 33) },
            // 5. Search infrastructure naming no model, 200: 3:1 (150, 50).
            fact(i, "2026-03", 200),
            // 6. Unattributed: no initiative (77); an initiative without models (50).
            MoneyFact { initiative: None, ..fact(i, "2026-03", 77) },
            fact(k, "2026-03", 50),
            // Equal split where no model has infrastructure: 101 → 51 and 50.
            MoneyFact { category: Category::People, ..fact(l, "2026-03", 101) },
            // Outside the period (2025) and after the as-of month: not counted.
            fact(i, "2025-12", 9_999),
        ];
        inputs.actuals.push(MoneyFact { model: Some(a), ..fact(i, "2026-01", 0) });

        let costs = model_costs(&inputs, PeriodChoice::FiscalYear(2026));
        let parts = |id: ModelId| {
            let m = costs.model(id).expect("the model is listed");
            (m.infra_minor, m.people_minor, m.vendor_minor, m.shared_minor, m.total_minor)
        };
        assert_eq!(parts(a), (300, 875, 900, 450, 2_525));
        assert_eq!(parts(b), (100, 125, 100, 50, 375));
        assert_eq!(parts(c), (100, 0, 0, 100, 200));
        assert_eq!(parts(d), (0, 51, 0, 0, 51));
        assert_eq!(parts(e), (0, 50, 0, 0, 50));
        assert_eq!(costs.unattributed_minor, 160);
        let reasons: Vec<(UnattributedReason, i64)> = costs.unattributed.iter().map(|u| (u.reason, u.minor)).collect();
        assert_eq!(
            reasons,
            [(UnattributedReason::NoInitiative, 110), (UnattributedReason::InitiativeWithoutModels, 50)]
        );
        assert_eq!(costs.total_minor, 3_361);
        let placed: i64 = costs.models.iter().map(|m| m.total_minor).sum();
        assert_eq!(placed + costs.unattributed_minor, costs.total_minor);
        assert_eq!(costs.months.len(), 3, "January to the as-of month");
        assert_eq!(costs.month_minor(a, month("2026-02")), Some(300 + 875 + 900));
        assert_eq!(costs.models[0].model_id, a, "most expensive first");
    }

    #[test]
    fn apportioning_is_exact_for_any_sign_and_gives_ties_to_the_first() {
        assert_eq!(apportion(101, &[1, 1]), [51, 50]);
        assert_eq!(apportion(-101, &[1, 1]), [-51, -50]);
        assert_eq!(apportion(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(apportion(7, &[0, 5]), [0, 7]);
        assert_eq!(apportion(i64::MAX, &[1, 2]).iter().map(|v| i128::from(*v)).sum::<i128>(), i128::from(i64::MAX));
    }
}
