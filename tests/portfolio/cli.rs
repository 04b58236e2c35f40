//! The `mlops-portfolio` binary as a script would use it: exit codes, stdout, stderr, `--json`.

use std::process::{Command, Output};

use serde_json::Value;

use super::{TempDb, temp_file};

pub fn cli(db: &TempDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlops-portfolio"))
        .arg("--db")
        .arg(&db.path)
        .args(args)
        .output()
        .expect("the CLI runs")
}

/// Runs a command that must succeed and returns its standard output.
pub fn ok(db: &TempDb, args: &[&str]) -> String {
    let out = cli(db, args);
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs a command that must fail and returns its error message.
pub fn fails(db: &TempDb, args: &[&str]) -> String {
    let out = cli(db, args);
    assert!(!out.status.success(), "{args:?} should have failed but printed {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr).expect("UTF-8 errors")
}

pub fn json(db: &TempDb, args: &[&str]) -> Value {
    serde_json::from_str(&ok(db, args)).expect("valid JSON")
}

#[test]
fn a_new_portfolio_takes_records_and_summarises_them() {
    let db = temp_file();
    ok(&db, &["init", "--currency", "EUR"]);
    ok(&db, &["add", "initiative", "name=Fraud detection", "status=active", "priority=1", "start=2026-01"]);
    ok(&db, &["add", "budget", "initiative=fraud detection", "month=2026-01", "category=compute", "amount=1,000.50"]);
    ok(&db, &["add", "budget", "initiative=Fraud detection", "month=2026-02", "category=people", "amount=200 USD"]);
    let err = fails(&db, &["summary", "--json"]);
    assert!(err.contains("no exchange rate for USD") && err.contains("fx set USD"), "{err}");
    ok(&db, &["fx", "set", "USD", "0.5"]);
    ok(&db, &["add", "actual", "month=2026-01", "category=compute", "amount=10", "source=manual"]);

    let summary = json(&db, &["summary", "--json", "--as-of", "2026-02"]);
    assert_eq!(summary["base_currency"], "EUR");
    assert_eq!(summary["initiatives"], 1);
    assert_eq!(summary["period"]["label"], "2026");
    assert_eq!(summary["to_date_words"], "2026 to date, through Feb");
    assert_eq!(summary["budget_period_minor"], 100_050 + 10_000, "USD 200 is EUR 100 at 0.5");
    assert_eq!(summary["budget_to_date_minor"], 100_050 + 10_000, "January and February have closed");
    assert_eq!(summary["actual_to_date_minor"], 1_000);
    assert_eq!(summary["variance_to_date_minor"], 1_000 - 110_050, "under budget: negative");
    assert_eq!(summary["unallocated_actual_minor"], 1_000, "an actual without initiative is unallocated");
    assert_eq!(summary["by_initiative"][0]["name"], "Fraud detection");
    assert_eq!(summary["by_initiative"][0]["figures"]["budget_period_minor"], 110_050);
    let months: Vec<(String, i64, i64)> = summary["by_month"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_owned(),
                m["budget_minor"].as_i64().unwrap(),
                m["actual_minor"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [("2026-01".to_owned(), 100_050, 1_000), ("2026-02".to_owned(), 10_000, 0), ("2026-03".to_owned(), 0, 0)],
        "per month of the period, in EUR"
    );
    assert_eq!(summary["by_month"].as_array().map(Vec::len), Some(12), "every month of 2026");
    for key in ["headcount", "open_requisitions", "models_by_stage", "landing_minor", "attention"] {
        assert!(summary.get(key).is_some(), "summary has {key}");
    }
    let next_year = json(&db, &["summary", "--json", "--as-of", "2026-02", "--period", "2027"]);
    assert_eq!(next_year["budget_period_minor"], Value::Null, "no budget set for 2027, which is not 0");
    let text = ok(&db, &["summary", "--as-of", "2026-02", "--period", "2027"]);
    assert!(text.contains("no budget set for 2027"), "{text}");
    let err = fails(&db, &["summary", "--period", "next year"]);
    assert!(err.contains("2026-Q3"), "says how to write a period: {err}");
}

#[test]
fn list_show_update_remove_work_by_name_and_id() {
    let db = temp_file();
    ok(&db, &["init"]);
    ok(&db, &["add", "vendor", "name=Scale AI", "category=labeling"]);
    ok(&db, &["add", "model", "name=fraud-gbm", "stage=staging", "risk_tier=high", "data_categories=pii,financial"]);
    ok(&db, &["add", "model", "name=churn-xgb", "stage=development", "risk_tier=low"]);

    let production = json(&db, &["list", "model", "stage=staging", "--json"]);
    assert_eq!(production.as_array().unwrap().len(), 1);
    assert_eq!(production[0]["fields"]["data_categories"], serde_json::json!(["pii", "financial"]));

    ok(&db, &["update", "model", "churn-xgb", "stage=staging", "owner=Lee"]);
    let shown = json(&db, &["show", "model", "2", "--json"]);
    assert_eq!(shown["fields"]["stage"], "staging");
    assert_eq!(shown["fields"]["owner"], "Lee");
    assert_eq!(shown["fields"]["risk_tier"], "low", "fields not named stay as they were");

    ok(&db, &["remove", "model", "fraud-gbm"]);
    let err = fails(&db, &["show", "model", "fraud-gbm"]);
    assert!(err.contains("no model named `fraud-gbm`"), "{err}");
    let human = ok(&db, &["list", "model"]);
    assert!(human.contains("churn-xgb") && human.contains("1 record"), "{human}");
}

#[test]
fn bad_input_gives_one_clear_paragraph_and_a_failing_exit_code() {
    let db = temp_file();
    ok(&db, &["init"]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["add", "initiative", "name=X", "status=active", "priority=1", "start=2026-13"],
            "initiative start: `2026-13` is not a month",
        ),
        (
            &["add", "initiative", "name=X", "status=actve", "priority=1", "start=2026-01"],
            "`actve` is not one of: proposed, active",
        ),
        (&["add", "initiative", "name=X"], "missing: status, priority, start"),
        (&["add", "initiative", "nme=X"], "no field `nme`"),
        (
            &["add", "budget", "initiative=Nope", "month=2026-01", "category=compute", "amount=1"],
            "no initiative named `Nope`",
        ),
        (&["add", "role", "name=MLE", "base_salary=10.001", "loaded_annual_cost=12"], "3 decimal places but USD has 2"),
        (&["add", "gizmo", "name=X"], "not one of: initiative"),
        (&["fx", "set", "XYZ", "1.1"], "ISO 4217"),
        (&["fx", "set", "EUR", "-1"], "must be above zero"),
    ];
    for (args, expected) in cases {
        let err = fails(&db, args);
        assert!(err.contains(expected), "{args:?}: expected `{expected}` in: {err}");
    }
    assert_eq!(json(&db, &["list", "initiative", "--json"]), serde_json::json!([]), "nothing was written");
}

#[test]
fn the_environment_variable_chooses_the_file() {
    let db = temp_file();
    let out = Command::new(env!("CARGO_BIN_EXE_mlops-portfolio"))
        .env("MLOPS_PORTFOLIO_DB", &db.path)
        .args(["init", "--currency", "GBP"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(db.path.exists(), "the file named by MLOPS_PORTFOLIO_DB was created");
    assert_eq!(json(&db, &["summary", "--json"])["base_currency"], "GBP");
}

#[test]
fn exports_write_csv_and_a_workbook_with_a_sheet_per_table() {
    let db = temp_file();
    ok(&db, &["init"]);
    ok(&db, &["add", "initiative", "name=Churn, \"retention\"", "status=active", "priority=2", "start=2026-01"]);
    ok(&db, &["add", "budget", "initiative=1", "month=2026-03", "category=storage", "amount=1234.5"]);
    let csv = ok(&db, &["export", "csv", "--table", "budget"]);
    assert_eq!(
        csv,
        "id,initiative,month,category,amount,currency,note\n1,\"Churn, \"\"retention\"\"\",2026-03,storage,1234.50,USD,\n"
    );
    // The budgets export imports again as it is (ids ignored, cells matched by their values),
    // and an edited copy changes only the edited cell.
    let exported = db.write("budgets.csv", &csv);
    let unchanged = json(&db, &["import", "budgets", exported.to_str().unwrap(), "--json"]);
    assert_eq!(unchanged["written"], 0, "{unchanged}");
    let edited = db.write("edited.csv", &csv.replace("1234.50,USD,", "1500,USD,bigger SSDs"));
    let changed = json(&db, &["import", "budgets", edited.to_str().unwrap(), "--json"]);
    assert_eq!(changed["written"], 1, "{changed}");
    let after = ok(&db, &["export", "csv", "--table", "budget_lines"]);
    assert!(after.contains("2026-03,storage,1500.00,USD,bigger SSDs"), "{after}");

    let xlsx = db.file("portfolio.xlsx");
    ok(&db, &["export", "xlsx", xlsx.to_str().unwrap()]);
    let bytes = std::fs::read(&xlsx).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip archive");
    let err = fails(&db, &["export", "csv", "--table", "salaries"]);
    assert!(err.contains("there is no table `salaries`") && err.contains("initiatives"), "{err}");
}

#[test]
fn chart_writes_svg_and_png_whole_and_refuses_unknown_names_and_formats() {
    let db = temp_file();
    ok(&db, &["demo"]);
    let svg = db.file("spend.svg");
    let out = ok(&db, &["chart", "spend", "--out", svg.to_str().unwrap(), "--theme", "print"]);
    assert!(out.contains("Monthly spend by initiative"), "{out}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg width=\"1600\" height=\"900\"") && text.contains("<desc id="), "an accessible SVG");

    let png = db.file("burn.png");
    ok(
        &db,
        &["chart", "budget-burn", "--out", png.to_str().unwrap(), "--scale", "2", "--width", "800", "--height", "450"],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    let size =
        (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()));
    assert_eq!(size, (1600, 900), "800×450 at 2×");

    let listed = ok(&db, &["chart", "--list"]);
    assert_eq!(listed.lines().count(), 10, "{listed}");
    assert!(listed.contains("scenario-compare") && listed.contains("needs --scenarios"), "{listed}");
    let err = fails(&db, &["chart", "pie", "--out", "x.svg"]);
    assert!(err.contains("budget-burn") && err.contains("chart --list"), "{err}");
    let jpg = db.file("spend.jpg");
    let err = fails(&db, &["chart", "spend", "--out", jpg.to_str().unwrap()]);
    assert!(err.contains(".svg") && err.contains(".png"), "{err}");
    assert!(!jpg.exists(), "nothing is written for a refused format");
    let err = fails(&db, &["chart", "kpi", "--out", svg.to_str().unwrap()]);
    assert!(err.contains("--kpi") && err.contains("Fraud model precision"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(db.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "no partial files are left behind");
}

#[test]
fn forecast_on_the_small_demo_draws_intervals_and_says_when_history_is_too_short() {
    let db = temp_file();
    ok(&db, &["demo"]);
    let report = json(&db, &["forecast", "--json"]);
    assert_eq!(report["level"], 0.95);
    let portfolio = &report["portfolio"]["outlook"];
    assert_eq!(portfolio["status"], "forecast", "{portfolio}");
    let months = portfolio["months"].as_array().unwrap();
    assert_eq!(months.len(), 12, "the default horizon");
    for m in months {
        let (low, point, high) = (
            m["lower_minor"].as_i64().unwrap(),
            m["point_minor"].as_i64().unwrap(),
            m["upper_minor"].as_i64().unwrap(),
        );
        assert!(0 <= low && low <= point && point < high, "a real interval around the point: {m}");
    }
    let statuses: Vec<&str> = report["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["forecast"]["outlook"]["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"forecast"), "{statuses:?}");
    assert!(statuses.contains(&"insufficient_history"), "the demo's proposed initiative has no spend: {statuses:?}");
    assert_eq!(report["headcount"]["months"].as_array().unwrap().len(), 12);

    let text = ok(&db, &["forecast"]);
    for phrase in ["95% prediction intervals", "Portfolio: ", "Year end", "too little history", "Headcount cost"] {
        assert!(text.contains(phrase), "`{phrase}` in:\n{text}");
    }

    let one = json(&db, &["forecast", "--initiative", "fraud detection", "--horizon", "3", "--json"]);
    let initiatives = one["initiatives"].as_array().unwrap();
    assert_eq!(initiatives.len(), 1);
    assert_eq!(initiatives[0]["name"], "Fraud detection");
    assert_eq!(initiatives[0]["forecast"]["outlook"]["months"].as_array().unwrap().len(), 3);
    let text = ok(&db, &["forecast", "--initiative", "Fraud detection", "--horizon", "3"]);
    assert!(text.contains("Fraud detection: ") && text.contains("allocated %"), "{text}");

    let err = fails(&db, &["forecast", "--horizon", "0"]);
    assert!(err.contains("horizon: 0 is not from 1 to 60"), "{err}");
    let err = fails(&db, &["forecast", "--initiative", "Nope"]);
    assert!(err.contains("no initiative named `Nope`"), "{err}");
    let err = fails(&db, &["forecast", "--as-of", "2026-13"]);
    assert!(err.contains("YYYY-MM"), "{err}");
}

#[test]
fn the_workbook_gains_forecast_sheets_that_agree_with_the_forecast() {
    use calamine::{Data, DataType, Reader, Xlsx, open_workbook};

    let db = temp_file();
    ok(&db, &["demo"]);
    let xlsx = db.file("portfolio.xlsx");
    ok(&db, &["export", "xlsx", xlsx.to_str().unwrap()]);
    let report = json(&db, &["forecast", "--json"]);
    let mut workbook: Xlsx<_> = open_workbook(&xlsx).expect("the workbook opens");
    let names = workbook.sheet_names();
    let fiscal_year = json(&db, &["summary", "--json"])["period"]["key"].as_str().unwrap().to_owned();
    let model_cost = format!("Model cost {fiscal_year}");
    for sheet in [
        "initiatives",
        "actuals",
        "forecast",
        "forecast_landing",
        "headcount_projection",
        "kpi_values",
        "KPI scorecard",
        "Initiative value",
        &model_cost,
        "Starred KPI charts",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let text = |cell: &Data| cell.get_string().unwrap_or_default().to_owned();
    let number = |cell: &Data| cell.get_float().unwrap_or_else(|| panic!("{cell:?} is a number cell"));
    let dollars = |value: &Value| value.as_i64().unwrap() as f64 / 100.0;

    let by_month = workbook.worksheet_range("forecast").unwrap();
    let mut rows = by_month.rows();
    let headers: Vec<String> = rows.next().unwrap().iter().map(text).collect();
    assert_eq!(headers, ["month", "kind", "amount", "low_95", "high_95", "budget", "currency"]);
    let forecast_rows: Vec<&[Data]> = rows.filter(|r| text(&r[1]) == "forecast").collect();
    let months = report["portfolio"]["outlook"]["months"].as_array().unwrap();
    assert_eq!(forecast_rows.len(), months.len());
    for (row, m) in forecast_rows.iter().zip(months) {
        assert_eq!(text(&row[0]), m["month"].as_str().unwrap());
        assert!((number(&row[2]) - dollars(&m["point_minor"])).abs() < 0.005, "{row:?} vs {m}");
        assert!(number(&row[3]) <= number(&row[2]) && number(&row[2]) <= number(&row[4]), "{row:?}");
        assert_eq!(text(&row[6]), "USD");
    }

    let landing = workbook.worksheet_range("forecast_landing").unwrap();
    let fraud = landing.rows().find(|r| text(&r[0]) == "Fraud detection").expect("a row per initiative");
    let expected = report["initiatives"].as_array().unwrap().iter().find(|i| i["name"] == "Fraud detection").unwrap();
    let year_end = &expected["forecast"]["year_end"];
    assert!((number(&fraud[4]) - dollars(&year_end["budget_minor"])).abs() < 0.005, "{fraud:?}");
    assert!((number(&fraud[7]) - dollars(&year_end["landing"]["point_minor"])).abs() < 0.005, "{fraud:?}");
    assert_eq!(text(&fraud[11]), year_end["run_out"].as_str().unwrap_or_default(), "{fraud:?}");
    let short = landing.rows().find(|r| text(&r[2]).starts_with("no forecast")).expect("a too-short history says so");
    assert!(text(&short[2]).contains("needed") && short[7] == Data::Empty, "{short:?}");

    // The model cost sheet is the core's: its total spend row is `cost models`' total.
    let costs = json(&db, &["cost", "models", "--json"]);
    let sheet = workbook.worksheet_range(&model_cost).unwrap();
    let total = sheet.rows().find(|r| text(&r[0]) == "total spend").expect("a total row");
    assert!((number(&total[5]) - dollars(&costs["total_minor"])).abs() < 0.005, "{total:?}");
    let card = json(&db, &["kpi", "scorecard", "--json"]);
    let scorecard = workbook.worksheet_range("KPI scorecard").unwrap();
    assert_eq!(scorecard.rows().count() - 1, card["rows"].as_array().unwrap().len(), "a row per KPI");

    let headcount = workbook.worksheet_range("headcount_projection").unwrap();
    let totals: Vec<&[Data]> = headcount.rows().filter(|r| text(&r[1]) == "(all)").collect();
    assert_eq!(totals.len(), 12);
    let first = &report["headcount"]["months"][0];
    assert!((number(&totals[0][7]) - dollars(&first["total_cost_minor"])).abs() < 0.005, "{:?}", totals[0]);
}

#[test]
fn report_writes_one_self_contained_page_with_every_chart() {
    let db = temp_file();
    ok(&db, &["demo"]);
    let page = db.file("report.html");
    let out = ok(&db, &["report", "--out", page.to_str().unwrap(), "--as-of", "2026-10"]);
    let starred: Vec<Value> = serde_json::from_str(&ok(&db, &["list", "kpi", "starred=true", "--json"])).unwrap();
    assert_eq!(starred.len(), 3, "the demo stars three KPIs");
    assert!(out.contains("10 charts"), "seven portfolio charts and one per starred KPI: {out}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg ").count(), 10, "the charts are inline");
    for kpi in &starred {
        assert!(html.contains(kpi["fields"]["name"].as_str().unwrap()), "the chart of {kpi}");
    }
    assert!(html.contains("KPI scorecard, 31 October 2026:"), "the scorecard as of the month's end");
    assert!(html.contains("Fully loaded cost per model, 2026 to date"));
    assert!(html.contains("What initiatives are worth"));
    assert!(html.contains("2026 to date, through Oct · generated"), "the page says its period and month");
    assert!(html.contains("Fraud detection") && html.contains("Initiatives, 2026 to date, through Oct"));
    for outside in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(outside), "{outside} in the report");
    }
    let err = fails(&db, &["report", "--out", db.file("report.pdf").to_str().unwrap()]);
    assert!(err.contains(".html") && err.contains("report.pdf"), "HTML is not written into a .pdf: {err}");
    assert!(!db.file("report.pdf").exists());
    let err = fails(&db, &["report", "--out", db.file("missing-dir/report.html").to_str().unwrap()]);
    assert!(err.contains("missing-dir"), "{err}");
    assert!(!db.file("missing-dir").exists());
}

#[test]
fn csv_exports_neutralise_formulas_in_text_and_keep_numbers_numbers() {
    let db = temp_file();
    ok(&db, &["init"]);
    ok(&db, &["add", "vendor", "name==HYPERLINK(\"http://evil.example\",\"invoice\")", "category=saas"]);
    ok(&db, &["add", "vendor", "name=@SUM(A1)", "category=saas", "contact=+1 555 0100"]);
    ok(&db, &["add", "vendor", "name=Plain vendor", "category=saas", "contact=-"]);
    ok(
        &db,
        &[
            "add",
            "actual",
            "month=2026-03",
            "category=vendor",
            "amount=-500",
            "source=invoice",
            "vendor=Plain vendor",
            "note=-credit",
        ],
    );
    let read = |table: &str| -> Vec<csv::StringRecord> {
        let text = ok(&db, &["export", "csv", "--table", table]);
        csv::Reader::from_reader(text.as_bytes()).records().map(Result::unwrap).collect()
    };
    let vendors = read("vendor");
    let names: Vec<&str> = vendors.iter().map(|r| &r[1]).collect();
    assert_eq!(names, ["'=HYPERLINK(\"http://evil.example\",\"invoice\")", "'@SUM(A1)", "Plain vendor"]);
    assert_eq!(&vendors[1][3], "'+1 555 0100");
    assert_eq!(&vendors[2][3], "'-");
    let actuals = read("actual");
    let amount = actuals[0].iter().position(|c| c == "-500.00").expect("the amount stays a number");
    assert!(amount > 0);
    assert!(actuals[0].iter().any(|c| c == "'-credit"), "{:?}", actuals[0]);
}

#[test]
fn an_out_of_range_number_answers_like_every_other_range_error() {
    let db = temp_file();
    ok(&db, &["init"]);
    ok(&db, &["add", "role", "name=MLE", "base_salary=150000", "loaded_annual_cost=200000"]);
    ok(&db, &["add", "person", "name=Ana", "role=MLE", "start=2026-01"]);
    ok(&db, &["add", "initiative", "name=Churn", "status=active", "priority=2", "start=2026-01"]);
    let err = fails(&db, &["add", "allocation", "person=Ana", "initiative=Churn", "percent=-20", "start=2026-01"]);
    assert!(err.contains("percent: -20 is out of range: it cannot be negative"), "{err}");
    assert!(!err.contains("expected u8"), "{err}");
}

#[test]
fn amounts_are_plain_decimals_within_the_ceiling_and_text_has_no_control_characters() {
    let db = temp_file();
    ok(&db, &["init"]);
    ok(&db, &["add", "initiative", "name=Churn", "status=active", "priority=2", "start=2026-01"]);
    let budget = |amount: &str| {
        fails(
            &db,
            &["add", "budget", "initiative=Churn", "month=2026-03", "category=compute", &format!("amount={amount}")],
        )
    };
    for amount in ["1e3", "+5"] {
        assert!(budget(amount).contains("is not a number"), "{amount}");
    }
    assert!(budget("-5").contains("a budget is money set aside, 0 or more"), "negative budgets are refused");
    let err = fails(
        &db,
        &["add", "actual", "month=2026-03", "category=compute", "amount=92233720368547758.07", "source=manual"],
    );
    assert!(err.contains("above the largest amount a portfolio holds, 1,000,000,000,000 USD"), "{err}");
    ok(
        &db,
        &["add", "actual", "month=2026-03", "category=compute", "amount=-120.50", "source=invoice", "note=a refund"],
    );
    let summary = json(&db, &["summary", "--json"]);
    assert!(summary["budget_to_date_minor"].is_i64(), "every figure still computes: {summary}");

    let err = fails(&db, &["add", "vendor", "name=Evil\u{1b}[31mCorp\u{7}", "category=saas"]);
    assert!(err.contains("name: character 5 is a control character (U+001B)"), "{err}");
    let err = fails(&db, &["update", "initiative", "Churn", "objective=a\u{7}b"]);
    assert!(err.contains("objective") && err.contains("U+0007"), "{err}");
    let long = "x".repeat(10_001);
    let err = fails(&db, &["update", "initiative", "Churn", &format!("objective={long}")]);
    assert!(err.contains("10001 characters is longer than the 10000"), "{}", &err[..err.len().min(300)]);
    ok(&db, &["update", "initiative", "Churn", "objective=two\nlines\tand a tab"]);
}
