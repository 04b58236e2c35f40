//! `governance …`, `audit verify`, `list model --as-of` and `model card`: parse, call the command
//! list (`api::governance`), print.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;
use mlops_portfolio::api::commands::{NoArguments, PathRequest};
use mlops_portfolio::api::governance::*;
use mlops_portfolio::governance::Classification;
use mlops_portfolio::governance::checklist::Checklist;
use mlops_portfolio::governance::gate::GateCheck;
use mlops_portfolio::governance::history::InventoryRow;
use mlops_portfolio::governance::overview::{FrameworkInfo, Overview};
use mlops_portfolio::store::Store;
use mlops_portfolio::store::audit::Verification;

use super::output::{new_table, print_json_or};

#[derive(Debug, Subcommand)]
pub enum GovernanceCommand {
    /// A model's EU AI Act risk class and the frameworks that apply, with the answer and article
    /// behind each.
    Classify {
        model: String,
        #[arg(long)]
        json: bool,
    },
    /// Every applicable control of a model with its status, owner, due date and evidence.
    Checklist {
        model: String,
        #[arg(long)]
        json: bool,
    },
    /// Set a control: `governance set fraud-txn-scorer gdpr-35 status=done evidence=dpia.pdf`.
    /// Fields: status (not_started, in_progress, done, not_applicable), owner, due (YYYY-MM-DD),
    /// evidence (a file path or an http(s) link), evidence_note, note, reason (needed for
    /// not_applicable). An empty value clears a field.
    Set {
        model: String,
        control: String,
        #[arg(value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Sign a model off for production as a named approver.
    Signoff {
        model: String,
        #[arg(long)]
        approver: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The sign-offs a model has had.
    Signoffs {
        model: String,
        #[arg(long)]
        json: bool,
    },
    /// Whether a model may be promoted to production now, and what is missing.
    Gate {
        model: String,
        #[arg(long)]
        json: bool,
    },
    /// Every model's compliance: class, progress per framework, overdue controls, flags.
    Summary {
        #[arg(long)]
        json: bool,
    },
    /// Show or set which laws apply: `governance jurisdictions eu,us-ca`.
    Jurisdictions {
        /// Comma-separated: eu, us-ca. Absent: show them.
        set: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The framework files in use, with version and date.
    Frameworks {
        #[arg(long)]
        json: bool,
    },
    /// Load a framework file (your own internal policy, say) in place of the shipped one with
    /// the same id; `--unload ID` goes back to the shipped file.
    Framework {
        #[arg(required_unless_present = "unload", conflicts_with = "unload")]
        file: Option<PathBuf>,
        #[arg(long, value_name = "ID")]
        unload: Option<String>,
    },
}

pub fn run(store: &mut Store, command: GovernanceCommand) -> Result<()> {
    match command {
        GovernanceCommand::Classify { model, json } => {
            let c = governance_classify(store, ModelName { model })?;
            print_json_or(&c, json, || print_classification(&c))?;
        }
        GovernanceCommand::Checklist { model, json } => {
            let checklist = governance_checklist(store, ModelName { model })?;
            print_json_or(&checklist.rows, json, || print_checklist(&checklist))?;
        }
        GovernanceCommand::Set { model, control, fields } => {
            let mut request = GovernanceSetRequest { model, control, ..GovernanceSetRequest::default() };
            for field in &fields {
                let (name, value) = field
                    .split_once('=')
                    .with_context(|| format!("`{field}`: write fields as name=value, e.g. status=done"))?;
                let value = Some(value.to_owned());
                match name.trim() {
                    "status" => {
                        request.status = Some(
                            value
                                .as_deref()
                                .unwrap_or("")
                                .parse()
                                .map_err(|e: mlops_portfolio::domain::DomainError| anyhow::anyhow!("{e}"))?,
                        )
                    }
                    "owner" => request.owner = value,
                    "due" => request.due = value,
                    "evidence" => request.evidence = value,
                    "evidence_note" => request.evidence_note = value,
                    "note" => request.note = value,
                    "reason" => request.reason = value,
                    other => anyhow::bail!(
                        "`{other}` is not a field of a checklist item; use status, owner, due, evidence, evidence_note, note, reason"
                    ),
                }
            }
            let row = governance_set(store, request)?;
            println!(
                "{} ({}): {}{}.",
                row.control,
                row.title,
                row.status.as_str().replace('_', " "),
                row.evidence.as_ref().map_or(String::new(), |e| match &e.sha256 {
                    Some(sha) => format!(", evidence {} ({} bytes, SHA-256 {sha})", e.value, e.size.unwrap_or(0)),
                    None => format!(", evidence {}", e.value),
                })
            );
        }
        GovernanceCommand::Signoff { model, approver, note } => {
            let signed = governance_signoff(store, SignoffRequest { model, approver, note })?;
            println!("Signed off by {} at {}.", signed.signoff.approver, signed.signoff.at);
            print_gate(&signed.gate);
        }
        GovernanceCommand::Signoffs { model, json } => {
            let all = governance_signoffs(store, ModelName { model })?;
            print_json_or(&all, json, || {
                if all.is_empty() {
                    println!("No sign-offs yet.");
                    return;
                }
                let mut table =
                    new_table(["Approver", "At", "Counts for the next promotion", "Note"].map(String::from).to_vec());
                for s in &all {
                    let current = if s.current { "yes" } else { "no (given before the last promotion)" };
                    table.add_row(vec![
                        s.approver.clone(),
                        s.at.clone(),
                        current.into(),
                        s.note.clone().unwrap_or_default(),
                    ]);
                }
                println!("{table}");
            })?;
        }
        GovernanceCommand::Gate { model, json } => {
            let gate = governance_gate(store, ModelName { model })?;
            print_json_or(&gate, json, || print_gate(&gate))?;
        }
        GovernanceCommand::Summary { json } => {
            let overview = governance_summary(store, NoArguments {})?;
            print_json_or(&overview, json, || print_overview(&overview))?;
        }
        GovernanceCommand::Jurisdictions { set, json } => {
            let j = governance_jurisdictions(store, JurisdictionsRequest { set })?;
            print_json_or(&j, json, || {
                println!(
                    "Jurisdictions: {} (known: {}). The internal policy applies everywhere.",
                    j.jurisdictions.join(", "),
                    j.known.join(", ")
                )
            })?;
        }
        GovernanceCommand::Frameworks { json } => {
            let list = governance_frameworks(store, NoArguments {})?;
            print_json_or(&list, json, || print_frameworks(&list))?;
        }
        GovernanceCommand::Framework { file, unload } => match (file, unload) {
            (_, Some(id)) => {
                let list = framework_unload(store, FrameworkId { id: id.clone() })?;
                println!("Unloaded `{id}`: the shipped file applies again.");
                print_frameworks(&list);
            }
            (Some(path), None) => {
                let f = framework_load(store, PathRequest { path })?;
                println!(
                    "Loaded {} ({}), {} controls, version {} of {}.",
                    f.title, f.id, f.controls, f.version, f.date
                );
            }
            (None, None) => unreachable!("clap requires one"),
        },
    }
    Ok(())
}

fn print_classification(c: &Classification) {
    println!(
        "{}: {} risk. Frameworks: {}.",
        c.model,
        c.risk_class,
        if c.frameworks.is_empty() { "none".into() } else { c.frameworks.join(", ") }
    );
    let mut table = new_table(["Answer", "Reference", "Means"].map(String::from).to_vec());
    for r in &c.reasons {
        table.add_row(vec![r.answer.clone(), r.reference.clone(), r.says.clone()]);
    }
    println!("{table}");
}

fn print_checklist(checklist: &Checklist) {
    let c = &checklist.classification;
    println!(
        "{} ({} risk): {} of {} controls closed{}.",
        c.model,
        c.risk_class,
        checklist.closed,
        checklist.rows.len(),
        if checklist.overdue > 0 { format!(", {} overdue", checklist.overdue) } else { String::new() }
    );
    let mut table = new_table(["Control", "Title", "Status", "Owner", "Due", "Evidence"].map(String::from).to_vec());
    for r in &checklist.rows {
        let status = r.status.as_str().replace('_', " ") + if r.overdue { " (overdue)" } else { "" };
        table.add_row(vec![
            r.control.clone(),
            r.title.clone(),
            status,
            r.owner.clone().unwrap_or_default(),
            r.due.map(|d| d.to_string()).unwrap_or_default(),
            r.evidence.as_ref().map_or(String::new(), |e| format!("{}: {}", e.kind, e.value)),
        ]);
    }
    println!("{table}");
}

fn print_gate(gate: &GateCheck) {
    if gate.passes {
        println!(
            "{} ({} risk) may be promoted: every control is closed and signed off by {}.",
            gate.model,
            gate.risk_class,
            gate.approvers.join(", ")
        );
    } else {
        println!("{}", gate.refusal());
    }
}

fn print_overview(o: &Overview) {
    let classes: Vec<String> =
        o.by_class.iter().filter(|c| c.models > 0).map(|c| format!("{} {}", c.models, c.risk_class)).collect();
    println!(
        "Governance on {} ({}): {}; {} overdue controls.",
        o.as_of,
        o.jurisdictions.join(", "),
        classes.join(", "),
        o.overdue.len()
    );
    let mut table =
        new_table(["Model", "Stage", "Class", "Closed", "Overdue", "Sign-offs", "Flag"].map(String::from).to_vec());
    for m in &o.models {
        table.add_row(vec![
            m.model.clone(),
            m.stage.to_string(),
            m.risk_class.to_string(),
            format!("{} of {}", m.closed, m.applicable),
            m.overdue.to_string(),
            format!("{} of {}", m.approvers, m.approvers_needed),
            m.flag.map_or(String::new(), |f| match f {
                mlops_portfolio::governance::overview::GovernanceFlag::PromotedOutsideGate => {
                    "promoted outside the gate".into()
                }
                mlops_portfolio::governance::overview::GovernanceFlag::NeedsReview => "needs review".into(),
            }),
        ]);
    }
    println!("{table}");
}

fn print_frameworks(list: &[FrameworkInfo]) {
    let mut table =
        new_table(["Id", "Framework", "Version", "Date", "Controls", "In force", "Source"].map(String::from).to_vec());
    for f in list {
        table.add_row(vec![
            f.id.clone(),
            f.title.clone() + if f.replaced { " (loaded)" } else { "" },
            f.version.clone(),
            f.date.to_string(),
            f.controls.to_string(),
            if f.in_force { "yes".into() } else { "no".into() },
            f.source.clone(),
        ]);
    }
    println!("{table}");
}

pub fn print_verification(v: &Verification) {
    match &v.broken {
        None => println!(
            "The audit log is intact: {} rows, chained. Head hash {} (keep it elsewhere to detect a rewrite of the tail).",
            v.rows,
            v.head.as_deref().unwrap_or("none")
        ),
        Some(b) => println!("The audit log was tampered with at row {}: {}.", b.id, b.problem),
    }
}

pub fn print_inventory(day: chrono::NaiveDate, rows: &[InventoryRow]) {
    println!("The inventory at the end of {day} (UTC): {} models.", rows.len());
    let mut table = new_table(["Id", "Model", "Stage", "Class", "Owner", "Checklist"].map(String::from).to_vec());
    for r in rows {
        table.add_row(vec![
            r.model_id.to_string(),
            r.name.clone(),
            r.stage.to_string(),
            r.risk_class.to_string(),
            r.owner.clone(),
            format!("{} of {}", r.closed, r.applicable),
        ]);
    }
    println!("{table}");
}
