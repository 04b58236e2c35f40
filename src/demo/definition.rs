//! The demo portfolio as a person writes it: `assets/demo/portfolio.json`, read with serde.
//!
//! Everything here is names and shapes; the numbers that vary month by month (budgets, actuals,
//! allocations, model versions) are generated from it in [`super::generate`]. Times are relative
//! to the month the demo is built for (`started_months_ago`, `ends_in_days`), so the demo always
//! looks current. Amounts are whole units of their currency.
//!
//! [`Definition::load`] also checks that every name the file refers to (a role, a vendor, an
//! initiative key, a person) is defined in it, so a typo fails the unit tests, not a user's demo.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::{
    ActualSource, AiActRole, Category, Currency, InitiativeStatus, KpiCadence, KpiDirection, KpiFormula, ModelStage,
    Money, Purpose, RequisitionStatus, RiskTier, VendorCategory,
};
use crate::error::{Error, Result};

const SOURCE: &str = include_str!("../../assets/demo/portfolio.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Definition {
    #[allow(dead_code)]
    about: String,
    pub fx_rates: Vec<FxRateDef>,
    /// Named profiles of 12 monthly percentages (January first) applied to compute and vendor spend.
    pub seasonality: BTreeMap<String, [i64; 12]>,
    pub roles: Vec<RoleDef>,
    pub vendors: Vec<VendorDef>,
    pub initiatives: Vec<InitiativeDef>,
    pub unallocated: Vec<UnallocatedDef>,
    pub people: Vec<PersonDef>,
    pub overbooked: OverbookedDef,
    pub requisitions: Vec<RequisitionDef>,
    pub models: Vec<ModelDef>,
    pub contracts: Vec<ContractDef>,
    pub vendor_reviews: Vec<VendorReviewDef>,
    pub kpis: Vec<KpiDef>,
    pub scenarios: Vec<ScenarioDef>,
    pub large: LargeDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FxRateDef {
    pub currency: Currency,
    pub rate: Decimal,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RoleDef {
    pub name: String,
    pub base_salary: i64,
    pub loaded_annual_cost: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VendorDef {
    pub name: String,
    pub category: VendorCategory,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// How the vendor's cloud bill names itself, for vendors whose spend arrives as FOCUS rows.
    #[serde(default)]
    pub billing: Option<BillingDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BillingDef {
    pub provider: String,
    pub compute_service: String,
    pub storage_service: String,
}

/// A monthly amount (whole dollars) or a percentage for each spending category.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct PerCategory {
    pub compute: i64,
    pub storage: i64,
    pub people: i64,
    pub vendor: i64,
    pub other: i64,
}

impl PerCategory {
    pub fn get(&self, category: Category) -> i64 {
        match category {
            Category::Compute => self.compute,
            Category::Storage => self.storage,
            Category::People => self.people,
            Category::Vendor => self.vendor,
            Category::Other => self.other,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InitiativeDef {
    /// How the rest of the file refers to the initiative.
    pub key: String,
    pub name: String,
    /// The billing tag that attributes cloud spend to it.
    pub tag: String,
    pub objective: String,
    pub owner: String,
    pub status: InitiativeStatus,
    pub priority: u8,
    /// Negative for an initiative that has not started yet.
    pub started_months_ago: i32,
    #[serde(default)]
    pub ended_months_ago: Option<i32>,
    /// Where its compute and storage run (a vendor with `billing`).
    pub cloud_vendor: String,
    /// Whose invoices make up its `vendor` spend.
    pub spend_vendor: String,
    /// How its compute spend arrives: `focus` billing rows unless a cluster reports it (`opencost`).
    #[serde(default = "focus")]
    pub compute_source: ActualSource,
    /// Monthly budget levels in whole dollars, before growth and season. `people` stays out: it is
    /// the loaded cost of the people allocated to the initiative and of its open requisitions.
    pub monthly_budget: PerCategory,
    pub growth_percent_per_year: i64,
    pub seasonality: String,
    /// How far actual spend runs over (or under, when negative) the budget, per category.
    #[serde(default)]
    pub overspend_percent: PerCategory,
    /// What it is expected to be worth a year, in whole dollars (ROI and payback).
    #[serde(default)]
    pub annual_benefit: Option<i64>,
}

fn focus() -> ActualSource {
    ActualSource::Focus
}

impl InitiativeDef {
    /// Whether it has budgets and actuals: it is running or ran.
    pub fn has_spend(&self) -> bool {
        matches!(self.status, InitiativeStatus::Active | InitiativeStatus::Done)
    }
}

/// Cloud spend that no initiative claims: a tag that matches none, or no tag at all.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UnallocatedDef {
    #[serde(default)]
    pub tag: Option<String>,
    pub category: Category,
    pub monthly: i64,
    /// How many months before the current one it shows up in.
    pub months: i32,
    pub vendor: String,
    pub service: String,
    pub resource: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PersonDef {
    pub name: String,
    pub role: String,
    pub location: String,
    /// The initiative key of the person's main team.
    pub team: String,
    pub started_months_ago: i32,
    #[serde(default)]
    pub left_months_ago: Option<i32>,
}

/// The one person booked beyond 100%, so the overbooking warnings have something to show.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OverbookedDef {
    pub person: String,
    pub second_team: String,
    pub home_percent: u8,
    pub second_percent: u8,
    pub since_months_ago: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RequisitionDef {
    pub title: String,
    pub role: String,
    pub initiative: String,
    pub starts_in_months: i32,
    pub status: RequisitionStatus,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ModelDef {
    pub name: String,
    pub initiative: String,
    pub owner: String,
    pub stage: ModelStage,
    pub risk_tier: RiskTier,
    pub data_categories: Vec<String>,
    #[serde(default)]
    pub deployment: Option<String>,
    pub description: String,
    #[serde(default)]
    pub notes: Option<String>,
    /// The questionnaire's answers and how far its checklist has come; none: unanswered.
    #[serde(default)]
    pub governance: Option<GovernanceDef>,
}

/// A demo model's answers to the classification questionnaire, and its governance story.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GovernanceDef {
    pub purpose: Purpose,
    pub decides_about_people: bool,
    pub interacts_with_people: bool,
    pub generates_content: bool,
    pub ai_act_role: AiActRole,
    /// By default a production model went through the gate with its checklist complete, a
    /// staging model is half way, and a development model has not started.
    #[serde(default)]
    pub story: Option<GovernanceStory>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum GovernanceStory {
    /// In production through the gate, but its yearly review is now overdue (needs review).
    ReviewOverdue,
    /// Promoted upstream and seen by a sync with controls still open.
    OutsideGate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AmountDef {
    pub amount: i64,
    pub currency: Currency,
}

impl AmountDef {
    pub fn money(&self) -> Money {
        Money::new(self.amount * 10i64.pow(self.currency.minor_digits()), self.currency)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContractDef {
    pub vendor: String,
    pub title: String,
    #[serde(default)]
    pub initiative: Option<String>,
    pub value: AmountDef,
    pub term_months: u32,
    /// Days from the first day of the current month to the contract's end.
    pub ends_in_days: u64,
    pub notice_days: u32,
    pub auto_renew: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VendorReviewDef {
    pub vendor: String,
    pub days_ago: u64,
    pub reviewer: String,
    pub score: u8,
    pub notes: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KpiDef {
    pub name: String,
    pub initiative: String,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub metric_key: Option<String>,
    pub unit: String,
    pub direction: KpiDirection,
    #[serde(default)]
    pub target_low: Option<f64>,
    #[serde(default)]
    pub target_high: Option<f64>,
    #[serde(default)]
    pub cadence: KpiCadence,
    #[serde(default)]
    pub starred: bool,
    /// A computed KPI: no history is generated, the core computes it.
    #[serde(default)]
    pub formula: Option<KpiFormula>,
    /// Where its two years of history end up against the target.
    #[serde(default)]
    pub story: KpiStory,
}

/// How a demo KPI's history ends: on target, just off it, well off it, or not measured lately.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum KpiStory {
    #[default]
    Green,
    Amber,
    Red,
    Stale,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScenarioDef {
    /// `{quarter}` becomes the quarter it starts in, e.g. `Q3 2026`.
    pub name: String,
    pub note: String,
    /// 1 starts at the beginning of the next calendar quarter.
    pub quarters_ahead: i32,
    /// Its changes as a person would write them; `{start}` in a value becomes the first month of
    /// the quarter, `{start+N}` N months later.
    pub changes: Vec<crate::plan::scenario::ChangeSpec>,
}

/// Word lists the large scale combines into names.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LargeDef {
    pub regions: Vec<String>,
    pub locations: Vec<String>,
    pub first_names: Vec<String>,
    pub last_names: Vec<String>,
}

impl Definition {
    /// Reads the bundled definition and checks that its cross-references hold.
    pub fn load() -> Result<Definition> {
        let definition: Definition = serde_json::from_str(SOURCE)
            .map_err(|e| Error::Internal(format!("assets/demo/portfolio.json is not a valid demo definition: {e}")))?;
        definition.check().map_err(|problem| Error::Internal(format!("assets/demo/portfolio.json: {problem}")))?;
        Ok(definition)
    }

    pub fn initiative(&self, key: &str) -> Option<usize> {
        self.initiatives.iter().position(|i| i.key == key)
    }

    pub fn vendor(&self, name: &str) -> Option<&VendorDef> {
        self.vendors.iter().find(|v| v.name == name)
    }

    fn check(&self) -> std::result::Result<(), String> {
        let roles: HashSet<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
        let vendors: HashSet<&str> = self.vendors.iter().map(|v| v.name.as_str()).collect();
        let people: HashSet<&str> = self.people.iter().map(|p| p.name.as_str()).collect();
        let models: HashSet<&str> = self.models.iter().map(|m| m.name.as_str()).collect();
        let spending: HashSet<&str> =
            self.initiatives.iter().filter(|i| i.has_spend()).map(|i| i.key.as_str()).collect();
        let all_initiatives: HashSet<&str> = self.initiatives.iter().map(|i| i.key.as_str()).collect();
        let need = |set: &HashSet<&str>, what: &str, name: &str, used_by: &str| {
            if set.contains(name) {
                Ok(())
            } else {
                Err(format!("{used_by} names the {what} `{name}`, which is not defined"))
            }
        };
        for i in &self.initiatives {
            let used_by = format!("initiative `{}`", i.name);
            need(&people, "person", &i.owner, &used_by)?;
            need(&vendors, "vendor", &i.spend_vendor, &used_by)?;
            if self.vendor(&i.cloud_vendor).and_then(|v| v.billing.as_ref()).is_none() {
                return Err(format!("{used_by}: cloud_vendor `{}` must be a vendor with `billing`", i.cloud_vendor));
            }
            if i.monthly_budget.people != 0 {
                return Err(format!("{used_by}: leave `people` out of monthly_budget; it comes from allocations"));
            }
            if !self.seasonality.contains_key(&i.seasonality) {
                return Err(format!("{used_by}: there is no seasonality profile `{}`", i.seasonality));
            }
            // The small demo promises 24 months of budgets for every active initiative; its window
            // starts at most 23 months before the current month (in December).
            if i.status == InitiativeStatus::Active && i.started_months_ago < 23 {
                return Err(format!("{used_by} must have started at least 23 months ago to fill the budget window"));
            }
        }
        for p in &self.people {
            need(&roles, "role", &p.role, &format!("person `{}`", p.name))?;
            need(&spending, "initiative", &p.team, &format!("person `{}`", p.name))?;
        }
        need(&people, "person", &self.overbooked.person, "overbooked")?;
        need(&spending, "initiative", &self.overbooked.second_team, "overbooked")?;
        if u32::from(self.overbooked.home_percent) + u32::from(self.overbooked.second_percent) <= 100 {
            return Err("overbooked: home_percent + second_percent must exceed 100".into());
        }
        for r in &self.requisitions {
            need(&roles, "role", &r.role, &format!("requisition `{}`", r.title))?;
            need(&all_initiatives, "initiative", &r.initiative, &format!("requisition `{}`", r.title))?;
        }
        for m in &self.models {
            need(&all_initiatives, "initiative", &m.initiative, &format!("model `{}`", m.name))?;
            need(&people, "person", &m.owner, &format!("model `{}`", m.name))?;
        }
        for c in &self.contracts {
            need(&vendors, "vendor", &c.vendor, &format!("contract `{}`", c.title))?;
            if let Some(key) = &c.initiative {
                need(&all_initiatives, "initiative", key, &format!("contract `{}`", c.title))?;
            }
        }
        for r in &self.vendor_reviews {
            need(&vendors, "vendor", &r.vendor, "a vendor review")?;
            need(&people, "person", &r.reviewer, "a vendor review")?;
        }
        for k in &self.kpis {
            need(&spending, "initiative", &k.initiative, &format!("KPI `{}`", k.name))?;
            if let Some(model) = &k.model {
                need(&models, "model", model, &format!("KPI `{}`", k.name))?;
            }
        }
        for u in &self.unallocated {
            need(&vendors, "vendor", &u.vendor, "an unallocated charge")?;
        }
        let large = &self.large;
        if large.regions.is_empty() || large.locations.is_empty() {
            return Err("large: regions and locations must not be empty".into());
        }
        if large.first_names.len() * large.last_names.len() < super::LARGE_PEOPLE {
            return Err(format!("large: first_names x last_names must give at least {} names", super::LARGE_PEOPLE));
        }
        Ok(())
    }
}
