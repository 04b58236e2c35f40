//! Governance: which law applies to each model, what evidence exists, who signed it off, and what
//! the inventory looked like on a given day.
//!
//! - [`frameworks`]: the framework files (data, not code) and their rule language;
//! - [`classify`]: a model's questionnaire → its AI Act risk class and the frameworks that apply;
//! - [`checklist`]: per model, every applicable control with its status, owner, due date and
//!   evidence;
//! - [`gate`]: a model reaches production only with its checklist closed and its sign-offs given;
//!   a promotion seen upstream by a sync is recorded and flagged when it skipped the gate;
//! - [`history`]: the inventory as of a day, replayed from the audit log;
//! - [`card`]: a model card in HTML or Markdown.
//!
//! Everything reads one [`Register`]: the governance state of the portfolio (or of one model),
//! loaded once, so the CLI, the app, the report and the attention list say the same.

pub mod card;
pub mod checklist;
pub mod classify;
pub mod frameworks;
pub mod gate;
pub mod history;
pub mod overview;

use std::collections::{HashMap, HashSet};

use rusqlite::Connection;

use crate::domain::{ControlItem, Model, ModelId, Signoff, Stored};
use crate::error::{Error, Result};
use crate::store::governance::{Promotion, jurisdictions, latest_promotions};
use crate::store::records;
pub use classify::{Classification, ModelFacts, RiskClass};
pub use frameworks::Frameworks;

/// The governance state of the portfolio, or of one model: what every figure here reads.
#[derive(Debug, Clone)]
pub struct Register {
    pub frameworks: Frameworks,
    pub jurisdictions: Vec<String>,
    pub models: Vec<Stored<Model>>,
    items: HashMap<(ModelId, String), Stored<ControlItem>>,
    signoffs: HashMap<ModelId, Vec<Stored<Signoff>>>,
    promotions: HashMap<ModelId, Promotion>,
    with_vendors: HashSet<ModelId>,
}

impl Register {
    /// Loads every model's governance state, or only `only`'s.
    pub fn load(conn: &Connection, only: Option<ModelId>) -> Result<Register> {
        let filter = |field: &str| {
            let mut map = records::Filter::new();
            if let Some(id) = only {
                map.insert(field.into(), serde_json::json!(id.0));
            }
            map
        };
        let models = records::list::<Model>(conn, &filter("id"))?;
        if let Some(id) = only
            && models.is_empty()
        {
            return Err(Error::not_found(crate::domain::EntityKind::Model, id.0));
        }
        let items = crate::store::governance::control_items(conn, only)?
            .into_iter()
            .map(|i| ((i.record.model_id, i.record.control.clone()), i))
            .collect();
        let mut signoffs: HashMap<ModelId, Vec<Stored<Signoff>>> = HashMap::new();
        for s in records::list::<Signoff>(conn, &filter("model_id"))? {
            signoffs.entry(s.record.model_id).or_default().push(s);
        }
        let with_vendors = conn
            .prepare_cached("SELECT DISTINCT model_id FROM contract_models")?
            .query_map([], |r| r.get::<_, i64>(0).map(ModelId))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Register {
            frameworks: Frameworks::for_portfolio(conn)?,
            jurisdictions: jurisdictions(conn)?,
            models,
            items,
            signoffs,
            promotions: latest_promotions(conn)?,
            with_vendors,
        })
    }

    pub fn model(&self, id: ModelId) -> Result<&Stored<Model>> {
        self.models.iter().find(|m| m.id == id).ok_or_else(|| Error::not_found(crate::domain::EntityKind::Model, id.0))
    }

    /// `model`'s class and facts (`model` may carry answers not stored yet).
    pub fn classify(&self, id: ModelId, model: &Model) -> (Classification, ModelFacts) {
        classify::classify(&self.frameworks, &self.jurisdictions, id.0, model, self.with_vendors.contains(&id))
    }

    pub fn item(&self, model: ModelId, control: &str) -> Option<&Stored<ControlItem>> {
        self.items.get(&(model, control.to_owned()))
    }

    /// The sign-offs that count for the next promotion: those given since the last one.
    pub fn current_signoffs(&self, model: ModelId) -> Vec<&Stored<Signoff>> {
        let since = self.promotions.get(&model).map(|p| p.at.as_str());
        self.signoffs
            .get(&model)
            .into_iter()
            .flatten()
            .filter(|s| since.is_none_or(|since| s.record.at.as_str() > since))
            .collect()
    }

    /// How many different approvers signed off before the model's last promotion.
    pub fn approvers_of_last_promotion(&self, model: ModelId) -> usize {
        let Some(promotion) = self.promotions.get(&model) else { return 0 };
        let mut names: Vec<String> = self
            .all_signoffs(model)
            .iter()
            .filter(|s| s.record.at <= promotion.at)
            .map(|s| s.record.approver.trim().to_lowercase())
            .collect();
        names.sort();
        names.dedup();
        names.len()
    }

    pub fn all_signoffs(&self, model: ModelId) -> &[Stored<Signoff>] {
        self.signoffs.get(&model).map_or(&[], Vec::as_slice)
    }

    pub fn last_promotion(&self, model: ModelId) -> Option<&Promotion> {
        self.promotions.get(&model)
    }
}
