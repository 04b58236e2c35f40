//! What-if scenarios: a scenario with no changes is the baseline; each kind of change moves the
//! figures by exactly what it says; the differences of `--explain` add up; a scenario file carries
//! to another copy of the portfolio; bad changes and bad files are refused with the field at fault
//! and write nothing.

use std::collections::BTreeMap;

use mlops_portfolio::api::{Session, commands};
use mlops_portfolio::domain::*;
use mlops_portfolio::plan::scenario::figures::{self, ChangeDeltaLabel};
use mlops_portfolio::plan::scenario::{Catalog, ChangeKind, ChangeSpec, ScenarioFigures, ScenarioView};
use mlops_portfolio::plan::{PeriodChoice, PlanInputs, PlanOptions};
use mlops_portfolio::store::Store;
use serde_json::{Value, json};

use crate::analytics::{actuals, initiative, insert, month, usd};
use crate::{TempDb, temp_db};

/// Whole dollars in cents.
fn dollars(amount: i64) -> i64 {
    amount * 100
}

fn change(kind: ChangeKind, fields: &[(&str, &str)]) -> ChangeSpec {
    ChangeSpec {
        kind,
        fields: fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>(),
    }
}

/// A small portfolio at the end of 2026: Search spends 10,000.00 a month on compute (two flat
/// years, so its forecast is exactly that), Fraud records people spend (so the team plan carries
/// its people), a 144,000.00-a-year role, Ada on Fraud full time, and a labelling contract of
/// 120,000.00 from July 2026 to June 2027.
fn small_portfolio(db: &TempDb) {
    let store = db.open();
    let search = initiative(&store, "Search", InitiativeStatus::Active, None);
    let fraud = initiative(&store, "Fraud", InitiativeStatus::Active, None);
    actuals(&store, search, "2025-01", "2026-12", usd(10_000));
    for m in 1..=12 {
        for (initiative, category, amount) in [(search, Category::Compute, 12_000), (fraud, Category::People, 12_000)] {
            insert(
                &store,
                BudgetLine {
                    initiative_id: initiative,
                    month: Month::new(2027, m).unwrap(),
                    category,
                    amount: usd(amount),
                    note: None,
                },
            );
        }
    }
    let role = insert(
        &store,
        Role { name: "ML engineer".into(), base_salary: usd(110_000), loaded_annual_cost: usd(144_000) },
    );
    let ada = insert(
        &store,
        Person { name: "Ada".into(), email: None, role_id: role, location: None, start: month("2024-01"), end: None },
    );
    insert(
        &store,
        Allocation {
            person_id: ada,
            initiative_id: fraud,
            percent: 100,
            start: month("2024-01"),
            end: None,
            model_id: None,
        },
    );
    let vendor = insert(
        &store,
        Vendor { name: "Scale".into(), category: VendorCategory::Labeling, contact: None, website: None },
    );
    insert(
        &store,
        Contract {
            vendor_id: vendor,
            title: "Labelling".into(),
            initiative_id: Some(fraud),
            value: usd(120_000),
            start: "2026-07-01".parse().unwrap(),
            end: "2027-06-30".parse().unwrap(),
            notice_days: 30,
            auto_renew: false,
        },
    );
}

/// The scenario of `changes` for 2027 as of the end of 2026 (on 2 January 2027).
fn show(store: &Store, changes: &[ChangeSpec]) -> ScenarioView {
    let inputs = PlanInputs::load(store.conn(), month("2026-12"), "2027-01-02".parse().unwrap()).unwrap();
    let catalog = Catalog::load(store.conn()).unwrap();
    let resolved: Vec<_> = changes
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let label = ChangeDeltaLabel::of(k as u32 + 1, spec);
            (label, spec.resolve(&catalog).unwrap_or_else(|e| panic!("{spec}: {e}")))
        })
        .collect();
    let options = PlanOptions { period: PeriodChoice::FiscalYear(2027), ..PlanOptions::default() };
    figures::view("test", &inputs, &resolved, &options, true).unwrap()
}

fn initiative_delta<'a>(
    view: &'a ScenarioView,
    name: &str,
) -> &'a mlops_portfolio::plan::scenario::figures::InitiativeScenarioFigures {
    view.delta.by_initiative.iter().find(|i| i.name == name).unwrap()
}

#[test]
fn a_scenario_without_changes_is_the_baseline() {
    let db = temp_db();
    small_portfolio(&db);
    let view = show(&db.open(), &[]);
    assert_eq!(view.scenario, view.baseline);
    let zero = ScenarioFigures { run_out: view.scenario.run_out, ..view.delta.clone() };
    assert_eq!(view.delta, zero);
    assert_eq!((view.delta.landing_minor, view.delta.people_cost_minor, view.delta.headcount_end), (0, 0, 0));
    assert!(view.baseline.landing_minor > 0 && view.baseline.budget_minor == dollars(288_000), "{:?}", view.baseline);
}

#[test]
fn three_hires_from_march_add_exactly_ten_months_of_their_cost() {
    let db = temp_db();
    small_portfolio(&db);
    let store = db.open();
    for initiative in ["Search", "Fraud"] {
        // Search records no people spend (the hire's cost is added to it); Fraud does (the team
        // plan carries the hires). Either way: 3 × 144,000.00 / 12 × 10 months.
        let hire = change(
            ChangeKind::Hire,
            &[("role", "ML engineer"), ("count", "3"), ("start", "2027-03"), ("initiative", initiative)],
        );
        let view = show(&store, &[hire]);
        assert_eq!(view.delta.people_cost_minor, dollars(360_000), "{initiative}");
        assert_eq!(view.delta.landing_minor, dollars(360_000), "{initiative}");
        assert_eq!(view.delta.spend_minor, dollars(360_000), "{initiative}");
        assert_eq!(view.delta.headcount_end, 3, "{initiative}");
        assert_eq!(initiative_delta(&view, initiative).landing_minor, dollars(360_000), "{initiative}");
    }
    let half = change(ChangeKind::Hire, &[("role", "ML engineer"), ("start", "2027-07"), ("percent", "50%")]);
    assert_eq!(show(&store, &[half]).delta.people_cost_minor, 6 * dollars(6_000), "half of six months");
}

#[test]
fn each_kind_of_change_moves_the_figures_by_exactly_what_it_says() {
    let db = temp_db();
    small_portfolio(&db);
    let store = db.open();
    let cases: Vec<(ChangeSpec, &str, i64, i64)> = vec![
        // (change, initiative, its landing delta, its budget delta)
        (
            change(
                ChangeKind::Spend,
                &[
                    ("initiative", "Search"),
                    ("category", "compute"),
                    ("start", "2027-04"),
                    ("end", "2027-06"),
                    ("amount", "15,000.00"),
                ],
            ),
            "Search",
            dollars(45_000),
            0,
        ),
        (
            change(
                ChangeKind::Spend,
                &[("initiative", "Search"), ("category", "compute"), ("start", "2027-07"), ("change", "-35%")],
            ),
            "Search",
            -6 * dollars(3_500),
            0,
        ),
        (
            change(
                ChangeKind::Budget,
                &[
                    ("initiative", "Search"),
                    ("category", "compute"),
                    ("start", "2027-01"),
                    ("end", "2027-12"),
                    ("change", "+5%"),
                ],
            ),
            "Search",
            0,
            12 * dollars(600),
        ),
        (
            change(
                ChangeKind::Budget,
                &[
                    ("initiative", "Search"),
                    ("category", "storage"),
                    ("start", "2027-10"),
                    ("end", "2027-12"),
                    ("amount", "1,000.00"),
                ],
            ),
            "Search",
            0,
            3 * dollars(1_000),
        ),
        (
            change(
                ChangeKind::ContractAdd,
                &[
                    ("vendor", "Scale"),
                    ("title", "Extra labelling"),
                    ("value", "90,000.00"),
                    ("start", "2027-04"),
                    ("end", "2027-12"),
                    ("initiative", "Search"),
                ],
            ),
            "Search",
            dollars(90_000),
            0,
        ),
        (
            change(ChangeKind::ContractCancel, &[("contract", "Labelling"), ("from", "2027-03")]),
            "Fraud",
            -dollars(40_000),
            0,
        ),
        (change(ChangeKind::Leave, &[("person", "Ada"), ("end", "2027-06")]), "Fraud", -6 * dollars(12_000), 0),
        (
            change(
                ChangeKind::Allocate,
                &[
                    ("person", "Ada"),
                    ("initiative", "Fraud"),
                    ("percent", "25"),
                    ("start", "2027-05"),
                    ("end", "2027-08"),
                ],
            ),
            "Fraud",
            -4 * dollars(9_000),
            0,
        ),
        (
            change(ChangeKind::InitiativeStop, &[("initiative", "Search"), ("from", "2027-10")]),
            "Search",
            -3 * dollars(10_000),
            0,
        ),
    ];
    for (spec, name, landing, budget) in cases {
        let view = show(&store, std::slice::from_ref(&spec));
        let delta = initiative_delta(&view, name);
        assert_eq!((delta.landing_minor, delta.budget_minor), (landing, budget), "{spec}");
    }
    // Ada leaves Fraud's allocations when Fraud stops, but stays on the team (and in people cost).
    let stop = change(ChangeKind::InitiativeStop, &[("initiative", "Fraud"), ("from", "2027-10")]);
    let view = show(&store, &[stop]);
    assert_eq!(view.delta.headcount_end, 0, "she is still on the team");
    assert_eq!(initiative_delta(&view, "Fraud").headcount_end, -1, "but no longer on Fraud");
}

#[test]
fn explained_changes_add_up_to_the_difference() {
    let db = temp_db();
    small_portfolio(&db);
    let changes = [
        change(
            ChangeKind::Hire,
            &[("role", "ML engineer"), ("count", "2"), ("start", "2027-02"), ("initiative", "Fraud")],
        ),
        change(ChangeKind::Spend, &[("category", "compute"), ("start", "2027-01"), ("change", "-15%")]),
        change(ChangeKind::ContractCancel, &[("contract", "Labelling"), ("from", "2027-03")]),
    ];
    let view = show(&db.open(), &changes);
    let explained = view.changes.clone().unwrap();
    assert_eq!(explained.len(), 3);
    let sum = |f: fn(&ScenarioFigures) -> i64| explained.iter().map(|c| f(&c.delta)).sum::<i64>();
    assert_eq!(sum(|f| f.landing_minor), view.delta.landing_minor);
    assert_eq!(sum(|f| f.people_cost_minor), view.delta.people_cost_minor);
    assert_eq!(sum(|f| f.headcount_end), view.delta.headcount_end);
    assert_eq!(explained[0].delta.people_cost_minor, 2 * 11 * dollars(12_000));
    assert_eq!(explained[1].delta.landing_minor, -12 * dollars(1_500), "15% of Search's 10,000.00 a month");
    assert_eq!(explained[2].delta.landing_minor, -dollars(40_000), "March to June at 10,000.00 a month");
}

fn dispatch(session: &mut Session, name: &str, request: Value) -> mlops_portfolio::Result<Value> {
    commands::dispatch(session, name, request)
}

#[test]
fn bad_changes_are_refused_with_the_field_at_fault_and_nothing_is_written() {
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    dispatch(&mut session, "scenario_new", json!({ "name": "Plan A" })).unwrap();
    let cases = [
        (
            json!({ "kind": "hire", "fields": { "role": "Wizard", "start": "2027-03" } }),
            "role: there is no role named `Wizard`",
        ),
        (
            json!({ "kind": "hire", "fields": { "role": "ML engineer", "start": "2027-13" } }),
            "start: `2027-13` is not a month",
        ),
        (
            json!({ "kind": "hire", "fields": { "role": "ML engineer", "start": "2027-03", "percent": "150" } }),
            "percent: `150` is not a percent",
        ),
        (
            json!({ "kind": "spend", "fields": { "category": "compute", "start": "2027-01" } }),
            "change or amount: a spend change needs it",
        ),
        (
            json!({ "kind": "spend", "fields": { "category": "compute", "start": "2027-01", "change": "fast" } }),
            "change: `fast` is not a percent change",
        ),
        (
            json!({ "kind": "leave", "fields": { "person": "Ada", "end": "2027-06", "colour": "red" } }),
            "colour: a leave change has no such field",
        ),
        (
            json!({ "kind": "allocate", "fields": { "person": "Ada", "initiative": "Fraud", "percent": "50", "start": "2027-06", "end": "2027-01" } }),
            "end: 2027-01 is before the start",
        ),
        (
            json!({ "kind": "contract_cancel", "fields": { "contract": "Labelling", "from": "2027-08" } }),
            "from: the contract `Labelling` ends in 2027-06, before 2027-08: there is nothing to cancel",
        ),
    ];
    for (change, expected) in cases {
        let err = dispatch(&mut session, "scenario_add", json!({ "name": "Plan A", "change": change })).unwrap_err();
        assert!(err.to_string().contains(expected), "{err} (expected {expected})");
    }
    let err = dispatch(
        &mut session,
        "scenario_add",
        json!({ "name": "Plan A", "change": { "kind": "teleport", "fields": {} } }),
    )
    .unwrap_err();
    assert!(err.to_string().contains("`teleport` is not one of"), "{err}");
    let list = dispatch(&mut session, "scenario_list", json!({})).unwrap();
    assert_eq!(list, json!([{ "name": "Plan A", "note": "", "changes": [] }]), "nothing was written");
}

#[test]
fn a_scenario_file_carries_to_another_copy_and_a_bad_one_writes_nothing() {
    let (here, there) = (temp_db(), temp_db());
    small_portfolio(&here);
    small_portfolio(&there);
    let mut session = Session::new(here.open());
    dispatch(&mut session, "scenario_new", json!({ "name": "Hiring", "note": "Q1 plan" })).unwrap();
    for fields in [
        json!({ "role": "ML engineer", "count": "3", "start": "2027-03", "initiative": "Search" }),
        json!({ "person": "Ada", "end": "2027-06" }),
    ] {
        let kind = if fields.get("role").is_some() { "hire" } else { "leave" };
        let added = dispatch(
            &mut session,
            "scenario_add",
            json!({ "name": "Hiring", "change": { "kind": kind, "fields": fields } }),
        )
        .unwrap();
        assert!(added["position"].as_u64().is_some(), "{added}");
    }
    let file = here.file("hiring.json");
    dispatch(&mut session, "scenario_export", json!({ "name": "Hiring", "path": file })).unwrap();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["format"], "mlops-portfolio.scenario");
    assert_eq!(written["version"], 1);
    assert_eq!(written["changes"][0]["kind"], "hire");
    assert_eq!(written["changes"][1]["person"], "Ada");

    let mut other = Session::new(there.open());
    dispatch(&mut other, "scenario_import", json!({ "path": file })).unwrap();
    let show = |session: &mut Session| {
        dispatch(session, "scenario_show", json!({ "name": "Hiring", "as_of": "2026-11", "period": "2027" })).unwrap()
    };
    assert_eq!(show(&mut session), show(&mut other), "the same figures in the other copy");

    // Each bad file is refused with the change's position, and nothing is written.
    let mut bad = |name: &str, body: Value| {
        let path = there.file(name);
        std::fs::write(&path, body.to_string()).unwrap();
        dispatch(&mut other, "scenario_import", json!({ "path": path, "name": "Imported" })).unwrap_err().to_string()
    };
    let mut wrong = written.clone();
    wrong["changes"][1]["person"] = json!("Grace");
    assert!(bad("missing.json", wrong).contains("change 2: person: there is no person named `Grace`"));
    let mut wrong = written.clone();
    wrong["changes"][0]["start"] = json!("March");
    assert!(bad("month.json", wrong).contains("change 1: start: `March` is not a month"));
    let mut wrong = written.clone();
    wrong["changes"][0]["kind"] = json!("promote");
    assert!(bad("kind.json", wrong).contains("change 1: kind: `promote` is not one of"));
    let mut wrong = written.clone();
    wrong["version"] = json!(2);
    assert!(bad("version.json", wrong).contains("version 2 is not one this build reads"));
    let names = dispatch(&mut other, "scenario_list", json!({})).unwrap();
    assert_eq!(names.as_array().unwrap().len(), 1, "only the good import is there: {names}");

    // Browser mode: the export comes back as text (a download) and the text is imported (an upload).
    let exported = dispatch(&mut session, "scenario_export", json!({ "name": "Hiring" })).unwrap();
    assert_eq!(exported["path"], Value::Null, "nothing written without a path");
    assert_eq!(exported["text"].as_str().unwrap(), std::fs::read_to_string(&file).unwrap(), "the same file");
    let request = json!({ "text": exported["text"], "file_name": "hiring.json", "name": "Uploaded" });
    dispatch(&mut other, "scenario_import", request).unwrap();
    let uploaded =
        dispatch(&mut other, "scenario_show", json!({ "name": "Uploaded", "as_of": "2026-11", "period": "2027" }))
            .unwrap();
    assert_eq!(uploaded["scenario"], show(&mut session)["scenario"]);
    let err = dispatch(&mut other, "scenario_import", json!({ "text": "{}", "file_name": "notes.json" })).unwrap_err();
    assert!(err.to_string().starts_with("notes.json: format is missing"), "{err}");
    let err = dispatch(&mut other, "scenario_import", json!({})).unwrap_err();
    assert!(err.to_string().contains("give the scenario file's path, or its text"), "{err}");
}

#[test]
fn dropping_a_change_moves_the_rest_up_and_every_write_is_audited() {
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    let audit = |session: &Session| -> i64 {
        session.conn().query_row("SELECT count(*) FROM audit_log WHERE entity = 'scenario'", [], |r| r.get(0)).unwrap()
    };
    dispatch(&mut session, "scenario_new", json!({ "name": "Cuts" })).unwrap();
    for change in ["-10%", "-20%", "-30%"] {
        let request = json!({ "name": "Cuts", "change": { "kind": "spend", "fields": { "category": "compute", "start": "2027-01", "change": change } } });
        dispatch(&mut session, "scenario_add", request).unwrap();
    }
    assert_eq!(audit(&session), 4, "created, then three changes");
    let left = dispatch(&mut session, "scenario_drop", json!({ "name": "Cuts", "position": 2 })).unwrap();
    let changes: Vec<&str> =
        left["changes"].as_array().unwrap().iter().map(|c| c["fields"]["change"].as_str().unwrap()).collect();
    assert_eq!(changes, ["-10%", "-30%"]);
    assert_eq!(audit(&session), 5);
    let err = dispatch(&mut session, "scenario_drop", json!({ "name": "Cuts", "position": 3 })).unwrap_err();
    assert!(err.to_string().contains("has 2 changes (positions 1 to 2)"), "{err}");
    dispatch(&mut session, "scenario_remove", json!({ "name": "Cuts" })).unwrap();
    let rows: i64 = session.conn().query_row("SELECT count(*) FROM scenario_changes", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0, "its changes went with it");
}

fn budget_lines(store: &Store, year: i32) -> Vec<(String, Month, Category, i64)> {
    let names: BTreeMap<i64, String> =
        mlops_portfolio::store::records::list::<Initiative>(store.conn(), &Default::default())
            .unwrap()
            .into_iter()
            .map(|s| (s.id.0, s.record.name))
            .collect();
    let mut lines: Vec<_> = mlops_portfolio::store::records::list::<BudgetLine>(store.conn(), &Default::default())
        .unwrap()
        .into_iter()
        .map(|s| s.record)
        .filter(|l| l.month.year() == year)
        .map(|l| (names[&l.initiative_id.0].clone(), l.month, l.category, l.amount.minor))
        .collect();
    lines.sort();
    lines
}

#[test]
fn next_years_budget_is_copied_forward_or_from_the_forecast_and_a_filled_year_is_not_overwritten() {
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    let copy = |session: &mut Session, request: Value| dispatch(session, "budget_copy", request);

    let answer =
        copy(&mut session, json!({ "source": { "from": "year", "year": 2027 }, "to_year": 2028, "change": "+5%" }))
            .unwrap();
    assert_eq!(answer["lines"], 24);
    assert_eq!(answer["total_minor"], json!(24 * dollars(12_600)), "every line 5% up");
    let copied = budget_lines(&session, 2028);
    assert_eq!(copied.len(), 24);
    assert!(copied.iter().all(|(_, _, _, minor)| *minor == dollars(12_600)), "{copied:?}");
    assert_eq!(copied[0].1, month("2028-01"), "month for month");

    // A filled year is refused, and nothing changes; --replace writes over it.
    let err = copy(&mut session, json!({ "source": { "from": "year", "year": 2027 }, "to_year": 2028 })).unwrap_err();
    assert!(err.to_string().contains("2028 already has 24 budget lines; nothing was copied"), "{err}");
    assert_eq!(budget_lines(&session, 2028), copied);
    let answer = copy(
        &mut session,
        json!({ "source": { "from": "year", "year": 2027 }, "to_year": 2028, "initiative": "Search", "replace": true }),
    )
    .unwrap();
    assert_eq!((answer["lines"].as_u64(), answer["replaced"].as_u64()), (Some(12), Some(12)));
    let after = budget_lines(&session, 2028);
    assert!(after.iter().filter(|l| l.0 == "Search").all(|l| l.3 == dollars(12_000)), "Search's lines without the 5%");
    assert!(after.iter().filter(|l| l.0 == "Fraud").all(|l| l.3 == dollars(12_600)), "Fraud's untouched");

    // From the forecast: Search's flat 10,000.00 a month of compute, as of the end of 2026 (its
    // lines for 2027 replaced).
    let answer = copy(
        &mut session,
        json!({ "source": { "from": "forecast" }, "to_year": 2027, "initiative": "Search", "replace": true, "as_of": "2026-12" }),
    )
    .unwrap();
    assert_eq!(answer["lines"], 12);
    let search: Vec<_> = budget_lines(&session, 2027).into_iter().filter(|l| l.0 == "Search").collect();
    assert!(search.iter().all(|l| l.2 == Category::Compute && l.3 == dollars(10_000)), "{search:?}");

    let err = copy(&mut session, json!({ "source": { "from": "year", "year": 2031 }, "to_year": 2032 })).unwrap_err();
    assert!(err.to_string().contains("2031 has no budget lines to copy"), "{err}");
    let err =
        copy(&mut session, json!({ "source": { "from": "year", "year": 2027 }, "to_year": 2029, "change": "lots" }))
            .unwrap_err();
    assert!(err.to_string().contains("change: `lots` is not a percent change"), "{err}");
}

/// `apply` makes the scenario real: afterwards the baseline is what the scenario showed, every
/// write is audited, and a change that cannot become a record stops the whole apply.
#[test]
fn applying_a_scenario_makes_the_baseline_what_the_scenario_showed() {
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    dispatch(&mut session, "scenario_new", json!({ "name": "Real" })).unwrap();
    let changes = [
        json!({ "kind": "hire", "fields": { "role": "ML engineer", "count": "2", "start": "2027-03", "initiative": "Fraud" } }),
        json!({ "kind": "leave", "fields": { "person": "Ada", "end": "2027-09" } }),
        json!({ "kind": "allocate", "fields": { "person": "Ada", "initiative": "Fraud", "percent": "50", "start": "2027-02", "end": "2027-04" } }),
        json!({ "kind": "spend", "fields": { "initiative": "Search", "category": "compute", "start": "2027-06", "change": "-30%" } }),
        json!({ "kind": "budget", "fields": { "initiative": "Search", "category": "compute", "start": "2027-01", "change": "+10%" } }),
        json!({ "kind": "budget", "fields": { "initiative": "Fraud", "category": "storage", "start": "2027-01", "end": "2027-03", "amount": "2,000.00" } }),
        json!({ "kind": "contract_add", "fields": { "vendor": "Scale", "title": "More labels", "value": "60,000.00", "start": "2027-07", "end": "2027-12", "initiative": "Search" } }),
        json!({ "kind": "contract_cancel", "fields": { "contract": "Labelling", "from": "2027-05" } }),
    ];
    for change in changes {
        dispatch(&mut session, "scenario_add", json!({ "name": "Real", "change": change })).unwrap();
    }
    let show = |session: &mut Session| {
        dispatch(session, "scenario_show", json!({ "name": "Real", "as_of": "2026-12", "period": "2027" })).unwrap()
    };
    let before = show(&mut session);
    assert_ne!(before["delta"]["landing_minor"], json!(0), "the scenario changes something");
    let audit = |session: &Session| -> i64 {
        session.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap()
    };
    let audited = audit(&session);

    let refused = dispatch(&mut session, "scenario_apply", json!({ "name": "Real", "as_of": "2026-12" })).unwrap_err();
    assert!(refused.to_string().contains("confirm with --yes"), "{refused}");
    let applied =
        dispatch(&mut session, "scenario_apply", json!({ "name": "Real", "as_of": "2026-12", "yes": true })).unwrap();
    assert_eq!(applied["planned_spend"], 3, "the spend change and both contract changes: {applied}");
    assert!(audit(&session) >= audited + applied["records"].as_i64().unwrap() + 3, "every write is audited");

    // The baseline now is what the scenario showed (the scenario itself would now count twice).
    let after = show(&mut session);
    assert_eq!(after["baseline"], before["scenario"]);

    // A half-time hire cannot be a requisition: the whole apply stops and writes nothing.
    dispatch(&mut session, "scenario_new", json!({ "name": "Half" })).unwrap();
    for change in [
        json!({ "kind": "budget", "fields": { "initiative": "Search", "category": "other", "start": "2027-01", "end": "2027-02", "amount": "500.00" } }),
        json!({ "kind": "hire", "fields": { "role": "ML engineer", "start": "2027-05", "percent": "50" } }),
    ] {
        dispatch(&mut session, "scenario_add", json!({ "name": "Half", "change": change })).unwrap();
    }
    let rows = audit(&session);
    let err = dispatch(&mut session, "scenario_apply", json!({ "name": "Half", "as_of": "2026-12", "yes": true }))
        .unwrap_err();
    assert!(err.to_string().contains("change 2 (hire") && err.to_string().contains("nothing was applied"), "{err}");
    assert_eq!(audit(&session), rows, "nothing was written, not even the first change's budget lines");
}

/// Two scenarios on the small portfolio: three hires on Fraud from March 2027, and compute 15%
/// cheaper from January.
fn two_scenarios(session: &mut Session) {
    for (name, change) in [
        (
            "Hires",
            json!({ "kind": "hire", "fields": { "role": "ML engineer", "count": "3", "start": "2027-03", "initiative": "Fraud" } }),
        ),
        (
            "Cheaper compute",
            json!({ "kind": "spend", "fields": { "category": "compute", "start": "2027-01", "change": "-15%" } }),
        ),
    ] {
        dispatch(session, "scenario_new", json!({ "name": name })).unwrap();
        dispatch(session, "scenario_add", json!({ "name": name, "change": change })).unwrap();
    }
}

#[test]
fn the_scenario_chart_draws_the_figures_scenario_compare_prints() {
    use mlops_portfolio::analytics::series::{ScenarioChartView, scenario_comparison};
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    two_scenarios(&mut session);
    let names = vec!["Hires".to_owned(), "Cheaper compute".to_owned()];
    let compared =
        dispatch(&mut session, "scenario_compare", json!({ "names": names, "period": "2027", "as_of": "2026-12" }))
            .unwrap();

    let store = db.open();
    let inputs = PlanInputs::load(store.conn(), month("2026-12"), mlops_portfolio::plan::period::today()).unwrap();
    let options = PlanOptions { period: PeriodChoice::FiscalYear(2027), ..PlanOptions::default() };
    let named = mlops_portfolio::plan::scenario::load_named(store.conn(), &names).unwrap();
    let drawn = scenario_comparison(&inputs, &options, &named, ScenarioChartView::Spend).unwrap();
    assert_eq!(drawn.lines.len(), 3, "the baseline and two scenarios");
    for (line, column) in drawn.lines.iter().zip(compared["columns"].as_array().unwrap()) {
        assert_eq!(line.name, column["name"].as_str().unwrap());
        assert_eq!(serde_json::to_value(&line.figures).unwrap(), column["figures"], "{}", line.name);
        // The months add up to the figures the table shows.
        let f = &line.figures;
        assert_eq!(line.months.len(), 12);
        assert_eq!(line.months.iter().map(|m| m.spend_minor).sum::<i64>(), f.landing_minor, "{}", line.name);
        assert_eq!(line.months.iter().map(|m| m.people_cost_minor).sum::<i64>(), f.people_cost_minor);
        assert_eq!(line.months.iter().map(|m| m.budget_minor).sum::<i64>(), f.budget_minor);
        assert_eq!(line.months.last().unwrap().headcount, f.headcount_end);
    }
    let (base, hires) = (&drawn.lines[0], &drawn.lines[1]);
    for (b, h) in base.months.iter().zip(&hires.months) {
        let started = b.month >= month("2027-03");
        assert_eq!(h.headcount - b.headcount, if started { 3 } else { 0 }, "{}", b.month);
        let cost = if started { 3 * dollars(12_000) } else { 0 };
        assert_eq!(h.people_cost_minor - b.people_cost_minor, cost, "{}", b.month);
    }

    // The waterfall explains the first scenario, change by change.
    let both = mlops_portfolio::plan::scenario::load_named(store.conn(), &["Hires".to_owned()]).unwrap();
    let waterfall = scenario_comparison(&inputs, &options, &both, ScenarioChartView::Changes).unwrap();
    assert_eq!(waterfall.steps.len(), 1);
    assert_eq!(waterfall.steps[0].words, "Hire 3 ML engineer from Mar 2027 on Fraud");
    assert_eq!(waterfall.steps[0].landing_delta_minor, 10 * 3 * dollars(12_000));

    // The chart command draws them with its words; a chart without scenarios, or another chart
    // with them, is refused by name.
    let chart = dispatch(
        &mut session,
        "chart",
        json!({ "name": "scenario-compare", "scenarios": ["Hires"], "view": "changes", "period": "2027", "as_of": "2026-12" }),
    )
    .unwrap();
    assert_eq!(chart["title"], "Hires, change by change, 2027");
    assert!(
        chart["description"].as_str().unwrap().contains("change 1 (Hire 3 ML engineer from Mar 2027 on Fraud) +$360K"),
        "{chart}"
    );
    let spend = dispatch(
        &mut session,
        "chart",
        json!({ "name": "scenario-compare", "scenarios": names, "period": "2027", "as_of": "2026-12" }),
    )
    .unwrap();
    assert!(spend["svg"].as_str().unwrap().contains("Cheaper compute"), "the legend names each scenario");
    let err = dispatch(&mut session, "chart", json!({ "name": "scenario-compare" })).unwrap_err();
    assert!(err.to_string().starts_with("scenarios: the scenario-compare chart needs one to four scenarios"), "{err}");
    let err = dispatch(&mut session, "chart", json!({ "name": "budget-burn", "scenarios": ["Hires"] })).unwrap_err();
    assert!(err.to_string().contains("only the scenario-compare chart takes scenarios"), "{err}");
    let err =
        dispatch(&mut session, "chart", json!({ "name": "scenario-compare", "scenarios": ["Nope"] })).unwrap_err();
    assert!(err.to_string().contains("no scenario named `Nope`"), "{err}");
}

#[test]
fn the_report_shows_the_scenarios_asked_for_and_refuses_an_unknown_one_writing_nothing() {
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    two_scenarios(&mut session);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let request = |scenarios: Value, path: &std::path::Path| json!({ "path": path, "as_of": "2026-12", "period": "2027", "scenarios": scenarios });
    let plain = dispatch(&mut session, "export_report", request(json!([]), &path)).unwrap();
    let written = dispatch(&mut session, "export_report", request(json!(["Hires", "Cheaper compute"]), &path)).unwrap();
    assert_eq!(
        written["charts"].as_u64().unwrap(),
        plain["charts"].as_u64().unwrap() + 2 + 2,
        "spend and team views, and one waterfall per scenario"
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("Scenarios, 2027: landing and team against the baseline"));
    assert!(html.contains("Hires, change by change, 2027"));
    assert!(html.contains("+$360K"), "the hires' difference in the table");

    let missing = dir.path().join("missing.html");
    let err = dispatch(&mut session, "export_report", request(json!(["Hires", "Nope"]), &missing)).unwrap_err();
    assert!(err.to_string().contains("no scenario named `Nope`"), "{err}");
    assert!(!missing.exists(), "nothing is written");
}

fn audit_rows(store: &Store) -> i64 {
    store.conn().query_row("SELECT COUNT(*) FROM audit_log", [], |r| r.get(0)).unwrap()
}

#[test]
fn budget_cells_are_set_together_with_what_they_held_before_or_not_at_all() {
    let db = temp_db();
    small_portfolio(&db);
    let mut session = Session::new(db.open());
    let fraud = 2;
    let cell = |month: &str, category: &str, minor: Option<i64>| json!({ "month": month, "category": category, "amount": minor.map(|m| json!({ "minor": m, "currency": "USD" })) });
    let lines_of = |store: &Store| budget_lines(store, 2027).into_iter().filter(|l| l.0 == "Fraud").collect::<Vec<_>>();
    let store = db.open();
    let before_lines = lines_of(&store);
    let audited = audit_rows(&store);

    // Fill right: March to December of people at 15,000.00, one of them unchanged; a cleared cell.
    let mut cells: Vec<Value> =
        (3..=12).map(|m| cell(&format!("2027-{m:02}"), "people", Some(dollars(15_000)))).collect();
    cells.push(cell("2027-01", "people", None));
    let done = dispatch(&mut session, "budget_set", json!({ "initiative": fraud, "cells": cells })).unwrap();
    assert_eq!(
        (done["created"].as_u64(), done["updated"].as_u64(), done["removed"].as_u64()),
        (Some(0), Some(10), Some(1))
    );
    assert_eq!(done["before"][0], cell("2027-03", "people", Some(dollars(12_000))), "what the cell held, to undo");
    assert_eq!(done["before"][10], cell("2027-01", "people", Some(dollars(12_000))));
    assert_eq!(audit_rows(&store) - audited, 11, "one audit row per line written");
    let after = lines_of(&store);
    assert_eq!(after.len(), before_lines.len() - 1);
    assert_eq!(done["lines"].as_array().unwrap().len(), after.len(), "the initiative's lines come back");

    // Undo: the cells as they were, set again, give the lines back exactly.
    let undo = json!({ "initiative": fraud, "cells": done["before"] });
    dispatch(&mut session, "budget_set", undo).unwrap();
    assert_eq!(lines_of(&store), before_lines);

    // A cell named twice or a negative amount is refused by position, and nothing is written.
    let audited = audit_rows(&store);
    for (cells, expected) in [
        (
            vec![
                cell("2027-05", "people", Some(1)),
                cell("2027-04", "compute", Some(1)),
                cell("2027-05", "people", Some(2)),
            ],
            "cells[2]: people 2027-05 is named twice",
        ),
        (
            vec![cell("2027-05", "people", Some(1)), cell("2027-06", "people", Some(-100))],
            "cells[1].amount: a budget is not negative",
        ),
    ] {
        let err = dispatch(&mut session, "budget_set", json!({ "initiative": fraud, "cells": cells })).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    let err = dispatch(&mut session, "budget_set", json!({ "initiative": 99, "cells": [] })).unwrap_err();
    assert!(err.to_string().contains("99"), "{err}");
    assert_eq!(lines_of(&store), before_lines);
    assert_eq!(audit_rows(&store), audited, "nothing written, nothing audited");
}

#[test]
fn a_stopped_initiatives_people_stay_in_people_cost_until_they_leave() {
    let db = temp_db();
    small_portfolio(&db);
    let store = db.open();
    let stop = change(ChangeKind::InitiativeStop, &[("initiative", "Fraud"), ("from", "2027-10")]);
    // Fraud loses October to December of Ada's 12,000.00 a month; she stays on the team, so the
    // portfolio's people cost and landing do not move (her cost is Unallocated now).
    let view = show(&store, std::slice::from_ref(&stop));
    assert_eq!(initiative_delta(&view, "Fraud").people_cost_minor, -3 * dollars(12_000));
    assert_eq!(initiative_delta(&view, "Fraud").landing_minor, -3 * dollars(12_000));
    assert_eq!((view.delta.people_cost_minor, view.delta.landing_minor), (0, 0));
    // When she leaves after November, December's cost goes; reallocated from December, it moves.
    let leave = change(ChangeKind::Leave, &[("person", "Ada"), ("end", "2027-11")]);
    let view = show(&store, &[stop.clone(), leave]);
    assert_eq!(view.delta.people_cost_minor, -dollars(12_000));
    let search = change(
        ChangeKind::Allocate,
        &[("person", "Ada"), ("initiative", "Search"), ("percent", "100"), ("start", "2027-12")],
    );
    let view = show(&store, &[stop, search]);
    assert_eq!(view.delta.people_cost_minor, -dollars(12_000), "Search records no people cost: it is not projected");

    // Applied, the baseline keeps her cost as the scenario showed.
    let mut session = Session::new(db.open());
    dispatch(&mut session, "scenario_new", json!({ "name": "Stop" })).unwrap();
    let stop = json!({ "kind": "initiative_stop", "fields": { "initiative": "Fraud", "from": "2027-10" } });
    dispatch(&mut session, "scenario_add", json!({ "name": "Stop", "change": stop })).unwrap();
    let show = |session: &mut Session| {
        dispatch(session, "scenario_show", json!({ "name": "Stop", "as_of": "2026-12", "period": "2027" })).unwrap()
    };
    let before = show(&mut session);
    let applied =
        dispatch(&mut session, "scenario_apply", json!({ "name": "Stop", "as_of": "2026-12", "yes": true })).unwrap();
    assert_eq!(applied["planned_spend"], 1, "her cost, Unallocated from October: {applied}");
    assert_eq!(show(&mut session)["baseline"], before["scenario"]);
}
