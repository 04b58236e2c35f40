//! The planning core seen from every surface: `summary --json`, the HTTP twin's answer (what the
//! Overview shows), the report's headline figures and the XLSX forecast sheets give the same
//! values for the same as-of month and period; figures as of a month ignore everything recorded
//! for later; a year without budget lines says so.

use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use mlops_portfolio::api::{self, Session};
use mlops_portfolio::charts::format::compact_money;
use mlops_portfolio::demo::{self, DemoScale};
use mlops_portfolio::domain::{
    Actual, ActualSource, Allocation, Category, Contract, InitiativeId, InitiativeStatus, Person, Role, Vendor,
    VendorCategory,
};
use mlops_portfolio::plan::{PeriodChoice, Summary};
use mlops_portfolio::report::{self, ReportOptions};
use mlops_portfolio::store::records;
use serde_json::{Value, json};

use crate::analytics::{actuals, budget, initiative, insert, month, usd};
use crate::cli::json;
use crate::{TempDb, temp_db, temp_file};

/// What every surface must agree on, in the base currency's minor units.
#[derive(Debug, PartialEq)]
struct Headline {
    budget_period: Option<i64>,
    actual_to_date: i64,
    landing: Option<i64>,
}

fn headline(summary: &Summary) -> Headline {
    Headline {
        budget_period: summary.budget_period_minor,
        actual_to_date: summary.actual_to_date_minor,
        landing: summary.landing_minor,
    }
}

/// Checks every surface against the core's summary of `as_of` and `period`.
fn surfaces_agree(db: &TempDb, as_of: &str, period: &str, with_workbook: bool) {
    let store = db.open();
    let choice: PeriodChoice = period.parse().unwrap();
    let core = api::summary(&store, month(as_of), choice).unwrap();
    let context = format!("as of {as_of}, period `{period}`");

    // The CLI prints the core's summary as it is.
    let mut args = vec!["summary", "--json", "--as-of", as_of];
    if !period.is_empty() {
        args.extend(["--period", period]);
    }
    let printed = json(db, &args);
    assert_eq!(printed, serde_json::to_value(&core).unwrap(), "summary --json, {context}");

    // The command list's JSON transport — what the HTTP twin serves to the Overview — answers
    // with the same JSON.
    let mut session = Session::new(db.open());
    let period_field = if period.is_empty() { Value::Null } else { json!(period) };
    let answered =
        api::commands::dispatch(&mut session, "summary", json!({ "as_of": as_of, "period": period_field })).unwrap();
    assert_eq!(answered, printed, "the JSON command's summary, {context}");

    // The report's headline figures are the same numbers, written out.
    let options = ReportOptions {
        as_of: month(as_of),
        period: choice,
        today: mlops_portfolio::plan::period::today(),
        scenarios: Vec::new(),
    };
    let page = report::build(store.conn(), store.path(), &options, "2026-12-03T08:00:00Z").unwrap();
    let figure = |label: &str| {
        page.figures
            .iter()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("the report has `{label}`: {:?}", page.figures))
            .value
            .clone()
    };
    let label = &core.period.label;
    let words = |minor: i64| compact_money(minor, core.base_currency);
    let budget = core.budget_period_minor.map_or_else(|| format!("no budget set for {label}"), words);
    assert_eq!(figure(&format!("Budget {label}")), budget, "report budget, {context}");
    assert_eq!(figure("Spent to date"), words(core.actual_to_date_minor), "report actual, {context}");
    if let Some(landing) = core.landing_minor {
        assert_eq!(figure(&format!("Landing {label}")), words(landing), "report landing, {context}");
    }
    assert!(page.as_of.starts_with(&core.to_date_words), "the report says the period as the core does");

    // The workbook's forecast sheets carry the same figures (the fiscal year of the as-of month).
    if with_workbook && period.is_empty() {
        let xlsx = db.file(&format!("portfolio-{as_of}.xlsx"));
        api::export_workbook(&store, &xlsx, month(as_of)).unwrap();
        let mut workbook: Xlsx<_> = open_workbook(&xlsx).unwrap();
        let landing = workbook.worksheet_range("forecast_landing").unwrap();
        let row = landing.rows().find(|r| r[0].get_string() == Some("(portfolio)")).expect("the portfolio row");
        let cents = |cell: &Data| cell.get_float().map(|dollars| (dollars * 100.0).round() as i64);
        let from_sheet = Headline {
            budget_period: cents(&row[4]),
            actual_to_date: cents(&row[5]).unwrap(),
            landing: cents(&row[7]),
        };
        assert_eq!(from_sheet, headline(&core), "the XLSX forecast_landing sheet, {context}");
    }
}

#[test]
fn every_surface_shows_the_same_figures_on_the_small_demo() {
    let db = temp_file();
    demo::build(&mut db.open(), DemoScale::Small, month("2026-11")).unwrap();
    for as_of in ["2025-06", "2026-03", "2026-10"] {
        for period in ["", "2026-Q1", "all"] {
            surfaces_agree(&db, as_of, period, true);
        }
    }
}

#[test]
fn every_surface_shows_the_same_figures_on_the_large_demo() {
    let db = temp_file();
    demo::build(&mut db.open(), DemoScale::Large, month("2026-11")).unwrap();
    for as_of in ["2024-06", "2025-12", "2026-10"] {
        for period in ["", "all"] {
            surfaces_agree(&db, as_of, period, as_of == "2026-10");
        }
    }
}

/// A portfolio as it stood at the end of 2025: two initiatives, a team, a contract.
fn portfolio_of_2025(db: &TempDb) -> (InitiativeId, InitiativeId) {
    let store = db.open();
    let search = initiative(&store, "Search", InitiativeStatus::Active, None);
    let fraud = initiative(&store, "Fraud", InitiativeStatus::Active, None);
    budget(&store, search, 2025, usd(10_000));
    budget(&store, fraud, 2025, usd(8_000));
    actuals(&store, search, "2024-01", "2025-12", usd(10_500));
    actuals(&store, fraud, "2024-06", "2025-12", usd(7_000));
    let role = insert(
        &store,
        Role { name: "ML engineer".into(), base_salary: usd(150_000), loaded_annual_cost: usd(200_000) },
    );
    let person = insert(
        &store,
        Person { name: "Ada".into(), email: None, role_id: role, location: None, start: month("2024-01"), end: None },
    );
    // 80% + 40%: overbooked from 2025 on.
    insert(
        &store,
        Allocation {
            person_id: person,
            initiative_id: search,
            percent: 80,
            start: month("2025-01"),
            end: None,
            model_id: None,
        },
    );
    insert(
        &store,
        Allocation {
            person_id: person,
            initiative_id: fraud,
            percent: 40,
            start: month("2025-01"),
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
            title: "Labeling 2025".into(),
            initiative_id: Some(fraud),
            value: usd(90_000),
            start: "2025-01-01".parse().unwrap(),
            end: "2026-01-20".parse().unwrap(),
            notice_days: 30,
            auto_renew: true,
        },
    );
    (search, fraud)
}

/// Later facts: spend of 2026, next year's budget, a hire and their allocation, a new contract.
fn record_2026(db: &TempDb, (search, fraud): (InitiativeId, InitiativeId)) {
    let store = db.open();
    actuals(&store, search, "2026-01", "2026-06", usd(40_000));
    actuals(&store, fraud, "2026-01", "2026-06", usd(1_000));
    budget(&store, search, 2026, usd(12_000));
    let role = records::list::<Role>(store.conn(), &Default::default()).unwrap()[0].id;
    let hire = insert(
        &store,
        Person { name: "Grace".into(), email: None, role_id: role, location: None, start: month("2026-02"), end: None },
    );
    insert(
        &store,
        Allocation {
            person_id: hire,
            initiative_id: fraud,
            percent: 100,
            start: month("2026-02"),
            end: None,
            model_id: None,
        },
    );
    let vendor = records::list::<Vendor>(store.conn(), &Default::default()).unwrap()[0].id;
    insert(
        &store,
        Contract {
            vendor_id: vendor,
            title: "Labeling 2026".into(),
            initiative_id: Some(fraud),
            value: usd(120_000),
            start: "2026-03-01".parse().unwrap(),
            end: "2027-02-28".parse().unwrap(),
            notice_days: 60,
            auto_renew: false,
        },
    );
}

#[test]
fn figures_as_of_a_month_ignore_everything_recorded_for_later() {
    let (now, twin) = (temp_db(), temp_db());
    let ids = portfolio_of_2025(&now);
    assert_eq!(portfolio_of_2025(&twin), ids);
    record_2026(&twin, ids);
    for as_of in ["2025-06", "2025-12"] {
        for period in [PeriodChoice::CurrentFiscalYear, "2025-Q2".parse().unwrap()] {
            let a = api::summary(&now.open(), month(as_of), period).unwrap();
            let b = api::summary(&twin.open(), month(as_of), period).unwrap();
            assert_eq!(a, b, "as of {as_of}, {period:?}: the later facts of the twin change nothing");
            let options = ReportOptions {
                as_of: month(as_of),
                period,
                today: "2026-12-03".parse().unwrap(),
                scenarios: Vec::new(),
            };
            let report_of = |db: &TempDb| {
                let store = db.open();
                let page = report::build(store.conn(), store.path(), &options, "2026-12-03T08:00:00Z").unwrap();
                (page.figures, page.attention, page.tables)
            };
            assert_eq!(report_of(&now), report_of(&twin), "the report as of {as_of}");
        }
    }
    // The twin does see its later facts from their own months on.
    let later = api::summary(&twin.open(), month("2026-06"), PeriodChoice::CurrentFiscalYear).unwrap();
    assert_eq!(later.headcount, 2, "Grace has joined by June 2026");
    assert!(later.actual_to_date_minor > 0);
    let before = api::summary(&now.open(), month("2025-12"), PeriodChoice::CurrentFiscalYear).unwrap();
    assert_eq!(before.headcount, 1);
    assert!(
        before.attention.iter().any(|item| item.headline.contains("Ada is booked at 120%")),
        "{:?}",
        before.attention
    );
    assert!(before.renewals.iter().any(|r| r.title == "Labeling 2025"), "notice due on 21 Dec 2025");
}

#[test]
fn a_year_without_budget_lines_has_no_budget_not_a_budget_of_zero() {
    let db = temp_db();
    portfolio_of_2025(&db);
    let summary = api::summary(&db.open(), month("2026-01"), PeriodChoice::FiscalYear(2026)).unwrap();
    assert_eq!(summary.budget_period_minor, None);
    assert_eq!(summary.run_out, None);
    assert!(summary.attention.iter().all(|i| !i.headline.contains("over budget")), "{:?}", summary.attention);
}

/// A user marks the month of one big invoice one-off through the command every surface shares:
/// the forecast names it as marked (no longer "far from its neighbours"), the spend still counts,
/// the change is audited once, and clearing the mark brings the detection back. Marking a month
/// with no spend says so instead of doing nothing.
#[test]
fn a_month_marked_one_off_is_named_as_such_still_counts_and_can_be_cleared() {
    let db = temp_db();
    let store = db.open();
    let search = initiative(&store, "Search", InitiativeStatus::Active, None);
    actuals(&store, search, "2025-01", "2026-10", usd(20_000));
    insert(
        &store,
        Actual {
            initiative_id: Some(search),
            month: month("2026-03"),
            category: Category::Compute,
            amount: usd(730_000),
            source: ActualSource::Manual,
            vendor_id: None,
            model_id: None,
            note: Some("yearly licence paid up front".into()),
            provider: None,
            service: None,
            resource: None,
            tag: None,
            one_off: false,
        },
    );
    let mut session = Session::new(store);
    let as_of = month("2026-11");
    let set_aside = |session: &Session| {
        let summary = api::summary(session, as_of, PeriodChoice::default()).unwrap();
        let march: Vec<(String, i64)> = summary
            .set_aside
            .iter()
            .filter(|s| s.month == month("2026-03"))
            .map(|s| (format!("{:?}", s.reason), s.amount_minor))
            .collect();
        (march, summary.actual_to_date_minor)
    };
    let (before, spent) = set_aside(&session);
    assert_eq!(before, [("Detected".to_owned(), 75_000_000)], "the big month is found on its own");

    let mark = |one_off: bool| json!({ "initiative": "Search", "month": "2026-03", "category": "compute", "one_off": one_off });
    let audit_rows = |session: &Session| -> i64 {
        session.conn().query_row("SELECT count(*) FROM audit_log WHERE entity = 'spend'", [], |r| r.get(0)).unwrap()
    };
    let answer = api::commands::dispatch(&mut session, "mark_one_off", mark(true)).unwrap();
    assert_eq!(answer, json!({ "actuals": 2 }), "both actuals of the month are marked");
    assert_eq!(audit_rows(&session), 1, "one audit row for the change");
    let (marked, spent_after) = set_aside(&session);
    assert_eq!(marked, [("Marked".to_owned(), 75_000_000)]);
    assert_eq!(spent_after, spent, "a one-off still counts as spend");

    let again = api::commands::dispatch(&mut session, "mark_one_off", mark(true)).unwrap();
    assert_eq!(again, json!({ "actuals": 0 }), "marking twice changes nothing");
    assert_eq!(audit_rows(&session), 1, "and writes no audit row");

    api::commands::dispatch(&mut session, "mark_one_off", mark(false)).unwrap();
    assert_eq!(set_aside(&session).0, before, "cleared, the month is judged on its numbers again");

    let nothing = json!({ "initiative": "Search", "month": "2027-03", "one_off": true });
    let err = api::commands::dispatch(&mut session, "mark_one_off", nothing).unwrap_err();
    assert!(err.to_string().contains("Search has no actuals in 2027-03"), "{err}");
}
