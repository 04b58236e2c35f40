//! The promotion gate: a model reaches `production` only with every applicable control done or
//! not applicable and with sign-off by named approvers — two different people for a high-risk
//! model, one otherwise; a prohibited or unclassified model never. The app and the CLI are refused
//! with everything missing listed; a promotion a sync sees upstream cannot be refused (it already
//! happened), so it is recorded, and flagged "promoted outside the gate" while anything is missing.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::Register;
use super::classify::RiskClass;
use crate::domain::{ControlStatus, Model, ModelId, ModelStage};
use crate::error::{Error, Result};
use crate::store::governance::{Promotion, record_promotion};

/// A control still open when the gate was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OpenControl {
    pub control: String,
    pub title: String,
    pub status: ControlStatus,
}

/// Whether a model may be promoted, and what is missing if not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct GateCheck {
    pub model: String,
    pub risk_class: RiskClass,
    pub passes: bool,
    /// Why it can never pass as answered (prohibited, unclassified).
    pub blocked: Option<String>,
    pub open_controls: Vec<OpenControl>,
    /// The distinct approvers who signed off since the last promotion.
    pub approvers: Vec<String>,
    pub approvers_needed: usize,
}

impl GateCheck {
    /// What keeps the checklist open (a blocking answer, open controls), one line each.
    pub fn missing_controls(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.blocked.iter().cloned().collect();
        lines.extend(
            self.open_controls
                .iter()
                .map(|c| format!("{} ({}): {}", c.control, c.title, c.status.as_str().replace('_', " "))),
        );
        lines
    }

    /// Everything missing, one line each.
    pub fn missing(&self) -> Vec<String> {
        let mut lines = self.missing_controls();
        if self.blocked.is_none() && self.approvers.len() < self.approvers_needed {
            let have = if self.approvers.is_empty() {
                "none yet".to_owned()
            } else {
                format!("{} so far: {}", self.approvers.len(), self.approvers.join(", "))
            };
            let people = if self.approvers_needed == 1 {
                "1 approver".to_owned()
            } else {
                format!("{} different approvers", self.approvers_needed)
            };
            lines.push(format!("sign-off by {people} ({have})"));
        }
        lines
    }

    /// The refusal a person reads.
    pub fn refusal(&self) -> String {
        let missing = self.missing();
        format!(
            "{} ({} risk) cannot be promoted to production; missing:\n{}",
            self.model,
            self.risk_class,
            missing.iter().map(|m| format!("  - {m}")).collect::<Vec<_>>().join("\n")
        )
    }
}

impl Register {
    /// The gate for `model` (which may carry answers not stored yet) on `today`.
    pub fn gate(&self, id: ModelId, model: &Model, today: NaiveDate) -> GateCheck {
        self.gate_of(id, model, &self.checklist(id, model, today))
    }

    /// The gate for `model` whose checklist is already at hand.
    pub fn gate_of(&self, id: ModelId, model: &Model, checklist: &super::checklist::Checklist) -> GateCheck {
        let risk_class = checklist.classification.risk_class;
        let blocked = match risk_class {
            RiskClass::Prohibited => Some(format!(
                "its purpose ({}) is prohibited by the EU AI Act (Art. 5): it is never promoted",
                model.purpose.map_or("", |p| p.as_str())
            )),
            RiskClass::Unclassified => {
                Some(format!("it is unclassified: answer {} first", checklist.classification.unanswered.join(", ")))
            }
            _ => None,
        };
        let mut approvers: Vec<String> = Vec::new();
        for signoff in self.current_signoffs(id) {
            let name = signoff.record.approver.trim();
            if !approvers.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                approvers.push(name.to_owned());
            }
        }
        let approvers_needed = risk_class.approvers_needed().unwrap_or(0);
        let open_controls: Vec<OpenControl> = checklist
            .rows
            .iter()
            .filter(|r| !r.status.is_closed())
            .map(|r| OpenControl { control: r.control.clone(), title: r.title.clone(), status: r.status })
            .collect();
        let passes = blocked.is_none() && open_controls.is_empty() && approvers.len() >= approvers_needed;
        GateCheck { model: model.name.clone(), risk_class, passes, blocked, open_controls, approvers, approvers_needed }
    }
}

/// How a model's stage changed: through the app or the CLI (gated), or seen upstream by a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Gated,
    Sync,
}

/// Call on the transaction of a model write, after it: when the model has just reached
/// production, checks the gate — refusing a gated write with everything missing, recording a
/// sync's promotion either way — and records the promotion.
pub fn on_model_written(
    conn: &Connection,
    actor: &str,
    id: ModelId,
    stage_before: Option<ModelStage>,
    via: Via,
) -> Result<()> {
    let stage: String = conn.query_row("SELECT stage FROM models WHERE id = ?1", [id.0], |r| r.get(0))?;
    if stage != ModelStage::Production.as_str() || stage_before == Some(ModelStage::Production) {
        return Ok(());
    }
    let register = Register::load(conn, Some(id))?;
    let model = &register.model(id)?.record;
    let check = register.gate(id, model, crate::plan::period::today());
    if via == Via::Gated && !check.passes {
        return Err(Error::Conflict(check.refusal()));
    }
    record_promotion(
        conn,
        &Promotion {
            model_id: id,
            at: crate::store::now_utc(),
            actor: actor.to_owned(),
            gated: check.passes,
            missing: check.missing(),
        },
    )
}
