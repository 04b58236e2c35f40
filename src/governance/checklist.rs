//! A model's checklist: every control of every framework that applies to it, with where it
//! stands. A control nobody has touched is `not_started`; one past its due date and not closed
//! is overdue.

use chrono::NaiveDate;
use serde::Serialize;

use super::Register;
use super::classify::Classification;
use crate::domain::{ControlStatus, EvidenceKind, Model, ModelId};

/// What backs a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The file's path, the link, or the note.
    pub value: String,
    pub sha256: Option<String>,
    pub size: Option<i64>,
}

/// One control of a model's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ChecklistRow {
    pub control: String,
    pub framework: String,
    pub title: String,
    /// The article behind it (`Art. 9`).
    pub reference: String,
    /// What evidence satisfies it.
    pub needs: String,
    pub status: ControlStatus,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    pub evidence: Option<Evidence>,
    pub note: Option<String>,
    pub reason: Option<String>,
}

/// A model's checklist with its classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Checklist {
    pub classification: Classification,
    pub rows: Vec<ChecklistRow>,
    /// Controls done or not applicable, of all rows.
    pub closed: usize,
    pub overdue: usize,
}

impl Register {
    /// `model`'s checklist on `today` (`model` may carry answers not stored yet).
    pub fn checklist(&self, id: ModelId, model: &Model, today: NaiveDate) -> Checklist {
        let (classification, facts) = self.classify(id, model);
        let mut rows = Vec::new();
        for framework in self.frameworks.list.iter().filter(|f| classification.frameworks.contains(&f.id)) {
            for control in framework.controls.iter().filter(|c| c.applies.holds(&facts)) {
                let item = self.item(id, &control.id).map(|i| &i.record);
                let status = item.map_or(ControlStatus::NotStarted, |i| i.status);
                let due = item.and_then(|i| i.due);
                rows.push(ChecklistRow {
                    control: control.id.clone(),
                    framework: framework.id.clone(),
                    title: control.title.clone(),
                    reference: control.reference.clone(),
                    needs: control.evidence.clone(),
                    status,
                    owner: item.and_then(|i| i.owner.clone()),
                    due,
                    overdue: !status.is_closed() && due.is_some_and(|d| d < today),
                    evidence: item.and_then(|i| {
                        Some(Evidence {
                            kind: i.evidence_kind?,
                            value: i.evidence.clone()?,
                            sha256: i.evidence_sha256.clone(),
                            size: i.evidence_size,
                        })
                    }),
                    note: item.and_then(|i| i.note.clone()),
                    reason: item.and_then(|i| i.reason.clone()),
                });
            }
        }
        let closed = rows.iter().filter(|r| r.status.is_closed()).count();
        let overdue = rows.iter().filter(|r| r.overdue).count();
        Checklist { classification, rows, closed, overdue }
    }
}
