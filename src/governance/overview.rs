//! The portfolio's compliance at a glance: every model × framework with its progress, the
//! overdue controls, the count per risk class, and the models the attention list flags — a
//! production model promoted outside the gate (seen upstream by a sync), or one whose checklist
//! is open again (new controls after its answers changed, a framework file replaced) or that
//! reached production before sign-off was recorded. The Governance page, the report and the
//! attention list read this.

use chrono::NaiveDate;
use serde::Serialize;

use super::Register;
use super::classify::RiskClass;
use crate::domain::ModelStage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FrameworkInfo {
    pub id: String,
    pub title: String,
    pub version: String,
    pub source: String,
    pub date: NaiveDate,
    pub controls: usize,
    /// Whether the portfolio's jurisdictions bring it in.
    pub in_force: bool,
    /// Loaded into this portfolio in place of the shipped file.
    pub replaced: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FrameworkProgress {
    pub framework: String,
    pub closed: usize,
    pub applicable: usize,
    pub overdue: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GovernanceFlag {
    /// In production by a promotion a sync saw upstream, with the gate still open.
    PromotedOutsideGate,
    /// In production with the gate open again (or never recorded).
    NeedsReview,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelGovernance {
    pub model_id: i64,
    pub model: String,
    pub stage: ModelStage,
    pub owner: String,
    pub risk_class: RiskClass,
    pub frameworks: Vec<FrameworkProgress>,
    pub closed: usize,
    pub applicable: usize,
    pub overdue: usize,
    /// Distinct approvers: for a model in production, those who signed off its promotion; for
    /// the others, those who signed off since (counting for the next promotion).
    pub approvers: usize,
    pub approvers_needed: usize,
    /// Whether a promotion now would pass.
    pub gate_passes: bool,
    pub flag: Option<GovernanceFlag>,
    /// What the gate misses, one line each (for a model in production, its open controls: its
    /// next sign-offs come with its next promotion).
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OverdueControl {
    pub model_id: i64,
    pub model: String,
    pub control: String,
    pub title: String,
    pub due: NaiveDate,
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ClassCount {
    pub risk_class: RiskClass,
    pub models: usize,
    pub in_production: usize,
}

/// `governance summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Overview {
    pub as_of: NaiveDate,
    pub jurisdictions: Vec<String>,
    pub frameworks: Vec<FrameworkInfo>,
    /// Archived models are left out.
    pub models: Vec<ModelGovernance>,
    pub by_class: Vec<ClassCount>,
    /// Oldest due date first.
    pub overdue: Vec<OverdueControl>,
}

impl Register {
    /// Every model's compliance on `today` (archived models are left out).
    pub fn overview(&self, today: NaiveDate) -> Overview {
        let shipped = super::Frameworks::shipped();
        let in_force: Vec<&str> = self.frameworks.in_force(&self.jurisdictions).iter().map(|f| f.id.as_str()).collect();
        let frameworks = self
            .frameworks
            .list
            .iter()
            .map(|f| FrameworkInfo {
                id: f.id.clone(),
                title: f.title.clone(),
                version: f.version.clone(),
                source: f.source.clone(),
                date: f.date,
                controls: f.controls.len(),
                in_force: in_force.contains(&f.id.as_str()),
                replaced: shipped.get(&f.id) != Some(f),
            })
            .collect();
        let mut models = Vec::new();
        let mut overdue = Vec::new();
        for stored in self.models.iter().filter(|m| m.record.stage != ModelStage::Archived) {
            let (id, model) = (stored.id, &stored.record);
            let checklist = self.checklist(id, model, today);
            let gate = self.gate_of(id, model, &checklist);
            let progress = checklist
                .classification
                .frameworks
                .iter()
                .map(|framework| {
                    let rows = checklist.rows.iter().filter(|r| &r.framework == framework);
                    FrameworkProgress {
                        framework: framework.clone(),
                        closed: rows.clone().filter(|r| r.status.is_closed()).count(),
                        applicable: rows.clone().count(),
                        overdue: rows.filter(|r| r.overdue).count(),
                    }
                })
                .collect();
            for row in checklist.rows.iter().filter(|r| r.overdue) {
                overdue.push(OverdueControl {
                    model_id: id.0,
                    model: model.name.clone(),
                    control: row.control.clone(),
                    title: row.title.clone(),
                    due: row.due.unwrap_or(today),
                    owner: row.owner.clone(),
                });
            }
            // In production, the gate is judged on the controls alone: its sign-offs were given
            // before the promotion, and the next promotion needs new ones.
            let controls_closed = gate.blocked.is_none() && gate.open_controls.is_empty();
            let flag =
                (model.stage == ModelStage::Production && !controls_closed).then(|| match self.last_promotion(id) {
                    Some(p) if !p.gated => GovernanceFlag::PromotedOutsideGate,
                    _ => GovernanceFlag::NeedsReview,
                });
            let flag = flag.or_else(|| {
                (model.stage == ModelStage::Production && self.last_promotion(id).is_none())
                    .then_some(GovernanceFlag::NeedsReview)
            });
            models.push(ModelGovernance {
                model_id: id.0,
                model: model.name.clone(),
                stage: model.stage,
                owner: model.owner.clone(),
                risk_class: checklist.classification.risk_class,
                frameworks: progress,
                closed: checklist.closed,
                applicable: checklist.rows.len(),
                overdue: checklist.overdue,
                approvers: if model.stage == ModelStage::Production {
                    self.approvers_of_last_promotion(id)
                } else {
                    gate.approvers.len()
                },
                approvers_needed: gate.approvers_needed,
                gate_passes: gate.passes,
                flag,
                missing: if model.stage == ModelStage::Production { gate.missing_controls() } else { gate.missing() },
            });
        }
        overdue.sort_by(|a, b| a.due.cmp(&b.due).then(a.model.cmp(&b.model)));
        let by_class = RiskClass::ALL
            .iter()
            .map(|&class| ClassCount {
                risk_class: class,
                models: models.iter().filter(|m| m.risk_class == class).count(),
                in_production: models
                    .iter()
                    .filter(|m| m.risk_class == class && m.stage == ModelStage::Production)
                    .count(),
            })
            .collect();
        Overview { as_of: today, jurisdictions: self.jurisdictions.clone(), frameworks, models, by_class, overdue }
    }
}
