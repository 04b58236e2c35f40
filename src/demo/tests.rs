//! What the demo promises the people and views that use it.

use std::collections::BTreeMap;

use chrono::Days;

use super::*;
use crate::domain::{
    Allocation, Category, Contract, Entity, Initiative, InitiativeStatus, Kpi, KpiDirection, Model, ModelStage,
    ModelVersion, Person, Stored,
};
use crate::error::ErrorCode;
use crate::store::records::{self, Filter};

struct TempStore {
    _dir: tempfile::TempDir,
    store: Store,
}

fn temp_store() -> TempStore {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = Store::open_as(&dir.path().join("portfolio.sqlite"), "demo-test").expect("a new portfolio opens");
    TempStore { _dir: dir, store }
}

fn month(text: &str) -> Month {
    text.parse().expect("a test month")
}

fn built(scale: DemoScale, current: &str) -> (TempStore, DemoReport) {
    let mut db = temp_store();
    let report = build(&mut db.store, scale, month(current)).expect("the demo builds into an empty portfolio");
    (db, report)
}

fn all<E: Entity>(store: &Store) -> Vec<Stored<E>> {
    records::list::<E>(store.conn(), &Filter::new()).expect("records can be listed")
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).expect("the count query runs")
}

/// Every actual and budget line as plain values, in id order.
fn money_rows(store: &Store) -> Vec<(String, Option<i64>, String, String, i64)> {
    let sql = "SELECT 'actual', initiative_id, month, category, amount_minor FROM actuals
               UNION ALL SELECT 'budget', initiative_id, month, category, amount_minor FROM budget_lines
               ORDER BY 1, 2, 3, 4";
    let mut stmt = store.conn().prepare(sql).expect("the query prepares");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .expect("the query runs")
        .collect::<Result<_, _>>()
        .expect("the rows read")
}

/// Percent booked per person in `month`.
fn booked(allocations: &[Stored<Allocation>], month: Month) -> BTreeMap<PersonId, u32> {
    let mut out = BTreeMap::new();
    for a in allocations.iter().filter(|a| a.record.covers(month)) {
        *out.entry(a.record.person_id).or_insert(0) += u32::from(a.record.percent);
    }
    out
}

#[test]
fn the_same_scale_and_month_build_the_same_portfolio() {
    let (first, first_report) = built(DemoScale::Small, "2026-03");
    let (second, second_report) = built(DemoScale::Small, "2026-03");
    assert_eq!(first_report, second_report, "two builds for the same month report the same counts and totals");
    let sum = "SELECT sum(amount_minor) FROM actuals";
    assert_eq!(count(&first.store, sum), count(&second.store, sum));
    assert_eq!(money_rows(&first.store), money_rows(&second.store), "every budget line and actual is the same");
    let allocations = |s: &Store| all::<Allocation>(s).into_iter().map(|a| a.record).collect::<Vec<_>>();
    assert_eq!(allocations(&first.store), allocations(&second.store));

    let (_, other_month) = built(DemoScale::Small, "2026-04");
    assert_ne!(other_month.actual_total, first_report.actual_total, "another month gives other numbers");
}

#[test]
fn the_report_counts_what_is_in_the_file() {
    let (db, report) = built(DemoScale::Small, "2026-03");
    let s = &db.store;
    let pairs = [
        ("initiatives", report.initiatives),
        ("roles", report.roles),
        ("people", report.people),
        ("allocations", report.allocations),
        ("requisitions", report.requisitions),
        ("models", report.models),
        ("model_versions", report.model_versions),
        ("vendors", report.vendors),
        ("contracts", report.contracts),
        ("vendor_reviews", report.vendor_reviews),
        ("kpis", report.kpis),
        ("scenarios", report.scenarios),
        ("budget_lines", report.budget_lines),
        ("actuals", report.actuals),
        ("fx_rates", report.fx_rates),
    ];
    for (table, reported) in pairs {
        assert_eq!(count(s, &format!("SELECT count(*) FROM {table}")), reported as i64, "{table}");
    }
    assert_eq!(count(s, "SELECT count(*) FROM actuals WHERE initiative_id IS NULL"), report.unallocated_actuals as i64);
    assert_eq!(count(s, "SELECT sum(amount_minor) FROM actuals"), report.actual_total.minor);
    assert_eq!(count(s, "SELECT sum(amount_minor) FROM budget_lines"), report.budget_total.minor);
    assert_eq!((report.initiatives, report.people, report.roles, report.models), (10, 26, 10, 31));
    assert!(report.to_string().contains("Marcus Chen at 140%"), "{report}");
}

#[test]
fn small_budgets_cover_two_years_and_actuals_stop_before_the_current_month() {
    let (db, report) = built(DemoScale::Small, "2026-03");
    let s = &db.store;
    assert_eq!((report.first_budget_month, report.last_budget_month), (month("2025-01"), month("2026-12")));
    let initiatives = all::<Initiative>(s);
    for i in initiatives.iter().filter(|i| i.record.status == InitiativeStatus::Active) {
        let lines = count(s, &format!("SELECT count(*) FROM budget_lines WHERE initiative_id = {}", i.id));
        assert_eq!(lines, 24 * 5, "{} has a budget for every month and category", i.record.name);
        let actual_months =
            count(s, &format!("SELECT count(DISTINCT month) FROM actuals WHERE initiative_id = {}", i.id));
        assert_eq!(actual_months, 14, "{} has actuals from 2025-01 to 2026-02", i.record.name);
    }
    let proposed = initiatives.iter().find(|i| i.record.status == InitiativeStatus::Proposed).expect("a proposed one");
    assert_eq!(count(s, &format!("SELECT count(*) FROM budget_lines WHERE initiative_id = {}", proposed.id)), 0);
    assert_eq!(count(s, "SELECT count(*) FROM budget_lines WHERE amount_minor % 100 <> 0 OR amount_minor <= 0"), 0);
    let last_actual: String =
        s.conn().query_row("SELECT max(month) FROM actuals", [], |r| r.get(0)).expect("there are actuals");
    assert_eq!(last_actual, "2026-02");
    let sources: Vec<String> = s
        .conn()
        .prepare("SELECT DISTINCT source FROM actuals ORDER BY source")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .expect("sources read");
    assert_eq!(sources, ["csv", "focus", "invoice", "manual", "opencost"]);
    assert!(count(s, "SELECT count(*) FROM actuals WHERE vendor_id IS NOT NULL") > 0);
}

#[test]
fn some_spend_is_unallocated_and_the_llm_assistant_runs_over_on_compute() {
    let (db, report) = built(DemoScale::Small, "2026-03");
    let s = &db.store;
    assert!(report.unallocated_actuals >= 3, "{report:?}");
    assert_eq!(count(s, "SELECT count(*) FROM actuals WHERE initiative_id IS NULL AND source <> 'focus'"), 0);
    assert!(count(s, "SELECT count(*) FROM actuals WHERE tag = 'team-sandbox' AND initiative_id IS NULL") > 0);

    let assistant = records::resolve(s.conn(), EntityKind::Initiative, "Support assistant (LLM)").expect("it exists");
    let over = |category: Category| -> f64 {
        let sum = |table: &str| {
            count(
                s,
                &format!(
                    "SELECT sum(amount_minor) FROM {table} WHERE initiative_id = {assistant} AND category = '{category}' \
                     AND month < '2026-03'"
                ),
            ) as f64
        };
        sum("actuals") / sum("budget_lines")
    };
    let compute = over(Category::Compute);
    assert!((1.15..=1.25).contains(&compute), "the assistant's compute runs 15-25% over budget, not {compute:.3}");
    assert!((0.97..=1.03).contains(&over(Category::People)), "people spend stays near plan");
}

#[test]
fn exactly_one_person_is_overbooked_in_the_current_month() {
    let (db, report) = built(DemoScale::Small, "2026-03");
    let allocations = all::<Allocation>(&db.store);
    let booked = booked(&allocations, month("2026-03"));
    let over: Vec<_> = booked.iter().filter(|&(_, &p)| p > 100).collect();
    assert_eq!(over.len(), 1, "one overbooked person, not {over:?}");
    assert_eq!(*over[0].0, report.overbooked.person_id);
    assert_eq!((report.overbooked.name.as_str(), report.overbooked.percent), ("Marcus Chen", 140));

    let people = all::<Person>(&db.store);
    for person in people.iter().filter(|p| p.record.end.is_none()) {
        let initiatives: std::collections::BTreeSet<_> = allocations
            .iter()
            .filter(|a| a.record.person_id == person.id && a.record.covers(month("2026-03")))
            .map(|a| a.record.initiative_id)
            .collect();
        assert!((1..=3).contains(&initiatives.len()), "{} works on 1-3 initiatives", person.record.name);
    }
    // Nobody else was ever overbooked either.
    for back in 0..24 {
        let m = month("2026-03").plus(-back);
        let over = booked_over(&allocations, m, report.overbooked.person_id);
        assert!(over.is_empty(), "in {m} {over:?} were overbooked");
    }
}

fn booked_over(allocations: &[Stored<Allocation>], month: Month, except: PersonId) -> Vec<PersonId> {
    booked(allocations, month).into_iter().filter(|&(id, p)| p > 100 && id != except).map(|(id, _)| id).collect()
}

#[test]
fn contracts_renew_soon_with_notice_deadlines_close_and_one_is_priced_in_euros() {
    let (db, report) = built(DemoScale::Small, "2026-03");
    let today = month("2026-03").first_day();
    let contracts = all::<Contract>(&db.store);
    let soon: Vec<&Contract> =
        contracts.iter().map(|c| &c.record).filter(|c| c.end > today && c.end <= today + Days::new(90)).collect();
    assert_eq!(soon.len(), report.contracts_renewing_within_90_days);
    let actionable =
        soon.iter().filter(|c| c.notice_deadline() >= today && c.notice_deadline() <= today + Days::new(30)).count();
    assert!(actionable >= 2, "at least two contracts have a notice deadline in the next 30 days: {soon:#?}");
    assert!(contracts.iter().any(|c| c.record.value.currency == Currency::EUR));
    let rates = settings::rates(db.store.conn()).expect("rates read");
    assert!(rates.contains_key(&Currency::EUR) && rates.contains_key(&Currency::GBP));
    assert_eq!(settings::base_currency(db.store.conn()).expect("a base currency"), Currency::USD);
}

#[test]
fn models_span_stages_and_risk_tiers_and_production_ones_have_a_champion() {
    let (db, _) = built(DemoScale::Small, "2026-03");
    let models = all::<Model>(&db.store);
    let versions = all::<ModelVersion>(&db.store);
    for stage in ModelStage::ALL {
        assert!(models.iter().any(|m| m.record.stage == *stage), "some model is in {stage}");
    }
    for model in &models {
        let mine: Vec<_> = versions.iter().filter(|v| v.record.model_id == model.id).collect();
        assert!((1..=3).contains(&mine.len()), "{} has 1-3 versions", model.record.name);
        if model.record.stage == ModelStage::Production {
            let champion = mine.iter().find(|v| v.record.aliases.iter().any(|a| a == "champion"));
            assert!(champion.is_some_and(|v| v.record.stage == ModelStage::Production), "{}", model.record.name);
            assert!(model.record.deployment.is_some());
        }
    }
    let kpis = all::<Kpi>(&db.store);
    let precision = kpis.iter().find(|k| k.record.name == "Fraud model precision").expect("the precision KPI");
    assert_eq!(precision.record.direction, KpiDirection::HigherIsBetter);
    assert_eq!(precision.record.target_low, Some(0.92));
    assert!(precision.record.model_id.is_some() && precision.record.initiative_id.is_some());
}

#[test]
fn builds_for_january_and_december() {
    let (db, report) = built(DemoScale::Small, "2027-01");
    assert_eq!((report.first_budget_month, report.last_budget_month), (month("2026-01"), month("2027-12")));
    let last: String =
        db.store.conn().query_row("SELECT max(month) FROM actuals", [], |r| r.get(0)).expect("there are actuals");
    assert_eq!(last, "2026-12");

    let (_, december) = built(DemoScale::Small, "2026-12");
    assert_eq!(december.first_budget_month, month("2025-01"));
    assert_eq!(december.overbooked.percent, 140);
    assert!(december.contracts_renewing_within_90_days >= 2);
}

#[test]
fn scenarios_are_named_for_the_quarter_they_start_in() {
    let (db, _) = built(DemoScale::Small, "2026-05");
    let scenario = records::resolve(db.store.conn(), EntityKind::Scenario, "Hire 3 MLEs in Q3 2026");
    assert!(scenario.is_ok(), "{scenario:?}");
}

#[test]
fn refuses_a_portfolio_that_already_has_records_and_changes_nothing() {
    let mut db = temp_store();
    let conn = db.store.conn();
    settings::init(conn, "someone", Currency::USD).expect("the currency is set");
    let existing = Initiative {
        name: "Real work".into(),
        objective: String::new(),
        owner: String::new(),
        status: InitiativeStatus::Active,
        priority: 1,
        start: month("2026-01"),
        end: None,
        annual_benefit: None,
    };
    records::insert(conn, "someone", &existing).expect("the initiative is written");
    let audit_rows = count(&db.store, "SELECT count(*) FROM audit_log");

    let err = build(&mut db.store, DemoScale::Small, month("2026-03")).expect_err("a non-empty portfolio is refused");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("1 initiatives") && err.to_string().contains("--db"), "{err}");
    assert_eq!(count(&db.store, "SELECT count(*) FROM initiatives"), 1);
    assert_eq!(count(&db.store, "SELECT count(*) FROM roles"), 0);
    assert_eq!(count(&db.store, "SELECT count(*) FROM fx_rates"), 0);
    assert_eq!(count(&db.store, "SELECT count(*) FROM audit_log"), audit_rows);
}

#[test]
fn refuses_a_portfolio_in_another_base_currency() {
    let mut db = temp_store();
    settings::init(db.store.conn(), "someone", Currency::EUR).expect("the currency is set");
    let err = build(&mut db.store, DemoScale::Small, month("2026-03")).expect_err("a EUR portfolio is refused");
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("EUR"), "{err}");
}

#[test]
fn a_failure_half_way_leaves_the_file_as_it_was() {
    let mut db = temp_store();
    // KPIs are written after almost everything else; make that fail.
    db.store
        .conn()
        .execute_batch("CREATE TRIGGER no_kpis BEFORE INSERT ON kpis BEGIN SELECT RAISE(ABORT, 'kpis refused'); END;")
        .expect("the trigger is created");
    let err = build(&mut db.store, DemoScale::Small, month("2026-03")).expect_err("the build fails at the KPIs");
    assert!(err.to_string().contains("kpis refused"), "{err}");
    for table in ["portfolio", "fx_rates", "roles", "initiatives", "people", "models", "audit_log"] {
        assert_eq!(count(&db.store, &format!("SELECT count(*) FROM {table}")), 0, "{table} is empty again");
    }
}

#[test]
fn scale_words_parse_and_print() {
    assert_eq!("Large".parse::<DemoScale>().expect("a scale"), DemoScale::Large);
    assert_eq!(" small ".parse::<DemoScale>().expect("a scale"), DemoScale::Small);
    let err = "huge".parse::<DemoScale>().expect_err("not a scale");
    assert!(err.to_string().contains("small or large"), "{err}");
    assert_eq!(DemoScale::Large.to_string(), "large");
    assert_eq!(serde_json::to_string(&DemoScale::Small).expect("serialises"), r#""small""#);
}

/// About 150,000 records: a few seconds in a debug build, under two in release. Run
/// `cargo test --release --lib demo::tests::large -- --nocapture` to see the time.
#[test]
fn large_demo_has_the_promised_counts() {
    let started = std::time::Instant::now();
    let (db, report) = built(DemoScale::Large, "2026-03");
    eprintln!("large demo built in {:.1?}:\n{report}", started.elapsed());
    assert_eq!(report.initiatives, LARGE_INITIATIVES);
    assert_eq!(report.people, LARGE_PEOPLE);
    assert_eq!(report.models, LARGE_MODELS);
    assert_eq!((report.first_budget_month, report.last_budget_month), (month("2022-01"), month("2026-12")));
    assert_eq!(report.budget_lines, LARGE_INITIATIVES * 60 * 5);
    let s = &db.store;
    // One charge per initiative, month and category, compute and storage split by model.
    let charges = "SELECT count(*) FROM (SELECT DISTINCT initiative_id, month, category FROM actuals
                   WHERE initiative_id IS NOT NULL)";
    assert_eq!(count(s, charges), (LARGE_INITIATIVES * (48 + 2) * 5) as i64);
    assert_eq!(count(s, "SELECT count(*) FROM budget_lines"), report.budget_lines as i64);
    assert_eq!(count(s, "SELECT count(*) FROM actuals"), report.actuals as i64);
    assert_eq!(count(s, "SELECT count(*) FROM people"), LARGE_PEOPLE as i64);
    assert_eq!(count(s, "SELECT count(DISTINCT name) FROM people"), LARGE_PEOPLE as i64, "names are unique");
    assert_eq!(count(s, "SELECT count(*) FROM models"), LARGE_MODELS as i64);
    let over: Vec<_> = booked(&all::<Allocation>(s), month("2026-03")).into_iter().filter(|&(_, p)| p > 100).collect();
    assert_eq!(over.len(), 1, "{over:?}");
    assert_eq!(over[0].0, report.overbooked.person_id);
    models_and_unattributed_add_up_to_the_spend_of_every_period(s, month("2026-03"), 2022);
}

#[test]
fn small_demo_model_costs_add_up_and_its_kpis_tell_every_status() {
    let (db, report) = built(DemoScale::Small, "2026-03");
    models_and_unattributed_add_up_to_the_spend_of_every_period(&db.store, month("2026-03"), 2025);
    assert!(report.kpi_values > 1_000, "two years of history: {report}");
    let inputs = crate::plan::PlanInputs::load(db.store.conn(), month("2026-03"), "2026-03-02".parse().unwrap())
        .expect("the inputs load");
    let costs = crate::plan::model_cost::model_costs(&inputs, crate::plan::PeriodChoice::All);
    let named = costs.models.iter().filter(|m| m.infra_minor > 0 && m.people_minor > 0 && m.vendor_minor > 0);
    assert!(named.count() >= 5, "models carry infrastructure, people and vendor cost of their own");
}

/// The models' costs plus the unattributed are the spend of each fiscal year, quarter and all
/// time, to the cent (and the spend the planning core reports as actual to date).
fn models_and_unattributed_add_up_to_the_spend_of_every_period(store: &crate::store::Store, as_of: Month, first: i32) {
    use crate::plan::{PeriodChoice, PlanInputs, PlanOptions, compute, model_cost::model_costs};
    let inputs = PlanInputs::load(store.conn(), as_of, as_of.first_day()).expect("the inputs load");
    let mut periods = vec![PeriodChoice::All];
    for year in first..=as_of.year() {
        periods.push(PeriodChoice::FiscalYear(year));
        periods.extend((1..=4).map(|q| PeriodChoice::Quarter(year, q)));
    }
    for period in periods {
        let costs = model_costs(&inputs, period);
        let placed: i64 = costs.models.iter().map(|m| m.total_minor).sum();
        assert_eq!(placed + costs.unattributed_minor, costs.total_minor, "{period:?}");
        for m in &costs.models {
            let parts = m.infra_minor + m.people_minor + m.vendor_minor + m.shared_minor;
            assert_eq!(parts, m.total_minor, "{} in {period:?}", m.name);
            assert_eq!(m.by_month_minor.iter().sum::<i64>(), m.total_minor, "{} in {period:?}", m.name);
        }
        let plan = compute(&inputs, &PlanOptions { period, horizon: 1 }).expect("a plan");
        assert_eq!(costs.total_minor, plan.portfolio.actual_to_date_minor, "{period:?}");
    }
}
