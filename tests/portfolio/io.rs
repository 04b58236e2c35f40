//! The importers against real files: the FOCUS examples in tests/fixtures/focus, and CSV files
//! written by the tests. Every refused file must leave the portfolio exactly as it was.

use std::path::{Path, PathBuf};

use mlops_portfolio::Error;
use mlops_portfolio::domain::{
    Currency, FxRate, Initiative, InitiativeStatus, Model, ModelStage, RiskTier, Vendor, VendorCategory,
};
use mlops_portfolio::io::{
    CostColumn, FocusOptions, ImportKind, import_actuals, import_budgets, import_focus, preview_actuals,
    preview_budgets, preview_focus,
};
use mlops_portfolio::store::{Store, records, settings};
use rusqlite::Connection;

use crate::{TempDb, fixtures, temp_db};

fn focus_fixture(name: &str) -> PathBuf {
    fixtures().join("focus").join(name)
}

fn add_initiative(store: &Store, name: &str) -> i64 {
    let initiative = Initiative {
        name: name.to_owned(),
        objective: String::new(),
        owner: String::new(),
        status: InitiativeStatus::Active,
        priority: 3,
        start: "2023-01".parse().expect("a month"),
        end: None,
        annual_benefit: None,
    };
    records::insert(store.conn(), "tester", &initiative).expect("the initiative is added").id.0
}

fn set_rate(store: &Store, currency: Currency, rate: &str) {
    let rate = FxRate { currency, rate: rate.parse().expect("a rate") };
    settings::set_rate(store.conn(), "tester", &rate).expect("the rate is set");
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Rows in every table an import writes to.
fn table_counts(conn: &Connection) -> [i64; 4] {
    ["actuals", "budget_lines", "audit_log", "imports"].map(|t| count(conn, &format!("SELECT count(*) FROM {t}")))
}

fn total_minor(conn: &Connection, table: &str, condition: &str) -> i64 {
    count(conn, &format!("SELECT coalesce(sum(amount_minor), 0) FROM {table} WHERE {condition}"))
}

/// Runs an import that must be refused; checks nothing was written and returns the message.
fn refused(store: &mut Store, import: impl FnOnce(&mut Store) -> mlops_portfolio::Result<()>) -> String {
    let before = table_counts(store.conn());
    let err = import(store).expect_err("the import is refused");
    assert_eq!(
        table_counts(store.conn()),
        before,
        "a refused import changes nothing (actuals, budgets, audit, imports)"
    );
    match err {
        Error::Validation(message) => message,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn budgets(store: &mut Store, path: &Path) -> mlops_portfolio::Result<()> {
    import_budgets(store, path).map(drop)
}

fn actuals(store: &mut Store, path: &Path) -> mlops_portfolio::Result<()> {
    import_actuals(store, path).map(drop)
}

fn focus(store: &mut Store, path: &Path) -> mlops_portfolio::Result<()> {
    import_focus(store, path, &FocusOptions::default()).map(drop)
}

fn assert_mentions(message: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(message.contains(fragment), "the message should contain {fragment:?}:\n{message}");
    }
}

// ---------------------------------------------------------------------------------------------
// FOCUS

/// Each fixture: data rows, and the sum of its BilledCost in cents (computed from the files:
/// e.g. simple_saas_agreements_c is 10,100 + 13,000 + 12,700 = 35,800.00; saas_spend_agreements_a2
/// is 48 + 12 + 120 + 9 × 60 + 480 = 1,200).
const FIXTURES: &[(&str, usize, i64)] = &[
    (
        "commitment_discount_flexibility__one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
        3,
        275,
    ),
    (
        "commitment_discount_flexibility__one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
        3,
        200,
    ),
    (
        "commitment_discount_flexibility__one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
        2,
        150,
    ),
    ("commitment_discount_flexibility__zero_percent_utilization_without_commitment_discount_flexibility.csv", 3, 350),
    ("commitment_discount_scenarios__commitment_discount_purchase_scenario_1.csv", 1, 876_000),
    ("commitment_discount_scenarios__commitment_discount_purchase_scenario_2.csv", 3, 300),
    ("commitment_discount_scenarios__commitment_discount_purchase_scenario_3.csv", 4, 438_150),
    ("commitment_discount_scenarios__commitment_discount_usage_scenario_1.csv", 1, 0),
    ("commitment_discount_scenarios__commitment_discount_usage_scenario_2.csv", 1, 0),
    ("commitment_discount_scenarios__commitment_discount_usage_scenario_3.csv", 2, 0),
    ("commitment_discount_scenarios__commitment_discount_usage_scenario_4.csv", 2, 50),
    ("saas_examples__simple_agreements__simple_saas_agreements_a1.csv", 1, 1_000_000),
    ("saas_examples__simple_agreements__simple_saas_agreements_a2.csv", 1, 5_000_000),
    ("saas_examples__simple_agreements__simple_saas_agreements_a3.csv", 1, 100_000),
    ("saas_examples__simple_agreements__simple_saas_agreements_b.csv", 1, 5_000_000),
    ("saas_examples__simple_agreements__simple_saas_agreements_c.csv", 3, 3_580_000),
    ("saas_examples__spend_agreements__saas_spend_agreements_a1.csv", 4, 120_000),
    ("saas_examples__spend_agreements__saas_spend_agreements_a2.csv", 13, 120_000),
    ("saas_examples__spend_agreements__saas_spend_agreements_b1.csv", 5, 120_000),
    ("saas_examples__spend_agreements__saas_spend_agreements_b2.csv", 14, 120_000),
    ("saas_examples__virtual_currency_pricing_model_a1.csv", 1, 20_000_000),
    ("saas_examples__virtual_currency_pricing_model_a2.csv", 3, 0),
    ("saas_examples__virtual_currency_pricing_model_b1.csv", 1, 10_000_000),
    ("saas_examples__virtual_currency_pricing_model_b2.csv", 3, 0),
    ("saas_examples__virtual_currency_pricing_model_b3.csv", 3, 0),
    ("saas_examples__virtual_currency_pricing_model_c.csv", 2, 5_300_000),
];

#[test]
fn every_focus_fixture_imports_with_its_rows_and_billed_total() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures().join("focus"))
        .expect("the fixture folder")
        .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".csv"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = FIXTURES.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(on_disk, listed, "every fixture has its expectations here");

    for (name, rows, billed) in FIXTURES {
        let db = temp_db();
        let mut store = db.open();
        let report = import_focus(&mut store, &focus_fixture(name), &FocusOptions::default())
            .unwrap_or_else(|e| panic!("{name} imports: {e}"));
        assert_eq!((report.kind, report.file.as_str()), (ImportKind::Focus, *name));
        assert_eq!(report.rows, *rows, "{name}: data rows");
        assert_eq!((report.written, report.duplicates), (*rows, 0), "{name}: all rows are new");
        assert_eq!(report.unallocated, *rows, "{name}: no initiative is tagged, so all are Unallocated");
        let conn = store.conn();
        assert_eq!(count(conn, "SELECT count(*) FROM actuals WHERE source = 'focus'"), *rows as i64, "{name}");
        assert_eq!(total_minor(conn, "actuals", "1"), *billed, "{name}: sum of BilledCost in cents");
        assert_eq!(count(conn, "SELECT count(*) FROM actuals WHERE amount_currency <> 'USD'"), 0, "{name}");
    }
}

#[test]
fn focus_rows_keep_drill_down_fields_and_map_categories() {
    let db = temp_db();
    let mut store = db.open();
    let file = focus_fixture("saas_examples__virtual_currency_pricing_model_c.csv");
    import_focus(&mut store, &file, &FocusOptions::default()).expect("imports");
    let row: (String, String, String, String, String, String, i64) = store
        .conn()
        .query_row(
            "SELECT month, category, provider, service, resource, note, amount_minor FROM actuals WHERE resource = 'adefy'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .expect("a row");
    assert_eq!(
        row,
        (
            "2025-04".to_owned(),
            "other".to_owned(),
            "ACMECORP".to_owned(),
            "ACMECORP SERVICE".to_owned(),
            "adefy".to_owned(),
            "Purchase: Token Purchase For Period 1 Overage".to_owned(),
            300_000
        )
    );
    // The second row starts 10/1/25.
    assert_eq!(total_minor(store.conn(), "actuals", "month = '2025-10'"), 5_000_000);

    // "Database" (as this vendor spells it) is storage; "Business Applications" is other.
    let db = temp_db();
    let mut store = db.open();
    focus(&mut store, &focus_fixture("saas_examples__spend_agreements__saas_spend_agreements_a1.csv"))
        .expect("imports");
    assert_eq!(count(store.conn(), "SELECT count(*) FROM actuals WHERE category = 'storage'"), 4);
    focus(&mut store, &focus_fixture("saas_examples__simple_agreements__simple_saas_agreements_a1.csv"))
        .expect("imports");
    assert_eq!(count(store.conn(), "SELECT count(*) FROM actuals WHERE category = 'other'"), 1);
}

#[test]
fn us_dates_land_in_their_month() {
    let db = temp_db();
    let mut store = db.open();
    focus(&mut store, &focus_fixture("saas_examples__simple_agreements__simple_saas_agreements_c.csv"))
        .expect("imports");
    let conn = store.conn();
    // ChargePeriodStart 4/1/25, 5/1/25 and 6/1/25.
    assert_eq!(total_minor(conn, "actuals", "month = '2025-04'"), 1_010_000);
    assert_eq!(total_minor(conn, "actuals", "month = '2025-05'"), 1_300_000);
    assert_eq!(total_minor(conn, "actuals", "month = '2025-06'"), 1_270_000);
}

#[test]
fn a_file_without_billing_currency_is_taken_in_the_base_currency_and_says_so() {
    let db = temp_db();
    let mut store = db.open();
    let file = focus_fixture("commitment_discount_scenarios__commitment_discount_purchase_scenario_3.csv");
    let report = import_focus(&mut store, &file, &FocusOptions::default()).expect("imports");
    assert!(
        report.notes.iter().any(|n| n == "no BillingCurrency column; amounts taken as USD (the base currency)"),
        "{:?}",
        report.notes
    );
    assert!(report.notes.iter().any(|n| n.contains("no Tags column")), "{:?}", report.notes);
    assert_eq!(count(store.conn(), "SELECT count(DISTINCT month) FROM actuals"), 1, "all of January 2023");
}

#[test]
fn the_same_focus_file_twice_adds_nothing_the_second_time() {
    let db = temp_db();
    let mut store = db.open();
    // Two of its three rows are identical: two charges, not one.
    let file = focus_fixture(
        "commitment_discount_flexibility__one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
    );
    let first = import_focus(&mut store, &file, &FocusOptions::default()).expect("first import");
    assert_eq!((first.rows, first.written, first.duplicates), (3, 3, 0));
    let total = total_minor(store.conn(), "actuals", "1");
    let second = import_focus(&mut store, &file, &FocusOptions::default()).expect("second import");
    assert_eq!((second.rows, second.written, second.duplicates, second.unallocated), (3, 0, 3, 0));
    let conn = store.conn();
    assert_eq!(count(conn, "SELECT count(*) FROM actuals"), 3);
    assert_eq!(total_minor(conn, "actuals", "1"), total, "totals unchanged");
    // Both imports are on record, each with one audit row.
    assert_eq!(count(conn, "SELECT count(*) FROM imports WHERE kind = 'focus'"), 2);
    assert_eq!(count(conn, "SELECT count(*) FROM audit_log WHERE entity = 'import' AND action = 'import'"), 2);
    let (rows, written, actor): (i64, i64, String) = conn
        .query_row("SELECT rows, written, actor FROM imports ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("the import row");
    assert_eq!((rows, written, actor.as_str()), (3, 0, "tester"));
    let after: String = conn
        .query_row("SELECT after FROM audit_log WHERE entity = 'import' ORDER BY id LIMIT 1", [], |r| r.get(0))
        .expect("the audit row");
    let after: serde_json::Value = serde_json::from_str(&after).expect("JSON");
    assert_eq!(after["kind"], "focus");
    assert_eq!(after["written"], 3);
    assert_eq!(after["file"].as_str().map(|f| f.ends_with("2_resources.csv")), Some(true));
}

/// A small FOCUS file with tags, in the column order and quoting a provider might use.
const TAGGED: &str = "BillingCurrency,ChargePeriodStart,BilledCost,EffectiveCost,ServiceCategory,ProviderName,ServiceName,ResourceId,ChargeCategory,Tags\n\
USD,2025-03-01T00:00:00Z,10.00,9.00,AI and Machine Learning,AWS,SageMaker,r-1,Usage,\"{\"\"initiative\"\": \"\"Fraud detection\"\"}\"\n\
USD,2025-03-02T00:00:00Z,5.004,4.00,Compute,GCP,Compute Engine,r-2,Usage,\"{\"\"Initiative\"\": \"\"fraud-detection\"\", \"\"team\"\": \"\"ml\"\"}\"\n\
USD,2025-03-03T00:00:00Z,1.00,1.00,Storage,AWS,S3,r-3,Usage,\"{\"\"team\"\": \"\"ml\"\"}\"\n\
USD,2025-03-04T00:00:00Z,2.00,2.00,Storage,AWS,S3,r-4,Usage,\"{\"\"initiative\"\": \"\"Ranker\"\"}\"\n\
USD,2025-03-05T00:00:00Z,3.00,3.00,Networking,AWS,VPC,r-5,Usage,initiative=fraud\n\
USD,2025-03-06T00:00:00Z,4.00,4.00,Networking,AWS,VPC,r-6,Usage,\n\
USD,2025-03-07T00:00:00Z,6.00,6.00,Analytics,AWS,Athena,r-7,Usage,null\n";

#[test]
fn tagged_rows_land_on_their_initiative_and_the_rest_in_unallocated() {
    let db = temp_db();
    let mut store = db.open();
    let fraud = add_initiative(&store, "Fraud detection");
    let file = db.write("tagged.csv", TAGGED);
    let report = import_focus(&mut store, &file, &FocusOptions::default()).expect("imports");
    assert_eq!((report.rows, report.written, report.unallocated), (7, 7, 5));
    let conn = store.conn();
    // 10.00 + 5.004 (rounded half to even to 5.00), tag key and value matched ignoring case and dashes.
    assert_eq!(total_minor(conn, "actuals", &format!("initiative_id = {fraud}")), 1_500);
    assert_eq!(total_minor(conn, "actuals", "initiative_id IS NULL"), 1_600);
    assert_eq!(count(conn, "SELECT count(*) FROM actuals WHERE tag = 'Ranker' AND initiative_id IS NULL"), 1);
    assert_eq!(count(conn, "SELECT count(*) FROM actuals WHERE category = 'compute'"), 3, "AI, Compute and Analytics");
    let notes = report.notes.join("\n");
    assert_mentions(
        &notes,
        &["1 row had a Tags value that is not a JSON object", "`Ranker` (1)", "3 rows had no `initiative` tag"],
    );

    // Once Ranker exists, importing the file again moves its row out of Unallocated, and only it.
    let ranker = add_initiative(&store, "ranker");
    let again = import_focus(&mut store, &file, &FocusOptions::default()).expect("imports again");
    assert_eq!((again.written, again.duplicates, again.unallocated), (1, 6, 0));
    assert_eq!(total_minor(store.conn(), "actuals", &format!("initiative_id = {ranker}")), 200);
    let third = import_focus(&mut store, &file, &FocusOptions::default()).expect("imports a third time");
    assert_eq!(third.written, 0);
    assert_eq!(count(store.conn(), "SELECT count(*) FROM actuals"), 7);
}

#[test]
fn the_tag_key_and_cost_column_can_be_chosen() {
    let db = temp_db();
    let mut store = db.open();
    let team = add_initiative(&store, "ML");
    let file = db.write("tagged.csv", TAGGED);
    let options = FocusOptions { tag_key: "TEAM".to_owned(), cost_column: CostColumn::EffectiveCost };
    let report = import_focus(&mut store, &file, &options).expect("imports");
    assert_eq!(report.unallocated, 5);
    assert_eq!(
        total_minor(store.conn(), "actuals", &format!("initiative_id = {team}")),
        500,
        "EffectiveCost 4.00 + 1.00"
    );
    assert_eq!(total_minor(store.conn(), "actuals", "1"), 2_900, "the EffectiveCost column");
}

#[test]
fn effective_cost_moves_commitment_purchases_onto_the_usage() {
    let file = focus_fixture("commitment_discount_scenarios__commitment_discount_usage_scenario_4.csv");
    let db = temp_db();
    let mut store = db.open();
    let options = FocusOptions { cost_column: CostColumn::EffectiveCost, ..FocusOptions::default() };
    import_focus(&mut store, &file, &options).expect("imports");
    // BilledCost 0.00 + 0.50; EffectiveCost 1.00 + 0.50.
    assert_eq!(total_minor(store.conn(), "actuals", "1"), 150);

    let purchase = focus_fixture("commitment_discount_scenarios__commitment_discount_purchase_scenario_1.csv");
    let db = temp_db();
    let mut store = db.open();
    let report = import_focus(&mut store, &purchase, &options).expect("imports");
    assert_eq!((report.written, total_minor(store.conn(), "actuals", "1")), (1, 0), "the purchase is a 0 row");
}

#[test]
fn focus_previews_count_without_writing() {
    let db = temp_db();
    let mut store = db.open();
    add_initiative(&store, "Fraud detection");
    let file = db.write("tagged.csv", TAGGED);
    let before = table_counts(store.conn());
    let preview = preview_focus(store.conn(), &file, &FocusOptions::default()).expect("previews");
    assert_eq!(table_counts(store.conn()), before, "a preview writes nothing");
    assert_eq!((preview.rows, preview.would_write, preview.duplicates, preview.unallocated), (7, 7, 0, 5));
    assert!(preview.errors.is_empty() && !preview.stopped_early);
    assert_eq!(preview.sample.len(), 7);
    let first = &preview.sample[0];
    assert_eq!((first.row, first.initiative.as_deref(), first.amount.minor), (2, Some("Fraud detection"), 1_000));
    assert_eq!(
        (first.provider.as_deref(), first.service.as_deref(), first.resource.as_deref()),
        (Some("AWS"), Some("SageMaker"), Some("r-1"))
    );
    let json = serde_json::to_value(&preview).expect("serialises");
    assert_eq!(json["kind"], "focus");
    assert_eq!(json["sample"][0]["amount"]["minor"], 1_000);

    import_focus(&mut store, &file, &FocusOptions::default()).expect("imports");
    let after = preview_focus(store.conn(), &file, &FocusOptions::default()).expect("previews again");
    assert_eq!((after.would_write, after.duplicates, after.sample.len()), (0, 7, 0));
}

#[test]
fn a_file_of_several_batches_imports_every_row_once() {
    // More rows than one batch (65,536) between the reading and the writing thread; the first and
    // last rows are identical (two charges), and every third row is tagged.
    let db = temp_db();
    let mut store = db.open();
    let fraud = add_initiative(&store, "Fraud detection");
    let mut text = String::from("ChargePeriodStart,BilledCost,BillingCurrency,ResourceId,Tags\n");
    let rows = 140_000;
    for i in 0..rows {
        let resource = if i == rows - 1 { 0 } else { i };
        let tags = if resource % 3 == 0 { r#""{""initiative"": ""fraud detection""}""# } else { "" };
        text.push_str(&format!("2025-{:02}-01,0.01,USD,r-{resource},{tags}\n", resource % 12 + 1));
    }
    let path = db.write("big.csv", &text);

    let preview = preview_focus(store.conn(), &path, &FocusOptions::default()).expect("previews");
    assert_eq!((preview.rows, preview.would_write), (rows, rows));
    let lines: Vec<u64> = preview.sample.iter().map(|r| r.row).collect();
    assert_eq!(lines, (2..52).collect::<Vec<u64>>(), "the sample is the first rows of the file, in order");

    let report = import_focus(&mut store, &path, &FocusOptions::default()).expect("imports");
    assert_eq!((report.rows, report.written, report.duplicates), (rows, rows, 0));
    let tagged = (0..rows - 1).filter(|i| i % 3 == 0).count() + 1;
    assert_eq!(report.unallocated, rows - tagged);
    let conn = store.conn();
    assert_eq!(total_minor(conn, "actuals", "1"), rows as i64);
    assert_eq!(total_minor(conn, "actuals", &format!("initiative_id = {fraud}")), tagged as i64);
    assert_eq!(count(conn, "SELECT count(*) FROM actuals WHERE resource = 'r-0'"), 2, "identical rows are two charges");
    let again = import_focus(&mut store, &path, &FocusOptions::default()).expect("imports again");
    assert_eq!((again.written, again.duplicates), (0, rows));
}

#[test]
fn focus_errors_name_file_row_column_and_value_and_change_nothing() {
    let header = "ChargePeriodStart,BilledCost,BillingCurrency,Tags\r\n";
    let good = "2025-03-01T00:00:00Z,1.00,USD,\r\n";
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "bad date",
            "2025-13-01T00:00:00Z,1.00,USD,",
            &["bill.csv: row 4, column `ChargePeriodStart`: `2025-13-01T00:00:00Z` is not a date"],
        ),
        (
            "cost not a number",
            "2025-03-01,\"12,5O\",USD,",
            &["bill.csv: row 4, column `BilledCost`: `12,5O` is not a number"],
        ),
        ("empty cost", "2025-03-01,,USD,", &["bill.csv: row 4, column `BilledCost`: is empty"]),
        (
            "empty currency on a cost",
            "2025-03-01,3.50,,",
            &["bill.csv: row 4, column `BillingCurrency`: is empty, but the row costs 3.50"],
        ),
        (
            "unknown currency",
            "2025-03-01,3.50,XYZ,",
            &["bill.csv: row 4, column `BillingCurrency`: `XYZ` is not an ISO 4217"],
        ),
        (
            "no exchange rate",
            "2025-03-01,3.50,EUR,",
            &[
                "bill.csv: row 4, column `BillingCurrency`: `EUR` has no exchange rate",
                "mlops-portfolio fx set EUR 1.08",
            ],
        ),
    ];
    for (what, bad, fragments) in cases {
        let db = temp_db();
        let mut store = db.open();
        // A blank line before the bad row: rows are lines of the file.
        let path = db.write("bill.csv", &format!("{header}{good}\r\n{bad}\r\n{good}"));
        let message = refused(&mut store, |s| focus(s, &path));
        assert_mentions(&message, fragments);
        assert!(message.starts_with("bill.csv: 1 row is bad; nothing was imported"), "{what}: {message}");
    }
}

#[test]
fn a_missing_cost_column_is_named() {
    let db = temp_db();
    let mut store = db.open();
    let path = db.write("bill.csv", "ChargePeriodStart,EffectiveCost\n2025-03-01,1.00\n");
    let message = refused(&mut store, |s| focus(s, &path));
    assert_mentions(&message, &["bill.csv: row 1, column `BilledCost`: is missing", "EffectiveCost"]);
    let path = db.write("bill.csv", "BilledCost\n1.00\n");
    let message = refused(&mut store, |s| focus(s, &path));
    assert_mentions(&message, &["column `ChargePeriodStart`: is missing"]);
}

#[test]
fn focus_files_with_bytes_that_are_not_utf8_are_refused_naming_the_row() {
    let db = temp_db();
    let mut store = db.open();
    let mut bytes = b"ChargePeriodStart,BilledCost,ServiceName\n2025-03-01,1.00,S3\n2025-03-01,1.00,Caf".to_vec();
    bytes.extend_from_slice(&[0xE9, b'\n']);
    let path = db.file("bill.csv");
    std::fs::write(&path, bytes).expect("written");
    let message = refused(&mut store, |s| focus(s, &path));
    assert_mentions(&message, &["bill.csv: row 3, column `ServiceName`: `Caf\u{FFFD}` is not UTF-8 text"]);
}

// ---------------------------------------------------------------------------------------------
// Budgets and actuals CSV

/// A portfolio with one initiative, "Fraud detection", and rates for EUR and JPY.
fn portfolio() -> (TempDb, Store, i64) {
    let db = temp_db();
    let store = db.open();
    let id = add_initiative(&store, "Fraud detection");
    set_rate(&store, Currency::EUR, "1.08");
    set_rate(&store, Currency::JPY, "0.0067");
    (db, store, id)
}

#[test]
fn budgets_accept_bom_crlf_quotes_and_any_header_order() {
    let (db, mut store, fraud) = portfolio();
    let text = "\u{feff}Month,INITIATIVE,Category,Currency,Amount\r\n\
                2026-01,fraud DETECTION,compute,USD,\"1,234.50\"\r\n\
                \"2026-01\",Fraud detection,people,EUR,900\r\n\
                2026-02,Fraud detection,Storage,usd,0.5\r\n\r\n\r\n";
    let path = db.write("budgets.csv", text);
    let report = import_budgets(&mut store, &path).expect("imports");
    assert_eq!((report.kind, report.rows, report.written, report.duplicates), (ImportKind::Budgets, 3, 3, 0));
    let conn = store.conn();
    assert_eq!(
        total_minor(conn, "budget_lines", &format!("initiative_id = {fraud} AND category = 'compute'")),
        123_450
    );
    assert_eq!(
        count(conn, "SELECT count(*) FROM budget_lines WHERE amount_currency = 'EUR' AND amount_minor = 90000"),
        1
    );
    assert_eq!(total_minor(conn, "budget_lines", "month = '2026-02'"), 50);

    let again = import_budgets(&mut store, &path).expect("imports again");
    assert_eq!((again.written, again.duplicates), (0, 3), "the same file sets the same cells");

    // A changed amount and a changed currency each replace their cell; the rest is unchanged.
    let changed = "initiative,month,category,amount,currency\n\
                   Fraud detection,2026-01,compute,1300,USD\n\
                   Fraud detection,2026-01,people,900,USD\n\
                   Fraud detection,2026-02,storage,0.50,USD\n";
    let path = db.write("budgets-v2.csv", changed);
    let report = import_budgets(&mut store, &path).expect("imports the change");
    assert_eq!((report.written, report.duplicates), (2, 1));
    let conn = store.conn();
    assert_eq!(count(conn, "SELECT count(*) FROM budget_lines"), 3);
    assert_eq!(total_minor(conn, "budget_lines", "category = 'people' AND amount_currency = 'USD'"), 90_000);
    assert_eq!(count(conn, "SELECT count(*) FROM imports WHERE kind = 'budgets'"), 3);
}

const BUDGET_HEADER: &str = "initiative,month,category,amount,currency\n";
const GOOD_BUDGET_ROWS: &str = "Fraud detection,2026-01,compute,100,USD\nFraud detection,2026-02,compute,100,USD\n";

#[test]
fn each_kind_of_bad_budget_row_is_named_and_nothing_is_written() {
    // (what, the bad row (line 4, after two good rows), what the message must say)
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "bad month",
            "Fraud detection,2026-13,compute,100,USD",
            &["row 4, column `month`: `2026-13` is not a month", "YYYY-MM"],
        ),
        (
            "bad category",
            "Fraud detection,2026-03,gpu,100,USD",
            &["row 4, column `category`: `gpu` is not one of: compute, storage, people, vendor, other"],
        ),
        (
            "bad amount",
            "Fraud detection,2026-03,compute,\"12,5O\",USD",
            &["row 4, column `amount`: `12,5O` is not a number; write it like 1234.50"],
        ),
        (
            "too many decimals for JPY",
            "Fraud detection,2026-03,compute,1500.5,JPY",
            &["row 4, column `amount`: `1500.5` has decimals, but JPY has none; round it to whole JPY"],
        ),
        (
            "unknown currency",
            "Fraud detection,2026-03,compute,100,XYZ",
            &["row 4, column `currency`: `XYZ` is not an ISO 4217 currency code"],
        ),
        (
            "missing FX rate",
            "Fraud detection,2026-03,compute,100,GBP",
            &["row 4, column `currency`: `GBP` has no exchange rate", "`mlops-portfolio fx set GBP 1.08`"],
        ),
        (
            "unknown initiative",
            "Fraud detektion,2026-03,compute,100,USD",
            &[
                "row 4, column `initiative`: `Fraud detektion` is not the name of any initiative",
                "mlops-portfolio add initiative name=\"Fraud detektion\"",
            ],
        ),
        ("empty initiative", ",2026-03,compute,100,USD", &["row 4, column `initiative`: is empty"]),
        (
            "unquoted thousands",
            "Fraud detection,2026-03,compute,1,234.50,USD",
            &["row 4: has 6 fields but the header has 5", "double quotes"],
        ),
        (
            "duplicate cell",
            "Fraud detection,2026-02,Compute,250,USD",
            &["row 4: sets the same budget cell as row 3 (Fraud detection, 2026-02, compute)"],
        ),
    ];
    for (what, bad, fragments) in cases {
        let (db, mut store, _) = portfolio();
        // Something imported before, so "unchanged" is about a portfolio with data in it.
        let earlier = db.write("earlier.csv", &format!("{BUDGET_HEADER}Fraud detection,2025-12,compute,1,USD\n"));
        import_budgets(&mut store, &earlier).expect("the earlier file imports");
        let path = db.write("budgets.csv", &format!("{BUDGET_HEADER}{GOOD_BUDGET_ROWS}{bad}\n"));
        let message = refused(&mut store, |s| budgets(s, &path));
        assert!(message.starts_with("budgets.csv: 1 row is bad; nothing was imported"), "{what}: {message}");
        let listed: Vec<String> = fragments.iter().map(|f| format!("budgets.csv: {f}")).collect();
        assert_mentions(&message, &[listed[0].as_str()]);
        assert_mentions(&message, &fragments[1..]);
    }
}

#[test]
fn bad_headers_are_named_with_the_expected_columns() {
    let rows = GOOD_BUDGET_ROWS;
    let cases: &[(&str, &[&str])] = &[
        (
            "initiative,month,category,amount\n",
            &[
                "budgets.csv: row 1, column `currency`: is missing from the header",
                "initiative, month, category, amount, currency",
            ],
        ),
        (
            "initiative,month,category,ammount,currency\n",
            &[
                "budgets.csv: row 1, column `ammount`: is not a column of a budgets file",
                "budgets.csv: row 1, column `amount`: is missing",
            ],
        ),
        ("initiative,month,category,amount,currency,source\n", &["column `source`: is not a column of a budgets file"]),
        ("initiative,month,month,category,amount,currency\n", &["column `month`: appears twice"]),
    ];
    let mut cases: Vec<(String, &[&str])> = cases.iter().map(|(header, f)| (format!("{header}{rows}"), *f)).collect();
    cases.push((String::new(), &["budgets.csv: row 1: the file is empty"]));
    for (text, fragments) in cases {
        let (db, mut store, _) = portfolio();
        let path = db.write("budgets.csv", &text);
        let message = refused(&mut store, |s| budgets(s, &path));
        assert_mentions(&message, fragments);
    }
}

#[test]
fn budget_rows_that_are_not_utf8_are_refused_naming_the_row() {
    let (db, mut store, _) = portfolio();
    let mut bytes = format!("{BUDGET_HEADER}{GOOD_BUDGET_ROWS}").into_bytes();
    bytes.extend_from_slice(b"Fraud detection,2026-03,compute,100,USD\nFraud detection,2026-04,comput");
    bytes.extend_from_slice(&[0xE9, 0xFF]);
    bytes.extend_from_slice(b",100,USD\n");
    let path = db.file("budgets.csv");
    std::fs::write(&path, bytes).expect("written");
    let message = refused(&mut store, |s| budgets(s, &path));
    assert_mentions(&message, &["budgets.csv: row 5, column `category`:", "is not UTF-8 text", "CSV UTF-8"]);
}

#[test]
fn several_bad_rows_are_reported_together_up_to_twenty() {
    let (db, mut store, _) = portfolio();
    let text = format!(
        "{BUDGET_HEADER}Fraud detection,2026-13,compute,100,USD\nFraud detection,2026-01,gpu,1x,USD\n{GOOD_BUDGET_ROWS}Nobody,2026-01,compute,1,USD\n"
    );
    let path = db.write("budgets.csv", &text);
    let message = refused(&mut store, |s| budgets(s, &path));
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines[0], "budgets.csv: 3 rows are bad; nothing was imported. Fix them and import again:");
    assert_eq!(lines.len(), 5, "four problems in three rows:\n{message}");
    assert!(lines[2].starts_with("budgets.csv: row 3, column `category`"), "{message}");
    assert!(lines[3].starts_with("budgets.csv: row 3, column `amount`"), "{message}");
    assert!(lines[4].starts_with("budgets.csv: row 6, column `initiative`"), "{message}");

    let many: String = (0..30).map(|i| format!("Fraud detection,2026-{:02},compute,oops,USD\n", i % 12 + 1)).collect();
    let path = db.write("many.csv", &format!("{BUDGET_HEADER}{many}"));
    let message = refused(&mut store, |s| budgets(s, &path));
    assert!(message.starts_with("many.csv: stopped reading after 20 problems in 20 rows"), "{message}");
    assert_eq!(message.lines().count(), 21);

    // The preview reads on, up to 200 problems, so the whole list can be shown at once.
    let preview = preview_budgets(store.conn(), &path).expect("previews");
    assert_eq!((preview.errors.len(), preview.rows, preview.stopped_early), (30, 30, false));
    assert_eq!(preview.errors[29].row, 31);
    assert_eq!(preview.errors[29].column.as_deref(), Some("amount"));
    assert_eq!(preview.errors[29].value.as_deref(), Some("oops"));
}

#[test]
fn budget_previews_show_what_would_change_without_writing() {
    let (db, mut store, _) = portfolio();
    let path = db.write("budgets.csv", &format!("{BUDGET_HEADER}{GOOD_BUDGET_ROWS}"));
    import_budgets(&mut store, &path).expect("imports");
    let changed = db.write(
        "budgets.csv",
        &format!("{BUDGET_HEADER}Fraud detection,2026-01,compute,100,USD\nFraud detection,2026-02,compute,175.25,EUR\nFraud detection,2026-03,vendor,5,USD\n"),
    );
    let before = table_counts(store.conn());
    let preview = preview_budgets(store.conn(), &changed).expect("previews");
    assert_eq!(table_counts(store.conn()), before, "a preview writes nothing");
    assert_eq!((preview.rows, preview.would_write, preview.duplicates), (3, 2, 1));
    let rows: Vec<(u64, i64, Option<i64>)> =
        preview.sample.iter().map(|r| (r.row, r.amount.minor, r.replaces.map(|m| m.minor))).collect();
    assert_eq!(rows, vec![(3, 17_525, Some(10_000)), (4, 500, None)]);
    assert_eq!(preview.sample[0].initiative.as_deref(), Some("Fraud detection"));
}

#[test]
fn actuals_import_once_with_unallocated_rows_and_references() {
    let (db, mut store, fraud) = portfolio();
    let vendor = Vendor { name: "Scale AI".into(), category: VendorCategory::Labeling, contact: None, website: None };
    let vendor_id = records::insert(store.conn(), "tester", &vendor).expect("vendor").id.0;
    let model = Model {
        name: "fraud-scorer".into(),
        description: String::new(),
        owner: String::new(),
        initiative_id: None,
        stage: ModelStage::Production,
        risk_tier: RiskTier::High,
        data_categories: vec![],
        deployment: None,
        notes: None,
        purpose: None,
        decides_about_people: None,
        interacts_with_people: None,
        generates_content: None,
        ai_act_role: None,
    };
    let model_id = records::insert(store.conn(), "tester", &model).expect("model").id.0;
    let text = "initiative,month,category,amount,currency,source,vendor,model,note\n\
                Fraud detection,2026-01,vendor,1200,USD,invoice,scale ai,Fraud-Scorer,labeling batch 1\n\
                ,2026-01,compute,99.99,EUR,,,,\n\
                ,2026-01,compute,99.99,EUR,,,,\n";
    let path = db.write("actuals.csv", text);
    let report = import_actuals(&mut store, &path).expect("imports");
    assert_eq!((report.kind, report.rows, report.written, report.unallocated), (ImportKind::Actuals, 3, 3, 2));
    let conn = store.conn();
    let first: (i64, String, i64, i64, String) = conn
        .query_row(
            "SELECT initiative_id, source, vendor_id, model_id, note FROM actuals WHERE category = 'vendor'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("the vendor row");
    assert_eq!(first, (fraud, "invoice".to_owned(), vendor_id, model_id, "labeling batch 1".to_owned()));
    assert_eq!(count(conn, "SELECT count(*) FROM actuals WHERE initiative_id IS NULL AND source = 'csv'"), 2);

    // Importing again, or the same rows in another column order and number format, adds nothing.
    assert_eq!(import_actuals(&mut store, &path).expect("again").written, 0);
    let reordered = "Note,Amount,Currency,Category,Month,Initiative,Source,Vendor,Model\n\
                     labeling batch 1,\"1,200.00\",usd,Vendor,2026-01,FRAUD DETECTION,Invoice,Scale AI,fraud-scorer\n";
    let path = db.write("reordered.csv", reordered);
    let report = import_actuals(&mut store, &path).expect("imports the reordered file");
    assert_eq!((report.written, report.duplicates), (0, 1));
    assert_eq!(count(store.conn(), "SELECT count(*) FROM actuals"), 3);

    let preview = preview_actuals(
        store.conn(),
        &db.write("new.csv", "initiative,month,category,amount,currency\n,2026-02,other,1,USD\n"),
    )
    .expect("previews");
    assert_eq!((preview.would_write, preview.unallocated, preview.sample[0].initiative.as_deref()), (1, 1, None));
}

#[test]
fn actuals_with_unknown_references_or_columns_are_refused() {
    let cases: &[(&str, &[&str])] = &[
        (
            "initiative,month,category,amount,currency,vendor\nFraud detection,2026-01,vendor,1,USD,Nobody Inc\n",
            &[
                "actuals.csv: row 2, column `vendor`: `Nobody Inc` is not the name of any vendor",
                "mlops-portfolio add vendor",
            ],
        ),
        (
            "initiative,month,category,amount,currency,model\nFraud detection,2026-01,vendor,1,USD,gpt-9\n",
            &["actuals.csv: row 2, column `model`: `gpt-9` is not the name of any model"],
        ),
        (
            "initiative,month,category,amount,currency,source\nFraud detection,2026-01,vendor,1,USD,paypal\n",
            &["actuals.csv: row 2, column `source`: `paypal` is not one of: manual, csv, focus, opencost, invoice"],
        ),
        (
            "initiative,month,category,amount,currency,vendr\nFraud detection,2026-01,vendor,1,USD,x\n",
            &[
                "actuals.csv: row 1, column `vendr`: is not a column of an actuals file",
                "optionally source, vendor, model, note",
            ],
        ),
    ];
    for (text, fragments) in cases {
        let (db, mut store, _) = portfolio();
        let path = db.write("actuals.csv", text);
        let message = refused(&mut store, |s| actuals(s, &path));
        assert_mentions(&message, fragments);
    }
}

#[test]
fn reports_serialise_for_the_cli() {
    let (db, mut store, _) = portfolio();
    let path = db.write("budgets.csv", &format!("{BUDGET_HEADER}{GOOD_BUDGET_ROWS}"));
    let report = import_budgets(&mut store, &path).expect("imports");
    let json = serde_json::to_value(&report).expect("serialises");
    assert_eq!(
        json,
        serde_json::json!({"kind": "budgets", "file": "budgets.csv", "rows": 2, "written": 2, "duplicates": 0, "unallocated": 0, "notes": []})
    );
}
