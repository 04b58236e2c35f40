//! The records of a portfolio: initiatives and their money, people, models, vendors, KPIs,
//! scenarios and cluster connections.

use std::fmt::Debug;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Currency, DomainError, Money, Month, require_order, require_text, word_enum};

/// An amount within the ceiling every stored amount keeps ([`super::money::CEILING_UNITS`]).
fn require_amount(field: &str, amount: Money) -> Result<(), DomainError> {
    amount.within_ceiling(&amount.to_string()).map(|_| ()).map_err(|e| DomainError::invalid(field, e.to_string()))
}

word_enum!(
    /// A kind of record the portfolio holds; the word is what the CLI and the audit log call it.
    EntityKind, "entity" {
    Initiative => "initiative",
    BudgetLine => "budget",
    Actual => "actual",
    Role => "role",
    Person => "person",
    Allocation => "allocation",
    Requisition => "requisition",
    Model => "model",
    ModelVersion => "model-version",
    Vendor => "vendor",
    Contract => "contract",
    VendorReview => "review",
    Kpi => "kpi",
    KpiValue => "kpi-value",
    ContractModel => "contract-model",
    ControlItem => "control",
    Signoff => "signoff",
    Scenario => "scenario",
    Connection => "connection",
});

/// What every kind of record offers the generic store and API.
pub trait Entity: Serialize + DeserializeOwned + Clone + Debug + PartialEq + Send + 'static {
    type Id: Copy + Debug + PartialEq + Eq + From<i64> + Into<i64> + Serialize + DeserializeOwned + Send;
    const KIND: EntityKind;
    /// Checks the rules that need no database.
    fn validate(&self) -> Result<(), DomainError>;
}

macro_rules! id_type {
    ($($name:ident),+ $(,)?) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[ts(export)]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl From<i64> for $name { fn from(v: i64) -> Self { $name(v) } }
        impl From<$name> for i64 { fn from(v: $name) -> i64 { v.0 } }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { std::fmt::Display::fmt(&self.0, f) }
        }
    )+};
}
id_type!(
    InitiativeId,
    BudgetLineId,
    ActualId,
    RoleId,
    PersonId,
    AllocationId,
    RequisitionId,
    ModelId,
    ModelVersionId,
    VendorId,
    ContractId,
    VendorReviewId,
    KpiId,
    KpiValueId,
    ContractModelId,
    ControlItemId,
    SignoffId,
    ScenarioId,
    ConnectionId,
);

macro_rules! entity {
    ($type:ident, $id:ident, $kind:ident, |$this:ident| $validate:block) => {
        impl Entity for $type {
            type Id = $id;
            const KIND: EntityKind = EntityKind::$kind;
            fn validate(&self) -> Result<(), DomainError> {
                let $this = self;
                $validate
            }
        }
    };
}

word_enum!(
    /// Where an initiative stands.
    InitiativeStatus, "status" {
    Proposed => "proposed",
    Active => "active",
    Paused => "paused",
    Done => "done",
    Cancelled => "cancelled",
});

word_enum!(
    /// The spending categories of budgets and actuals.
    Category, "category" {
    Compute => "compute",
    Storage => "storage",
    People => "people",
    Vendor => "vendor",
    Other => "other",
});

word_enum!(
    /// Where an actual came from.
    ActualSource, "source" {
    Manual => "manual",
    Csv => "csv",
    Focus => "focus",
    OpenCost => "opencost",
    Invoice => "invoice",
});

word_enum!(
    /// Hiring progress of a planned hire.
    RequisitionStatus, "status" {
    Open => "open",
    Interviewing => "interviewing",
    Offer => "offer",
    Filled => "filled",
    Cancelled => "cancelled",
});

word_enum!(
    /// Lifecycle stage of a model or model version.
    ModelStage, "stage" {
    Development => "development",
    Staging => "staging",
    Production => "production",
    Archived => "archived",
});

word_enum!(
    /// How much harm a model can do, which drives review depth.
    RiskTier, "risk_tier" {
    Low => "low",
    Medium => "medium",
    High => "high",
    Critical => "critical",
});

word_enum!(
    /// What a model is used for, as the EU AI Act sorts uses: two prohibited purposes (Art. 5),
    /// the high-risk areas of Annex III, or none of these ([`crate::governance::classify`]).
    Purpose, "purpose" {
    None => "none",
    Biometrics => "biometrics",
    CriticalInfrastructure => "critical_infrastructure",
    Education => "education",
    Employment => "employment",
    EssentialServices => "essential_services",
    LawEnforcement => "law_enforcement",
    Migration => "migration",
    Justice => "justice",
    SocialScoring => "social_scoring",
    EmotionRecognitionWorkplace => "emotion_recognition_workplace",
});

word_enum!(
    /// Which duties of the EU AI Act fall on the organisation for a model: the provider's (it
    /// builds the system) or the deployer's (it uses a system under its authority).
    AiActRole, "ai_act_role" {
    Provider => "provider",
    Deployer => "deployer",
});

word_enum!(
    /// Where a control of a model's checklist stands.
    ControlStatus, "status" {
    NotStarted => "not_started",
    InProgress => "in_progress",
    Done => "done",
    NotApplicable => "not_applicable",
});

impl ControlStatus {
    /// Done, or set aside with a reason: what the promotion gate accepts.
    pub fn is_closed(self) -> bool {
        matches!(self, ControlStatus::Done | ControlStatus::NotApplicable)
    }
}

word_enum!(
    /// What backs a control: a file (kept by path with its SHA-256 and size), a link, or a note.
    EvidenceKind, "evidence_kind" {
    File => "file",
    Link => "link",
    Note => "note",
});

word_enum!(
    /// What a vendor sells.
    VendorCategory, "category" {
    Cloud => "cloud",
    Saas => "saas",
    Labeling => "labeling",
    Consulting => "consulting",
    Data => "data",
    Hardware => "hardware",
    Other => "other",
});

word_enum!(
    /// What a KPI's good direction is.
    KpiDirection, "direction" {
    HigherIsBetter => "higher_is_better",
    LowerIsBetter => "lower_is_better",
});

word_enum!(
    /// How often a KPI is measured: a KPI whose newest value is older than its cadence allows is
    /// stale ([`crate::plan::kpi`]).
    KpiCadence, "cadence" {
    Daily => "daily",
    Weekly => "weekly",
    Monthly => "monthly",
    Quarterly => "quarterly",
});

// `word_enum!` variants take no attributes, so `#[default]` cannot be derived.
#[allow(clippy::derivable_impls)]
impl Default for KpiCadence {
    fn default() -> KpiCadence {
        KpiCadence::Monthly
    }
}

word_enum!(
    /// How a computed KPI is computed from the portfolio ([`crate::plan::kpi`]):
    /// `cost_per_1000_predictions` is the model's fully loaded cost of a month over its predictions
    /// that month, × 1,000 (the predictions from the KPI's `metric_key`, a per-second throughput
    /// metric of the model); `roi` is the initiative's stated annual benefit over its fully loaded
    /// cost of the last 12 months.
    KpiFormula, "formula" {
    CostPer1000Predictions => "cost_per_1000_predictions",
    Roi => "roi",
});

word_enum!(
    /// Where a stored KPI value came from (synced and computed values are not stored).
    KpiValueSource, "source" {
    Typed => "typed",
    Imported => "imported",
});

word_enum!(
    /// The kind of cluster endpoint a connection reaches.
    ConnectionKind, "kind" {
    Prometheus => "prometheus",
    Mlflow => "mlflow",
    OpenCost => "opencost",
});

word_enum!(
    /// How a connection authenticates; the secret itself lives in the OS keyring.
    AuthKind, "auth" {
    None => "none",
    Basic => "basic",
    Bearer => "bearer",
});

/// A body of ML work with an objective, an owner and a budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Initiative {
    pub name: String,
    #[serde(default)]
    pub objective: String,
    #[serde(default)]
    pub owner: String,
    pub status: InitiativeStatus,
    /// 1 is the highest priority, 5 the lowest.
    pub priority: u8,
    pub start: Month,
    #[serde(default)]
    pub end: Option<Month>,
    /// What the initiative is expected to be worth a year, for ROI and payback.
    #[serde(default)]
    pub annual_benefit: Option<Money>,
}
entity!(Initiative, InitiativeId, Initiative, |i| {
    require_text("name", &i.name)?;
    if i.annual_benefit.is_some_and(|b| b.minor < 0) {
        return Err(DomainError::invalid("annual_benefit", "must not be negative"));
    }
    if let Some(benefit) = i.annual_benefit {
        require_amount("annual_benefit", benefit)?;
    }
    if !(1..=5).contains(&i.priority) {
        return Err(DomainError::invalid("priority", format!("{} is not from 1 (highest) to 5 (lowest)", i.priority)));
    }
    require_order("end", i.start, i.end)
});

/// Planned spend of one initiative in one month and category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetLine {
    pub initiative_id: InitiativeId,
    pub month: Month,
    pub category: Category,
    pub amount: Money,
    #[serde(default)]
    pub note: Option<String>,
}
entity!(BudgetLine, BudgetLineId, BudgetLine, |b| {
    if b.amount.minor < 0 {
        return Err(DomainError::invalid(
            "amount",
            format!("{} is negative; a budget is money set aside, 0 or more", b.amount),
        ));
    }
    require_amount("amount", b.amount)
});

/// Money actually spent. `initiative_id` is empty for spend that no initiative claims yet (the
/// Unallocated bucket), such as billing rows whose tag matches no initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Actual {
    #[serde(default)]
    pub initiative_id: Option<InitiativeId>,
    pub month: Month,
    pub category: Category,
    pub amount: Money,
    pub source: ActualSource,
    #[serde(default)]
    pub vendor_id: Option<VendorId>,
    #[serde(default)]
    pub model_id: Option<ModelId>,
    #[serde(default)]
    pub note: Option<String>,
    /// Billing drill-down: the provider, service and resource a charge came from.
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
    /// The tag value that attributed (or failed to attribute) the charge to an initiative.
    #[serde(default)]
    pub tag: Option<String>,
    /// Marked as a one-off (an invoice paid early, a yearly licence): counted as spend, left out
    /// of the forecast.
    #[serde(default)]
    pub one_off: bool,
}
// Negative actuals are credits and refunds.
entity!(Actual, ActualId, Actual, |a| { require_amount("amount", a.amount) });

/// A job with its cost: base salary and the fully loaded annual cost (benefits, taxes, equipment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Role {
    pub name: String,
    pub base_salary: Money,
    pub loaded_annual_cost: Money,
}
entity!(Role, RoleId, Role, |r| {
    require_text("name", &r.name)?;
    if r.base_salary.currency != r.loaded_annual_cost.currency {
        return Err(DomainError::invalid("loaded_annual_cost", "must be in the same currency as base_salary"));
    }
    if r.base_salary.minor < 0 || r.loaded_annual_cost.minor < r.base_salary.minor {
        return Err(DomainError::invalid(
            "loaded_annual_cost",
            "must be at least the base salary, and neither may be negative",
        ));
    }
    require_amount("base_salary", r.base_salary)?;
    require_amount("loaded_annual_cost", r.loaded_annual_cost)
});

/// Someone on the team, in one role, from `start` to `end` (empty while they stay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Person {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub role_id: RoleId,
    #[serde(default)]
    pub location: Option<String>,
    pub start: Month,
    #[serde(default)]
    pub end: Option<Month>,
}
entity!(Person, PersonId, Person, |p| {
    require_text("name", &p.name)?;
    if let Some(email) = &p.email
        && !email.contains('@')
    {
        return Err(DomainError::invalid("email", format!("`{email}` is not an email address")));
    }
    require_order("end", p.start, p.end)
});

impl Person {
    /// Whether the person is on the team in `month` (their start through their end).
    pub fn on_team(&self, month: Month) -> bool {
        self.start <= month && self.end.is_none_or(|end| month <= end)
    }
}

/// A share of a person's time given to an initiative over a range of months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Allocation {
    pub person_id: PersonId,
    pub initiative_id: InitiativeId,
    pub percent: u8,
    pub start: Month,
    #[serde(default)]
    pub end: Option<Month>,
    /// The model the person works on, when the allocation names one (fully loaded cost per model).
    #[serde(default)]
    pub model_id: Option<ModelId>,
}
entity!(Allocation, AllocationId, Allocation, |a| {
    if !(1..=100).contains(&a.percent) {
        return Err(DomainError::invalid("percent", format!("{} is not from 1 to 100", a.percent)));
    }
    require_order("end", a.start, a.end)
});

impl Allocation {
    /// Whether the allocation covers `month`.
    pub fn covers(&self, month: Month) -> bool {
        self.start <= month && self.end.is_none_or(|end| month <= end)
    }
}

/// A planned hire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Requisition {
    pub title: String,
    pub role_id: RoleId,
    #[serde(default)]
    pub initiative_id: Option<InitiativeId>,
    pub start: Month,
    pub status: RequisitionStatus,
}
entity!(Requisition, RequisitionId, Requisition, |r| { require_text("title", &r.title) });

impl RequisitionStatus {
    /// Still to be hired: neither filled nor cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, RequisitionStatus::Filled | RequisitionStatus::Cancelled)
    }
}

/// A model in the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Model {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub initiative_id: Option<InitiativeId>,
    pub stage: ModelStage,
    pub risk_tier: RiskTier,
    /// Kinds of data the model touches: pii, financial, health, behavioral, ...
    #[serde(default)]
    pub data_categories: Vec<String>,
    /// Where it runs, e.g. `k8s/prod-us-east/fraud-scoring`.
    #[serde(default)]
    pub deployment: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    /// The governance questionnaire ([`crate::governance::classify`]); none until answered.
    #[serde(default)]
    pub purpose: Option<Purpose>,
    /// Makes or supports decisions with legal or similarly significant effects on people.
    #[serde(default)]
    pub decides_about_people: Option<bool>,
    #[serde(default)]
    pub interacts_with_people: Option<bool>,
    #[serde(default)]
    pub generates_content: Option<bool>,
    #[serde(default)]
    pub ai_act_role: Option<AiActRole>,
}
entity!(Model, ModelId, Model, |m| {
    require_text("name", &m.name)?;
    if let Some(bad) = m.data_categories.iter().find(|c| c.trim().is_empty()) {
        return Err(DomainError::invalid("data_categories", format!("`{bad}` is an empty category")));
    }
    Ok(())
});

/// One version of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelVersion {
    pub model_id: ModelId,
    pub version: String,
    pub stage: ModelStage,
    /// Registry aliases such as `champion` or `challenger`.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}
entity!(ModelVersion, ModelVersionId, ModelVersion, |v| { require_text("version", &v.version) });

/// A company the portfolio buys from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Vendor {
    pub name: String,
    pub category: VendorCategory,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}
entity!(Vendor, VendorId, Vendor, |v| { require_text("name", &v.name) });

/// A contract with a vendor: total value over its term, and how early notice must be given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Contract {
    pub vendor_id: VendorId,
    pub title: String,
    #[serde(default)]
    pub initiative_id: Option<InitiativeId>,
    pub value: Money,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Days before `end` by which a cancellation notice is due.
    pub notice_days: u32,
    pub auto_renew: bool,
}
entity!(Contract, ContractId, Contract, |c| {
    require_text("title", &c.title)?;
    if c.value.minor < 0 {
        return Err(DomainError::invalid("value", "must not be negative"));
    }
    require_amount("value", c.value)?;
    if c.notice_days > 730 {
        return Err(DomainError::invalid("notice_days", "is more than two years"));
    }
    require_order("end", c.start, Some(c.end))
});

impl Contract {
    /// The last day to give notice before the contract renews or ends.
    pub fn notice_deadline(&self) -> NaiveDate {
        self.end - chrono::Days::new(u64::from(self.notice_days))
    }
}

/// A periodic review of a vendor, scored 1 (poor) to 5 (excellent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct VendorReview {
    pub vendor_id: VendorId,
    pub date: NaiveDate,
    pub reviewer: String,
    pub score: u8,
    #[serde(default)]
    pub notes: Option<String>,
}
entity!(VendorReview, VendorReviewId, VendorReview, |r| {
    require_text("reviewer", &r.reviewer)?;
    if !(1..=5).contains(&r.score) {
        return Err(DomainError::invalid("score", format!("{} is not from 1 to 5", r.score)));
    }
    Ok(())
});

/// A key performance indicator with its target band. KPI values are measurements, not money, so
/// they are plain numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Kpi {
    pub name: String,
    #[serde(default)]
    pub initiative_id: Option<InitiativeId>,
    #[serde(default)]
    pub model_id: Option<ModelId>,
    /// The metric series key it reads, e.g. `latency_p95_ms`.
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
    /// How far outside the target band is still amber, in the KPI's unit; none: 5% of the target
    /// it crossed.
    #[serde(default)]
    pub amber_margin: Option<f64>,
    /// A starred KPI's chart goes into the report.
    #[serde(default)]
    pub starred: bool,
    /// For a computed KPI, how it is computed.
    #[serde(default)]
    pub formula: Option<KpiFormula>,
}
entity!(Kpi, KpiId, Kpi, |k| {
    require_text("name", &k.name)?;
    if let Some(margin) = k.amber_margin
        && !(margin.is_finite() && margin >= 0.0)
    {
        return Err(DomainError::invalid("amber_margin", format!("{margin} is not a number of zero or more")));
    }
    match k.formula {
        Some(KpiFormula::CostPer1000Predictions) if k.model_id.is_none() || k.metric_key.is_none() => {
            return Err(DomainError::invalid(
                "formula",
                "cost_per_1000_predictions needs model_id and metric_key (the model's throughput metric, per second)",
            ));
        }
        Some(KpiFormula::Roi) if k.initiative_id.is_none() => {
            return Err(DomainError::invalid("formula", "roi needs initiative_id"));
        }
        _ => {}
    }
    if k.target_low.is_none() && k.target_high.is_none() {
        return Err(DomainError::invalid("target_low", "give target_low, target_high or both"));
    }
    if let Some(bad) = [k.target_low, k.target_high].into_iter().flatten().find(|v| !v.is_finite()) {
        return Err(DomainError::invalid("target_low", format!("{bad} is not a finite number")));
    }
    if let (Some(low), Some(high)) = (k.target_low, k.target_high)
        && low > high
    {
        return Err(DomainError::invalid("target_high", format!("{high} is below target_low {low}")));
    }
    Ok(())
});

/// One value of a KPI on one day, typed or imported. A KPI has at most one stored value a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KpiValue {
    pub kpi_id: KpiId,
    pub date: NaiveDate,
    pub value: f64,
    pub source: KpiValueSource,
    #[serde(default)]
    pub note: Option<String>,
}
entity!(KpiValue, KpiValueId, KpiValue, |v| {
    if !v.value.is_finite() {
        return Err(DomainError::invalid("value", format!("{} is not a finite number", v.value)));
    }
    Ok(())
});

/// A contract's spend following a model: `share` percent of the vendor's spend under the
/// contract is the model's ([`crate::plan::model_cost`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ContractModel {
    pub contract_id: ContractId,
    pub model_id: ModelId,
    /// Percent of the contract's spend, 1 to 100.
    pub share: u8,
}
entity!(ContractModel, ContractModelId, ContractModel, |l| {
    if !(1..=100).contains(&l.share) {
        return Err(DomainError::invalid("share", format!("{} is not a percent from 1 to 100", l.share)));
    }
    Ok(())
});

/// Where one control of a model's checklist stands: its status, who owns it, when it is due, and
/// the evidence behind it. A control with no item is not started ([`crate::governance::checklist`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ControlItem {
    pub model_id: ModelId,
    /// The control's id in its framework file (`ai-act-9`).
    pub control: String,
    pub status: ControlStatus,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub evidence_kind: Option<EvidenceKind>,
    /// A file's absolute path, a link, or the note itself.
    #[serde(default)]
    pub evidence: Option<String>,
    /// A file's SHA-256 (hex) and size in bytes when it was attached.
    #[serde(default)]
    pub evidence_sha256: Option<String>,
    #[serde(default)]
    pub evidence_size: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    /// Why a control does not apply (required for `not_applicable`).
    #[serde(default)]
    pub reason: Option<String>,
}
entity!(ControlItem, ControlItemId, ControlItem, |c| {
    require_text("control", &c.control)?;
    if c.status == ControlStatus::NotApplicable && c.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(DomainError::invalid(
            "reason",
            "not_applicable needs a reason: say why the control does not apply",
        ));
    }
    match (c.evidence_kind, c.evidence.as_deref()) {
        (None, None) => {}
        (Some(_), Some(text)) if !text.trim().is_empty() => {}
        (Some(kind), _) => return Err(DomainError::invalid("evidence", format!("{kind} evidence needs a value"))),
        (None, Some(_)) => {
            return Err(DomainError::invalid("evidence_kind", "say whether the evidence is a file, a link or a note"));
        }
    }
    if c.evidence_kind == Some(EvidenceKind::File) && (c.evidence_sha256.is_none() || c.evidence_size.is_none()) {
        return Err(DomainError::invalid("evidence", "a file's SHA-256 and size are recorded when it is attached"));
    }
    Ok(())
});

/// A named approver's sign-off of a model for production ([`crate::governance::gate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Signoff {
    pub model_id: ModelId,
    pub approver: String,
    /// When it was given (RFC 3339, UTC).
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
}
entity!(Signoff, SignoffId, Signoff, |s| { require_text("approver", &s.approver) });

/// A what-if: a named list of changes over the baseline (hires, leaves, allocations, spend,
/// budgets, contracts), kept in `scenario_changes` and evaluated by the planning core
/// ([`crate::plan::scenario`]). The record is its name and note; `scenario add` writes its changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub note: String,
}
entity!(Scenario, ScenarioId, Scenario, |s| {
    require_text("name", &s.name)?;
    Ok(())
});

/// A cluster endpoint to sync from. Holds no secret: those live in the OS keyring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Connection {
    pub name: String,
    pub kind: ConnectionKind,
    pub base_url: String,
    pub auth: AuthKind,
    #[serde(default)]
    pub username: Option<String>,
    /// An extra CA certificate (PEM file) for in-house clusters.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Skips TLS verification; shown as a warning wherever the connection appears.
    #[serde(default)]
    pub insecure_skip_verify: bool,
    pub interval_minutes: u32,
}
entity!(Connection, ConnectionId, Connection, |c| {
    require_text("name", &c.name)?;
    if !(c.base_url.starts_with("http://") || c.base_url.starts_with("https://")) {
        return Err(DomainError::invalid("base_url", format!("`{}` must start with http:// or https://", c.base_url)));
    }
    if let Some(problem) = credentials_in_url(&c.base_url) {
        return Err(DomainError::invalid(
            "base_url",
            format!(
                "{problem}; a secret in the address would be stored in the file, its exports and its backups. \
                     Give the address without it and the secret with --secret-stdin (kept in the OS keyring)"
            ),
        ));
    }
    if c.auth == AuthKind::Basic && c.username.as_deref().is_none_or(|u| u.trim().is_empty()) {
        return Err(DomainError::invalid("username", "basic auth needs a username"));
    }
    if c.interval_minutes == 0 {
        return Err(DomainError::invalid("interval_minutes", "must be at least 1"));
    }
    Ok(())
});

/// What in a connection's address is a credential: a `user:password@` part, or a query parameter
/// named like a token or a key.
fn credentials_in_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Some(
            "the address carries a user name or password (`user:…@`): use --auth basic --username NAME instead".into(),
        );
    }
    let query = rest.split_once('?').map(|(_, q)| q.split('#').next().unwrap_or(""))?;
    const SECRET_NAMES: &[&str] = &[
        "token",
        "access_token",
        "api_key",
        "apikey",
        "key",
        "password",
        "passwd",
        "secret",
        "auth",
        "sig",
        "signature",
    ];
    query.split('&').find_map(|pair| {
        let name = pair.split('=').next().unwrap_or("").to_ascii_lowercase();
        SECRET_NAMES.contains(&name.as_str()).then(|| format!("the address carries a `{name}=` parameter"))
    })
}

/// How many units of the base currency one unit of `currency` is worth, as exact decimal text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct FxRate {
    pub currency: Currency,
    /// Decimal text such as "1.08", so no precision is lost on the way.
    #[ts(type = "string")]
    pub rate: rust_decimal::Decimal,
}

impl FxRate {
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.rate <= rust_decimal::Decimal::ZERO {
            return Err(DomainError::invalid("rate", format!("{} must be above zero", self.rate)));
        }
        Ok(())
    }

    /// Converts an amount in this rate's currency into `base`, rounding half to even once.
    pub fn convert(&self, amount: Money, base: Currency) -> Option<Money> {
        Money::from_decimal(amount.to_decimal().checked_mul(self.rate)?, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(s: &str) -> Month {
        s.parse().unwrap()
    }

    #[test]
    fn allocation_percent_and_range_are_checked() {
        let mut a = Allocation {
            person_id: PersonId(1),
            initiative_id: InitiativeId(1),
            percent: 50,
            start: month("2026-01"),
            end: Some(month("2026-06")),
            model_id: None,
        };
        assert!(a.validate().is_ok());
        assert!(a.covers(month("2026-06")) && !a.covers(month("2026-07")));
        a.percent = 0;
        assert_eq!(a.validate().unwrap_err().field, "percent");
        a.percent = 101;
        assert_eq!(a.validate().unwrap_err().field, "percent");
        a.percent = 100;
        a.end = Some(month("2025-12"));
        assert_eq!(a.validate().unwrap_err().field, "end");
    }

    #[test]
    fn words_parse_case_insensitively_and_list_choices_when_wrong() {
        assert_eq!("Compute".parse::<Category>().unwrap(), Category::Compute);
        let err = "gpu".parse::<Category>().unwrap_err();
        assert_eq!(err.field, "category");
        assert!(err.message.contains("compute, storage, people, vendor, other"), "{err}");
    }

    #[test]
    fn fx_conversion_rounds_once_half_to_even() {
        let rate = FxRate { currency: Currency::EUR, rate: "1.085".parse().unwrap() };
        let converted = rate.convert(Money::new(1_000, Currency::EUR), Currency::USD).unwrap();
        assert_eq!(converted, Money::new(1_085, Currency::USD));
        let jpy = FxRate { currency: Currency::JPY, rate: "0.0067".parse().unwrap() };
        assert_eq!(jpy.convert(Money::new(1_000_000, Currency::JPY), Currency::USD).unwrap().minor, 670_000);
    }

    #[test]
    fn role_loaded_cost_cannot_be_below_base() {
        let role = Role {
            name: "ML engineer".into(),
            base_salary: Money::new(18_000_000, Currency::USD),
            loaded_annual_cost: Money::new(17_000_000, Currency::USD),
        };
        assert_eq!(role.validate().unwrap_err().field, "loaded_annual_cost");
    }

    #[test]
    fn a_connection_address_with_credentials_is_refused() {
        let connection = |url: &str| Connection {
            name: "prom".into(),
            kind: ConnectionKind::Prometheus,
            base_url: url.into(),
            auth: AuthKind::None,
            username: None,
            ca_file: None,
            insecure_skip_verify: false,
            interval_minutes: 15,
        };
        for url in
            ["http://ana:s3cret@prom:9090", "https://prom.example/api?token=abc", "https://x.example/?foo=1&API_KEY=z"]
        {
            let err = connection(url).validate().unwrap_err();
            assert_eq!(err.field, "base_url", "{url}");
            assert!(err.message.contains("--secret-stdin"), "{err}");
        }
        for url in ["http://prom:9090", "https://mlflow.example/path?experiment=3", "http://[::1]:9090/"] {
            assert!(connection(url).validate().is_ok(), "{url}");
        }
    }

    #[test]
    fn contract_notice_deadline_counts_back_from_end() {
        let c = Contract {
            vendor_id: VendorId(1),
            title: "GPU reserve".into(),
            initiative_id: None,
            value: Money::new(1, Currency::USD),
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            notice_days: 60,
            auto_renew: true,
        };
        assert_eq!(c.notice_deadline(), NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    }
}
