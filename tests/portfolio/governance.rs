//! Governance through the CLI on a real portfolio file: classification over a table of cases,
//! the promotion gate, checklist evidence, and a tamper-evident audit log checked after sqlite3
//! rewrites it behind the app's back.

use std::process::Command;

use serde_json::Value;

use super::cli::{fails, json, ok};
use super::{TempDb, temp_file};

fn portfolio() -> TempDb {
    let db = temp_file();
    ok(&db, &["init"]);
    db
}

/// Runs SQL on the file with the sqlite3 shell, as someone editing it outside the app would.
fn sqlite3(db: &TempDb, sql: &str) {
    let out = Command::new("sqlite3").arg(&db.path).arg(sql).output().expect("sqlite3 runs (apt install sqlite3)");
    assert!(out.status.success(), "sqlite3 {sql}: {}", String::from_utf8_lossy(&out.stderr));
}

fn add_model(db: &TempDb, name: &str, answers: &[&str]) {
    let mut args = vec!["add", "model"];
    let name = format!("name={name}");
    args.extend([name.as_str(), "stage=staging", "risk_tier=medium"]);
    args.extend(answers);
    ok(db, &args);
}

#[test]
fn classification_follows_the_answers_with_the_article_behind_each_reason() {
    let db = portfolio();
    // (model, answers, class, frameworks, a reason that must be given)
    type Case<'a> = (&'a str, &'a [&'a str], &'a str, &'a [&'a str], &'a str);
    let cases: &[Case<'_>] = &[
        (
            "credit-scoring",
            &[
                "purpose=essential_services",
                "decides_about_people=yes",
                "interacts_with_people=no",
                "generates_content=no",
                "ai_act_role=provider",
                "data_categories=pii,financial",
            ],
            "high",
            &["eu-ai-act", "gdpr", "ccpa", "internal"],
            "Annex III point 5",
        ),
        (
            "demand-forecast",
            &[
                "purpose=none",
                "decides_about_people=no",
                "interacts_with_people=no",
                "generates_content=no",
                "ai_act_role=provider",
                "data_categories=sales,inventory",
            ],
            "minimal",
            &["eu-ai-act", "internal"],
            "Art. 4",
        ),
        (
            "chat-assistant",
            &[
                "purpose=none",
                "decides_about_people=no",
                "interacts_with_people=yes",
                "generates_content=yes",
                "ai_act_role=deployer",
                "data_categories=text",
            ],
            "limited",
            &["eu-ai-act", "internal"],
            "Art. 50(1)",
        ),
        (
            "cv-screening",
            &[
                "purpose=employment",
                "decides_about_people=yes",
                "interacts_with_people=no",
                "generates_content=no",
                "ai_act_role=deployer",
                "data_categories=pii,hr",
            ],
            "high",
            &["eu-ai-act", "gdpr", "ccpa", "internal"],
            "Annex III point 4",
        ),
        (
            "workplace-emotion",
            &["purpose=emotion_recognition_workplace", "data_categories=biometric"],
            "prohibited",
            &["eu-ai-act", "gdpr", "ccpa", "internal"],
            "Art. 5(1)(f)",
        ),
        ("unanswered", &["purpose=none"], "unclassified", &["eu-ai-act", "internal"], "decides_about_people"),
    ];
    for (name, answers, class, frameworks, reference) in cases {
        add_model(&db, name, answers);
        let c = json(&db, &["governance", "classify", name, "--json"]);
        assert_eq!(c["risk_class"], *class, "{name}: {c}");
        let got: Vec<&str> = c["frameworks"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
        assert_eq!(got, *frameworks, "{name}");
        let reasons = c["reasons"].to_string();
        assert!(reasons.contains(reference), "{name}: no reason cites {reference}: {reasons}");
        for reason in c["reasons"].as_array().unwrap() {
            assert!(
                !reason["answer"].as_str().unwrap().is_empty() && !reason["reference"].as_str().unwrap().is_empty()
            );
        }
    }
    // CV screening processes HR data about people and decides about them: a DPIA and Art. 22.
    let rows = json(&db, &["governance", "checklist", "cv-screening", "--json"]);
    let controls: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["control"].as_str().unwrap()).collect();
    for control in ["gdpr-35", "gdpr-22", "ai-act-27"] {
        assert_eq!(controls.contains(&control), control != "ai-act-27", "{control} in {controls:?}");
    }
    assert!(controls.iter().any(|c| c.starts_with("ai-act-26")), "a high-risk deployer's duties: {controls:?}");
    // Only the US: the AI Act and GDPR drop out, CCPA stays with personal data.
    ok(&db, &["governance", "jurisdictions", "us-ca"]);
    let c = json(&db, &["governance", "classify", "credit-scoring", "--json"]);
    assert_eq!(c["frameworks"], serde_json::json!(["ccpa", "internal"]));
    let err = fails(&db, &["governance", "jurisdictions", "mars"]);
    assert!(err.contains("`mars` is not one of: eu, us-ca"), "{err}");
}

#[test]
fn promotion_is_refused_until_every_control_is_closed_and_two_people_signed_off() {
    let db = portfolio();
    add_model(
        &db,
        "cv-screening",
        &[
            "purpose=employment",
            "decides_about_people=yes",
            "interacts_with_people=no",
            "generates_content=no",
            "ai_act_role=provider",
            "data_categories=pii,hr",
            "owner=Ana",
        ],
    );
    let err = fails(&db, &["update", "model", "cv-screening", "stage=production"]);
    assert!(err.contains("cv-screening (high risk) cannot be promoted to production; missing:"), "{err}");
    assert!(err.contains("ai-act-9 (Risk management system): not started"), "{err}");
    assert!(err.contains("sign-off by 2 different approvers (none yet)"), "{err}");
    assert_eq!(
        json(&db, &["show", "model", "cv-screening", "--json"])["fields"]["stage"],
        "staging",
        "nothing written"
    );

    let rows = json(&db, &["governance", "checklist", "cv-screening", "--json"]);
    let controls: Vec<String> =
        rows.as_array().unwrap().iter().map(|r| r["control"].as_str().unwrap().to_owned()).collect();
    // not_applicable needs a reason; evidence files are fingerprinted.
    let err = fails(&db, &["governance", "set", "cv-screening", &controls[0], "status=not_applicable"]);
    assert!(err.contains("reason"), "{err}");
    let evidence = db.write("risk-assessment.txt", "risks, estimates, mitigations\n");
    ok(
        &db,
        &["governance", "set", "cv-screening", "ai-act-9", "status=done", &format!("evidence={}", evidence.display())],
    );
    let rows = json(&db, &["governance", "checklist", "cv-screening", "--json"]);
    let row = rows.as_array().unwrap().iter().find(|r| r["control"] == "ai-act-9").unwrap();
    assert_eq!(row["evidence"]["kind"], "file");
    assert_eq!(row["evidence"]["size"], 30);
    assert_eq!(row["evidence"]["sha256"], sha256_of(&evidence));
    let err = fails(&db, &["governance", "set", "cv-screening", "gdpr-99", "status=done"]);
    assert!(err.contains("`gdpr-99` is not a control of any framework") && err.contains("ai-act-9"), "{err}");

    for control in controls.iter().filter(|c| *c != "ai-act-9").skip(1) {
        ok(&db, &["governance", "set", "cv-screening", control, "status=done", "evidence=https://wiki.example/x"]);
    }
    ok(
        &db,
        &[
            "governance",
            "set",
            "cv-screening",
            &controls[0],
            "status=not_applicable",
            "reason=covered by the group policy",
        ],
    );
    let err = fails(&db, &["update", "model", "cv-screening", "stage=production"]);
    assert!(!err.contains("not started") && err.contains("sign-off by 2 different approvers"), "{err}");

    ok(&db, &["governance", "signoff", "cv-screening", "--approver", "Ana Pereira", "--note", "risk review"]);
    let err = fails(&db, &["governance", "signoff", "cv-screening", "--approver", "ana pereira"]);
    assert!(err.contains("already signed off"), "{err}");
    let err = fails(&db, &["update", "model", "cv-screening", "stage=production"]);
    assert!(err.contains("(1 so far: Ana Pereira)"), "{err}");
    ok(&db, &["governance", "signoff", "cv-screening", "--approver", "Tom Okafor"]);
    let gate = json(&db, &["governance", "gate", "cv-screening", "--json"]);
    assert_eq!(gate["passes"], true, "{gate}");
    ok(&db, &["update", "model", "cv-screening", "stage=production"]);

    let summary = json(&db, &["governance", "summary", "--json"]);
    let model = &summary["models"][0];
    assert_eq!(
        (model["stage"].as_str(), model["flag"].is_null(), model["approvers"].as_u64()),
        (Some("production"), true, Some(2))
    );
    let signoffs = json(&db, &["governance", "signoffs", "cv-screening", "--json"]);
    assert_eq!(signoffs.as_array().unwrap().len(), 2);
    assert!(
        signoffs.as_array().unwrap().iter().all(|s| s["current"] == false),
        "the next promotion needs new sign-offs"
    );

    // Answers that bring new controls after promotion: flagged for review in the attention list.
    ok(&db, &["update", "model", "cv-screening", "interacts_with_people=yes"]);
    let summary = json(&db, &["governance", "summary", "--json"]);
    assert_eq!(summary["models"][0]["flag"], "needs_review", "{}", summary["models"][0]);
    let attention = json(&db, &["summary", "--json"])["attention"].to_string();
    assert!(attention.contains("cv-screening needs a governance review"), "{attention}");

    // Prohibited and unclassified models are never promoted, even through `add`.
    let err = fails(
        &db,
        &[
            "add",
            "model",
            "name=mood-at-work",
            "stage=production",
            "risk_tier=low",
            "purpose=emotion_recognition_workplace",
        ],
    );
    assert!(err.contains("prohibited by the EU AI Act (Art. 5)"), "{err}");
    let err = fails(&db, &["add", "model", "name=mystery", "stage=production", "risk_tier=low"]);
    assert!(err.contains("unclassified: answer purpose"), "{err}");
}

fn sha256_of(path: &std::path::Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_owned()
}

#[test]
fn an_edited_or_deleted_audit_row_is_named_and_a_restore_keeps_every_row() {
    let db = portfolio();
    for name in ["a", "b", "c", "d"] {
        ok(&db, &["add", "initiative", &format!("name={name}"), "status=active", "priority=1", "start=2026-01"]);
    }
    let verified = json(&db, &["audit", "verify", "--json"]);
    assert_eq!((verified["ok"].as_bool(), verified["rows"].as_u64()), (Some(true), Some(5)), "{verified}");

    // Edit row 3 behind the app's back (the triggers dropped first).
    let edited = temp_file();
    std::fs::copy(&db.path, &edited.path).unwrap();
    sqlite3(
        &edited,
        "DROP TRIGGER audit_log_is_append_only_update; DROP TRIGGER audit_log_is_append_only_delete;
         UPDATE audit_log SET actor = 'someone else' WHERE id = 3;",
    );
    let err = fails(&edited, &["audit", "verify"]);
    assert!(err.contains("row 3"), "{err}");
    assert_eq!(json_lenient(&edited, &["audit", "verify", "--json"])["broken"]["id"], 3);

    // Delete a row: the gap is named.
    let deleted = temp_file();
    std::fs::copy(&db.path, &deleted.path).unwrap();
    sqlite3(&deleted, "DROP TRIGGER audit_log_is_append_only_delete; DELETE FROM audit_log WHERE id = 4;");
    let report = json_lenient(&deleted, &["audit", "verify", "--json"]);
    assert_eq!(report["broken"]["id"], 4, "{report}");
    assert!(report["broken"]["problem"].as_str().unwrap().contains("row 4 is missing"), "{report}");

    // Swap two rows' contents: the first of them is named.
    let swapped = temp_file();
    std::fs::copy(&db.path, &swapped.path).unwrap();
    sqlite3(
        &swapped,
        "DROP TRIGGER audit_log_is_append_only_update;
         UPDATE audit_log SET after = (SELECT after FROM audit_log WHERE id = 5) WHERE id = 2;",
    );
    assert_eq!(json_lenient(&swapped, &["audit", "verify", "--json"])["broken"]["id"], 2);

    // Restore an older backup: verify passes, and the rows the backup lacked are still there.
    let early = temp_file();
    ok(&early, &["init", "--currency", "EUR"]);
    ok(&early, &["add", "initiative", "name=a", "status=active", "priority=1", "start=2026-01"]);
    ok(&db, &["add", "initiative", "name=e", "status=active", "priority=1", "start=2026-01"]);
    let older = early.path.clone();
    ok(&db, &["restore", older.to_str().unwrap()]);
    let verified = json(&db, &["audit", "verify", "--json"]);
    assert_eq!(verified["ok"], true, "{verified}");
    let rows = json(&db, &["audit", "--json", "--limit", "100"]);
    let rows = rows.as_array().unwrap();
    let replaced: Vec<&Value> = rows.iter().filter(|r| !r["replaced_id"].is_null()).collect();
    // The early file's own two rows (init, a) are not the replaced portfolio's: all six of the
    // replaced portfolio's rows are kept, marked with their old ids.
    assert_eq!(replaced.len(), 6, "{rows:#?}");
    let mut old_ids: Vec<i64> = replaced.iter().map(|r| r["replaced_id"].as_i64().unwrap()).collect();
    old_ids.sort();
    assert_eq!(old_ids, [1, 2, 3, 4, 5, 6]);
    assert!(replaced.iter().any(|r| r["after"]["name"] == "e"), "the row written after the backup is kept");
    assert_eq!(rows[0]["action"], "restore", "the restore event comes last");
    assert_eq!(
        json(&db, &["list", "initiative", "--json"]).as_array().unwrap().len(),
        1,
        "the contents are the backup's"
    );

    // Restoring this portfolio's own backup keeps only what the backup lacked.
    let before = json(&db, &["audit", "verify", "--json"])["rows"].as_u64().unwrap();
    ok(&db, &["add", "initiative", "name=f", "status=active", "priority=1", "start=2026-01"]);
    let own = db.file("own.db");
    ok(&db, &["backup", own.to_str().unwrap()]);
    ok(&db, &["add", "initiative", "name=g", "status=active", "priority=1", "start=2026-01"]);
    ok(&db, &["restore", own.to_str().unwrap()]);
    let after = json(&db, &["audit", "verify", "--json"]);
    assert_eq!(after["ok"], true);
    assert_eq!(after["rows"].as_u64().unwrap(), before + 1 + 1 + 1, "f, then g kept as replaced, then the restore");
}

/// The JSON a command prints even when it exits non-zero (verify prints, then fails).
fn json_lenient(db: &TempDb, args: &[&str]) -> Value {
    let out = super::cli::cli(db, args);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn the_inventory_as_of_a_day_and_the_model_card() {
    let db = portfolio();
    add_model(
        &db,
        "churn",
        &[
            "purpose=none",
            "decides_about_people=no",
            "interacts_with_people=no",
            "generates_content=no",
            "ai_act_role=provider",
            "owner=Lee",
            "data_categories=pii",
        ],
    );
    let today = chrono::Utc::now().date_naive();
    let rows = json(&db, &["list", "model", "--as-of", &today.to_string(), "--json"]);
    assert_eq!(rows[0]["name"], "churn");
    assert_eq!(rows[0]["risk_class"], "minimal");
    let yesterday = today.pred_opt().unwrap();
    assert_eq!(json(&db, &["list", "model", "--as-of", &yesterday.to_string(), "--json"]), serde_json::json!([]));
    let err = fails(&db, &["list", "initiative", "--as-of", "2026-01-01"]);
    assert!(err.contains("list model"), "{err}");

    ok(&db, &["update", "model", "churn", "notes=<script>alert(1)</script>", "description=a | b <b>"]);
    let html = db.file("card.html");
    ok(&db, &["model", "card", "churn", "--out", html.to_str().unwrap()]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Model card: churn") && page.contains("minimal"));
    assert!(page.contains("a | b &lt;b&gt;") && !page.contains("<b>"), "user text is escaped");
    assert!(page.contains("gdpr-6") && page.contains("No sign-off yet."));
    let md = db.file("card.md");
    ok(&db, &["model", "card", "churn", "--out", md.to_str().unwrap()]);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.contains("a \\| b &lt;b&gt;"), "{text}");
    let err = fails(&db, &["model", "card", "churn", "--out", db.file("card.pdf").to_str().unwrap()]);
    assert!(err.contains(".html or .md"), "{err}");
}
