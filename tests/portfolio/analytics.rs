//! Forecasts on portfolios built through the store: year-end landing, budget run-out and the
//! team's cost on hand-built numbers, and the headcount projection against the demo's budgets.

use mlops_portfolio::analytics::forecast::{ForecastOptions, ForecastReport, Outlook, SeriesForecast, forecast};
use mlops_portfolio::demo::{self, DemoScale};
use mlops_portfolio::domain::*;
use mlops_portfolio::store::{Store, records, settings};
use mlops_portfolio::{Error, ErrorCode};

use crate::temp_db;

pub(crate) fn month(text: &str) -> Month {
    text.parse().expect("a month")
}

pub(crate) fn usd(dollars: i64) -> Money {
    Money::new(dollars * 100, Currency::USD)
}

pub(crate) fn insert<E: Entity>(store: &Store, record: E) -> E::Id {
    records::insert(store.conn(), "tester", &record).expect("the record is stored").id
}

pub(crate) fn initiative(store: &Store, name: &str, status: InitiativeStatus, end: Option<&str>) -> InitiativeId {
    insert(
        store,
        Initiative {
            name: name.to_owned(),
            objective: String::new(),
            owner: String::new(),
            status,
            priority: 2,
            start: month("2024-01"),
            end: end.map(month),
            annual_benefit: None,
        },
    )
}

/// The same amount every month from `first` through `last`.
pub(crate) fn actuals(store: &Store, initiative: InitiativeId, first: &str, last: &str, amount: Money) {
    let (first, last) = (month(first), month(last));
    for k in 0..=first.months_until(last) {
        insert(
            store,
            Actual {
                initiative_id: Some(initiative),
                month: first.plus(k),
                category: Category::Compute,
                amount,
                source: ActualSource::Manual,
                vendor_id: None,
                model_id: None,
                note: None,
                provider: None,
                service: None,
                resource: None,
                tag: None,
                one_off: false,
            },
        );
    }
}

/// The same budget every month of `year`.
pub(crate) fn budget(store: &Store, initiative: InitiativeId, year: i32, amount: Money) {
    for m in 1..=12 {
        insert(
            store,
            BudgetLine {
                initiative_id: initiative,
                month: Month::new(year, m).expect("a month"),
                category: Category::Compute,
                amount,
                note: None,
            },
        );
    }
}

fn series<'a>(report: &'a ForecastReport, name: &str) -> &'a SeriesForecast {
    &report.initiatives.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("{name} is in the report")).forecast
}

/// A forecast as of the end of `as_of`, on the first day of the month after it (every month
/// through `as_of` has closed).
fn options(as_of: &str, horizon: u32) -> ForecastOptions {
    let as_of = month(as_of);
    ForecastOptions { as_of, today: as_of.plus(1).first_day(), horizon, initiative: None }
}

/// Known numbers: a steady 1,100 a month against a budget of 1,000 a month lands at 13,200 for
/// the year and runs out in November (11 × 1,100 = 12,100 > 12,000).
#[test]
fn year_end_landing_and_run_out_month_follow_from_known_numbers() {
    let db = temp_db();
    let store = db.open();
    settings::set_rate(store.conn(), "tester", &FxRate { currency: Currency::EUR, rate: "2".parse().unwrap() })
        .unwrap();

    let steady = initiative(&store, "Steady", InitiativeStatus::Active, None);
    actuals(&store, steady, "2025-01", "2026-06", usd(1_100));
    budget(&store, steady, 2026, usd(1_000));

    // Eight months of history (a run rate, not a model), and its small budget spent by February.
    let young = initiative(&store, "Young", InitiativeStatus::Active, None);
    actuals(&store, young, "2025-11", "2026-06", usd(300));
    budget(&store, young, 2026, Money::new(4_167, Currency::USD));

    let done = initiative(&store, "Done", InitiativeStatus::Done, None);
    actuals(&store, done, "2025-01", "2026-03", usd(700));
    budget(&store, done, 2026, usd(1_000));

    // Paid in EUR (1,000 EUR = 2,000 USD), ending in September.
    let ending = initiative(&store, "Ending", InitiativeStatus::Active, Some("2026-09"));
    actuals(&store, ending, "2025-01", "2026-06", Money::new(100_000, Currency::EUR));
    budget(&store, ending, 2026, usd(3_000));

    let report = forecast(store.conn(), &options("2026-06", 9)).unwrap();
    assert_eq!(report.actuals_through, Some(month("2026-06")));
    assert_eq!(report.first_month, month("2026-07"));

    let steady = series(&report, "Steady");
    let Outlook::Forecast { model, months, .. } = &steady.outlook else { panic!("{:?}", steady.outlook) };
    assert_eq!(model, "constant", "a steady history is forecast flat");
    assert_eq!(months.len(), 9, "the horizon asked for, though the landing needs only six months");
    assert!(months.iter().all(|m| (m.point_minor, m.lower_minor, m.upper_minor) == (110_000, 110_000, 110_000)));
    let y = &steady.year_end;
    assert_eq!((y.year, y.budget_minor, y.actual_to_date_minor), (2026, Some(1_200_000), 660_000));
    assert_eq!(y.remaining.map(|r| r.point_minor), Some(660_000));
    assert_eq!(
        y.landing.map(|l| (l.point_minor, l.lower_minor, l.upper_minor)),
        Some((1_320_000, 1_320_000, 1_320_000))
    );
    assert_eq!(y.over_budget_minor, Some(120_000), "over budget by 1,200");
    assert_eq!((y.run_out, y.run_out_earliest), (Some(month("2026-11")), Some(month("2026-11"))));

    let young = series(&report, "Young");
    let Outlook::Forecast { model, months, .. } = &young.outlook else { panic!("{:?}", young.outlook) };
    assert_eq!(model, "run rate of 8 months", "too short for a model: said as a run rate");
    assert!(months.iter().all(|m| (m.point_minor, m.lower_minor, m.upper_minor) == (30_000, 30_000, 30_000)));
    assert_eq!(young.actuals.len(), 8, "the history it has is still shown");
    let y = &young.year_end;
    assert_eq!((y.actual_to_date_minor, y.landing.map(|l| l.point_minor)), (180_000, Some(360_000)));
    assert_eq!(y.run_out, Some(month("2026-02")), "600 spent by February against 500.04 for the year");

    let done = series(&report, "Done");
    assert_eq!(done.outlook, Outlook::Ended);
    assert_eq!(done.year_end.landing.map(|l| l.point_minor), Some(210_000), "three months of 700 and nothing more");
    assert_eq!(done.year_end.run_out, None);

    let ending = series(&report, "Ending");
    let Outlook::Forecast { months, .. } = &ending.outlook else { panic!("{:?}", ending.outlook) };
    let points: Vec<i64> = months.iter().map(|m| m.point_minor).collect();
    assert_eq!(points, [200_000, 200_000, 200_000, 0, 0, 0, 0, 0, 0], "EUR converted; nothing after its end");
    assert_eq!(ending.year_end.landing.map(|l| l.point_minor), Some(1_800_000), "9 months of 2,000");
    assert_eq!(ending.year_end.run_out, None, "18,000 stays within 36,000");

    // The portfolio is the sum of its series.
    let portfolio = &report.portfolio;
    let Outlook::Forecast { months, .. } = &portfolio.outlook else { panic!("{:?}", portfolio.outlook) };
    assert!(months.iter().all(|m| m.lower_minor <= m.point_minor && m.point_minor <= m.upper_minor));
    let y = &portfolio.year_end;
    let spent_2026 = 660_000 + 180_000 + 210_000 + 1_200_000;
    assert_eq!(y.actual_to_date_minor, spent_2026);
    assert_eq!(y.budget_minor, Some(1_200_000 + 4_167 * 12 + 1_200_000 + 3_600_000));
    let remaining: i64 = months.iter().filter(|m| m.month.year() == 2026).map(|m| m.point_minor).sum();
    assert_eq!(y.remaining.map(|r| r.point_minor), Some(remaining), "the landing adds the months shown");
    assert_eq!(y.landing.map(|l| l.point_minor), Some(spent_2026 + remaining));
}

#[test]
fn the_headcount_projection_counts_people_allocations_and_open_requisitions() {
    let db = temp_db();
    let store = db.open();
    let a = initiative(&store, "A", InitiativeStatus::Active, None);
    let b = initiative(&store, "B", InitiativeStatus::Active, None);
    let role = insert(
        &store,
        Role { name: "ML engineer".into(), base_salary: usd(100_000), loaded_annual_cost: usd(120_000) },
    );
    let person = |name: &str, start: &str, end: Option<&str>| {
        insert(
            &store,
            Person {
                name: name.into(),
                email: None,
                role_id: role,
                location: None,
                start: month(start),
                end: end.map(month),
            },
        )
    };
    let stays = person("Stays", "2026-01", None);
    let leaves = person("Leaves", "2025-01", Some("2026-08"));
    person("Unallocated", "2026-01", Some("2026-07"));
    let allocate = |person_id, initiative_id, percent, end: Option<&str>| {
        insert(
            &store,
            Allocation {
                person_id,
                initiative_id,
                percent,
                start: month("2026-01"),
                end: end.map(month),
                model_id: None,
            },
        )
    };
    allocate(stays, a, 50, None);
    allocate(stays, b, 30, None);
    // Allocated through December, but off the team after August: costs nothing from September.
    allocate(leaves, a, 100, Some("2026-12"));
    let requisition = |title: &str, initiative_id, start: &str, status| {
        insert(&store, Requisition { title: title.into(), role_id: role, initiative_id, start: month(start), status })
    };
    requisition("For A", Some(a), "2026-09", RequisitionStatus::Interviewing);
    requisition("Unassigned", None, "2026-10", RequisitionStatus::Open);
    requisition("Already hired", Some(b), "2026-07", RequisitionStatus::Filled);

    let report = forecast(store.conn(), &options("2026-06", 4)).unwrap();
    let months = &report.headcount.months;
    let listed: Vec<String> = months.iter().map(|m| m.month.to_string()).collect();
    assert_eq!(listed, ["2026-07", "2026-08", "2026-09", "2026-10"], "the forecast months (no actuals: after as-of)");
    let totals: Vec<(u32, u32, i64, i64, i64)> = months
        .iter()
        .map(|m| {
            (
                m.people,
                m.open_requisitions,
                m.people_cost_minor,
                m.requisition_cost_minor,
                m.unallocated_people_cost_minor,
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            (3, 0, 3_000_000, 0, 1_200_000),       // 20% of Stays + all of Unallocated
            (2, 0, 2_000_000, 0, 200_000),         // Unallocated has left
            (1, 1, 1_000_000, 1_000_000, 200_000), // Leaves has left; A's hire starts
            (1, 2, 1_000_000, 2_000_000, 200_000), // the unassigned hire starts
        ]
    );
    let of = |k: usize, id: InitiativeId| {
        let c = months[k].by_initiative.iter().find(|c| c.initiative_id == id).expect("the initiative has cost");
        (c.allocated_percent, c.open_requisitions, c.people_cost_minor, c.requisition_cost_minor, c.total_cost_minor)
    };
    assert_eq!(of(0, a), (150, 0, 1_500_000, 0, 1_500_000));
    assert_eq!(of(0, b), (30, 0, 300_000, 0, 300_000), "the filled requisition costs nothing more");
    assert_eq!(of(2, a), (50, 1, 500_000, 1_000_000, 1_500_000));
    assert!(months.iter().all(|m| m.total_cost_minor == m.people_cost_minor + m.requisition_cost_minor));

    let only_b = forecast(store.conn(), &ForecastOptions { initiative: Some(b), ..options("2026-06", 4) }).unwrap();
    assert_eq!(only_b.initiatives.len(), 1);
    assert!(
        only_b.headcount.months.iter().all(|m| m.by_initiative.len() == 1 && m.by_initiative[0].initiative_id == b)
    );
    assert_eq!(only_b.headcount.months[0].people_cost_minor, 3_000_000, "totals stay the portfolio's");
}

/// The demo budgets each initiative's people from the same people, allocations and open
/// requisitions (rounded to whole dollars), so the projection must agree within a dollar.
#[test]
fn the_headcount_projection_agrees_with_the_demo_people_budgets() {
    let db = crate::temp_file();
    let mut store = db.open();
    let current = month("2026-11");
    demo::build(&mut store, DemoScale::Small, current).unwrap();
    let report = forecast(store.conn(), &options("2026-10", 2)).unwrap();
    let mut compared = 0;
    for m in &report.headcount.months {
        let mut stmt = store
            .conn()
            .prepare("SELECT initiative_id, amount_minor FROM budget_lines WHERE category = 'people' AND month = ?1")
            .unwrap();
        let budgets: Vec<(i64, i64)> = stmt
            .query_map([m.month.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(!budgets.is_empty(), "the demo budgets people in {}", m.month);
        for (initiative_id, budget_minor) in budgets {
            let projected =
                m.by_initiative.iter().find(|c| c.initiative_id.0 == initiative_id).map_or(0, |c| c.total_cost_minor);
            assert!(
                (projected - budget_minor).abs() <= 100,
                "initiative {initiative_id} in {}: projected {projected}, budgeted {budget_minor}",
                m.month
            );
            compared += 1;
        }
    }
    assert!(compared >= 10, "compared {compared} initiative-months");
}

#[test]
fn bad_requests_name_what_to_fix() {
    let db = temp_db();
    let store = db.open();
    for horizon in [0, 61] {
        let err = forecast(store.conn(), &options("2026-07", horizon)).unwrap_err();
        assert!(matches!(err, Error::Validation(_)) && err.to_string().contains("horizon"), "{err}");
    }
    let err = forecast(store.conn(), &ForecastOptions { initiative: Some(InitiativeId(42)), ..options("2026-07", 3) })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound, "{err}");
    // An empty portfolio is not an error: it says there is nothing to go on.
    let report = forecast(store.conn(), &options("2026-07", 3)).unwrap();
    assert_eq!(report.portfolio.outlook, Outlook::InsufficientHistory { months_available: 0, months_needed: 3 });
    assert_eq!(report.actuals_through, None);
}
