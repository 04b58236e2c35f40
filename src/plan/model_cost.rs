//! The fully loaded cost of each model over a period: every actual of the period's months through
//! the as-of month placed on a model by one stated rule, or left unattributed — never spread
//! silently. The models plus the unattributed add up to the period's spend to date, to the cent.
//!
//! The rules, in the order they are tried for each actual (docs/figures.md says the same):
//! 1. **Named** — an actual that names a model is that model's: `people` spend is its people part,
//!    `vendor` spend its vendor part, anything else its infrastructure.
//! 2. **People by allocation** — an initiative's people spend of a month is split by its
//!    allocations covering the month, each weighted by the person's loaded cost × percent; an
//!    allocation that names a model gives its share to that model. The share of allocations that
//!    name none (all of it, when nobody is allocated) goes on by rule 5.
//! 3. **Vendor by contract** — a vendor's spend is split by the model links of that vendor's
//!    contracts running in the month (for the same initiative, or for any): each linked model gets
//!    its percent; what no link claims goes on by rule 5.
//! 4. **Shared cluster** — infrastructure naming no model and no initiative on a cluster (a
//!    provider OpenCost reports for) on which models have named infrastructure in the period —
//!    idle capacity, shared namespaces — is spread over those models by their share of that
//!    cluster's named cost. Untagged cloud spend is no cluster's: it stays unattributed.
//! 5. **Initiative** — what is left of an initiative's spend is spread over its models (those not
//!    archived, else all) by their share of named infrastructure in the period; equally when none
//!    of them has any. Infrastructure spread this way is *shared*; people and vendor spend keep
//!    their part.
//! 6. **Unattributed** — spend of no initiative, or of an initiative without models.
//!
//! Splits are exact: each amount is shared by largest remainder, so the parts add up to it.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::inputs::{MoneyFact, PlanInputs};
use super::period::{Period, PeriodChoice};
use crate::domain::{Category, Currency, InitiativeId, ModelId, ModelStage, Month};

/// Where a part of a model's cost comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CostPart {
    Infra,
    People,
    Vendor,
    Shared,
}

impl CostPart {
    pub const ALL: [CostPart; 4] = [CostPart::Infra, CostPart::People, CostPart::Vendor, CostPart::Shared];

    pub fn label(self) -> &'static str {
        match self {
            CostPart::Infra => "Infrastructure",
            CostPart::People => "People",
            CostPart::Vendor => "Vendors",
            CostPart::Shared => "Shared and idle",
        }
    }

    /// The rule, as shown beside the figure.
    pub fn rule(self) -> &'static str {
        match self {
            CostPart::Infra => "Compute, storage and other spend whose actuals name the model.",
            CostPart::People => {
                "People spend by allocation: an allocation that names the model gives it its loaded cost's share; \
                 the rest of an initiative's people spend is split over its models by their share of its \
                 infrastructure (equally when none has any)."
            }
            CostPart::Vendor => {
                "Vendor spend that names the model, or that follows a contract linked to the model at its \
                 percent; the rest of an initiative's vendor spend is split like its people spend."
            }
            CostPart::Shared => {
                "Infrastructure that names no model: a cluster's idle capacity and shared namespaces spread \
                 over the models with named cost on that cluster by their share of it; an initiative's over \
                 its models by their share of its infrastructure."
            }
        }
    }
}

/// One model's cost over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelCost {
    pub model_id: ModelId,
    pub name: String,
    pub initiative_id: Option<InitiativeId>,
    pub stage: ModelStage,
    pub infra_minor: i64,
    pub people_minor: i64,
    pub vendor_minor: i64,
    pub shared_minor: i64,
    pub total_minor: i64,
    /// The total of each month of [`ModelCosts::months`].
    pub by_month_minor: Vec<i64>,
    /// The cost of 1,000 predictions over the period's months that have throughput data, where a
    /// throughput metric is bound ([`super::value::add_throughput`]); in the base currency.
    pub per_1000_predictions: Option<f64>,
}

impl ModelCost {
    /// Each part in the order of [`CostPart::ALL`], then the total: a row of a table.
    pub fn amounts(&self) -> [i64; 5] {
        [self.infra_minor, self.people_minor, self.vendor_minor, self.shared_minor, self.total_minor]
    }

    pub fn part_minor(&self, part: CostPart) -> i64 {
        match part {
            CostPart::Infra => self.infra_minor,
            CostPart::People => self.people_minor,
            CostPart::Vendor => self.vendor_minor,
            CostPart::Shared => self.shared_minor,
        }
    }
}

/// Why spend stayed unattributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UnattributedReason {
    /// The actual names no initiative (and no model).
    NoInitiative,
    /// Its initiative has no models.
    InitiativeWithoutModels,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Unattributed {
    pub reason: UnattributedReason,
    pub initiative_id: Option<InitiativeId>,
    pub minor: i64,
}

/// A part and its rule, for the legend beside the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CostRule {
    pub part: CostPart,
    pub label: String,
    pub rule: String,
}

/// Every model's fully loaded cost over a period to date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelCosts {
    pub period: Period,
    pub currency: Currency,
    /// The months counted: the period's months through the as-of month.
    pub months: Vec<Month>,
    /// Models with any cost, and every model not archived; most expensive first.
    pub models: Vec<ModelCost>,
    pub unattributed_minor: i64,
    /// The unattributed spend by reason and initiative, largest first.
    pub unattributed: Vec<Unattributed>,
    /// The period's spend to date: the models plus the unattributed.
    pub total_minor: i64,
    pub rules: Vec<CostRule>,
}

impl ModelCosts {
    pub fn model(&self, id: ModelId) -> Option<&ModelCost> {
        self.models.iter().find(|m| m.model_id == id)
    }

    /// A model's cost of one month, when the month is counted.
    pub fn month_minor(&self, id: ModelId, month: Month) -> Option<i64> {
        let index = self.months.iter().position(|m| *m == month)?;
        self.model(id).map(|m| m.by_month_minor[index])
    }
}

/// The fully loaded cost of every model for `period` as of the inputs' as-of month.
pub fn model_costs(inputs: &PlanInputs, period: PeriodChoice) -> ModelCosts {
    let all_time = super::money_span(inputs).unwrap_or((inputs.as_of, inputs.as_of));
    let period = Period::resolve(period, inputs.as_of, inputs.fiscal_year_start, all_time);
    let last = period.last.min(inputs.as_of);
    let months: Vec<Month> = period.months().filter(|m| *m <= last).collect();
    costs_over(inputs, period, months)
}

/// The fully loaded cost of every model over the months `first` through `last` (at most the
/// inputs' as-of month), as the charts' trailing windows ask for it.
pub fn model_costs_between(inputs: &PlanInputs, first: Month, last: Month) -> ModelCosts {
    let last = last.min(inputs.as_of);
    let label = format!(
        "{} to {}",
        crate::domain::words::month_label(first, true),
        crate::domain::words::month_label(last, true)
    );
    let period = Period { kind: super::period::PeriodKind::All, key: format!("{first}..{last}"), label, first, last };
    let months = (0..=first.months_until(last)).map(|k| first.plus(k)).collect();
    costs_over(inputs, period, months)
}

/// The costs of `months` (consecutive, within `period`).
pub(crate) fn costs_over(inputs: &PlanInputs, period: Period, months: Vec<Month>) -> ModelCosts {
    let month_index: HashMap<Month, usize> = months.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let actuals: Vec<&MoneyFact> = inputs.actuals.iter().filter(|a| month_index.contains_key(&a.month)).collect();
    let models: HashMap<ModelId, &super::inputs::ModelFacts> = inputs.models.iter().map(|m| (m.id, m)).collect();

    // Weights: each model's named infrastructure over the period, in all and per provider.
    let mut infra: HashMap<ModelId, i64> = HashMap::new();
    let mut provider_infra: HashMap<u32, BTreeMap<ModelId, i64>> = HashMap::new();
    for a in &actuals {
        if let Some(model) = a.model.filter(|m| models.contains_key(m))
            && part_of(a.category) == CostPart::Infra
        {
            *infra.entry(model).or_default() += a.minor;
            if let Some(provider) = a.provider {
                *provider_infra.entry(provider).or_default().entry(model).or_default() += a.minor;
            }
        }
    }
    // An initiative's models: those not archived, else all.
    let mut of_initiative: BTreeMap<InitiativeId, Vec<ModelId>> = BTreeMap::new();
    for model in &inputs.models {
        if let Some(initiative) = model.initiative {
            of_initiative.entry(initiative).or_default().push(model.id);
        }
    }
    for list in of_initiative.values_mut() {
        let live: Vec<ModelId> = list.iter().copied().filter(|m| models[m].stage != ModelStage::Archived).collect();
        if !live.is_empty() {
            *list = live;
        }
    }
    let by_infra = |candidates: &[ModelId]| -> Vec<(ModelId, i128)> {
        let weighted: Vec<(ModelId, i128)> =
            candidates.iter().map(|m| (*m, i128::from(infra.get(m).copied().unwrap_or(0).max(0)))).collect();
        if weighted.iter().any(|(_, w)| *w > 0) { weighted } else { candidates.iter().map(|m| (*m, 1)).collect() }
    };
    let initiative_weights: HashMap<InitiativeId, Vec<(ModelId, i128)>> =
        of_initiative.iter().map(|(i, list)| (*i, by_infra(list))).collect();
    let provider_weights: HashMap<u32, Vec<(ModelId, i128)>> = provider_infra
        .iter()
        .filter_map(|(p, by_model)| {
            let weights: Vec<(ModelId, i128)> =
                by_model.iter().filter(|(_, v)| **v > 0).map(|(m, v)| (*m, i128::from(*v))).collect();
            (!weights.is_empty()).then_some((*p, weights))
        })
        .collect();

    let mut staffing = Staffing::new(inputs);
    let mut placed: HashMap<(ModelId, CostPart), Vec<i64>> = HashMap::new();
    let mut unattributed: BTreeMap<(UnattributedReason, Option<InitiativeId>), i64> = BTreeMap::new();
    let mut put = |model: ModelId, part: CostPart, month: usize, minor: i64| {
        placed.entry((model, part)).or_insert_with(|| vec![0; months.len()])[month] += minor;
    };

    for a in &actuals {
        let month = month_index[&a.month];
        let part = part_of(a.category);
        if let Some(model) = a.model.filter(|m| models.contains_key(m)) {
            put(model, part, month, a.minor);
            continue;
        }
        // What rules 2–4 leave over for rule 5.
        let mut rest = a.minor;
        match part {
            CostPart::People => {
                if let Some(initiative) = a.initiative {
                    let (named, unnamed) = staffing.weights(&models, initiative, a.month);
                    let mut weights = named.clone();
                    weights.push((None, *unnamed));
                    let shares = apportion(a.minor, &weights.iter().map(|(_, w)| *w).collect::<Vec<_>>());
                    for ((model, _), share) in weights.iter().zip(shares) {
                        if let Some(model) = model {
                            put(*model, CostPart::People, month, share);
                            rest -= share;
                        }
                    }
                }
            }
            CostPart::Vendor => {
                let (links, unclaimed) = contract_links(inputs, a, &models);
                if !links.is_empty() {
                    let mut weights: Vec<i128> = links.iter().map(|(_, w)| *w).collect();
                    weights.push(unclaimed);
                    let shares = apportion(a.minor, &weights);
                    for ((model, _), share) in links.iter().zip(shares) {
                        put(*model, CostPart::Vendor, month, share);
                        rest -= share;
                    }
                }
            }
            CostPart::Infra if a.initiative.is_none() => {
                let cluster = a.provider.filter(|p| inputs.clusters.contains(p));
                if let Some(weights) = cluster.and_then(|p| provider_weights.get(&p)) {
                    spread(&mut put, weights, CostPart::Shared, month, a.minor);
                    continue;
                }
            }
            CostPart::Infra => {}
            CostPart::Shared => unreachable!("no category is shared by itself"),
        }
        if rest == 0 {
            continue;
        }
        let rest_part = if part == CostPart::Infra { CostPart::Shared } else { part };
        match a.initiative {
            Some(initiative) => match initiative_weights.get(&initiative) {
                Some(weights) => spread(&mut put, weights, rest_part, month, rest),
                None => {
                    *unattributed.entry((UnattributedReason::InitiativeWithoutModels, Some(initiative))).or_default() +=
                        rest
                }
            },
            None => *unattributed.entry((UnattributedReason::NoInitiative, None)).or_default() += rest,
        }
    }

    let mut rows: BTreeMap<ModelId, ModelCost> = BTreeMap::new();
    for model in &inputs.models {
        rows.insert(
            model.id,
            ModelCost {
                model_id: model.id,
                name: model.name.clone(),
                initiative_id: model.initiative,
                stage: model.stage,
                infra_minor: 0,
                people_minor: 0,
                vendor_minor: 0,
                shared_minor: 0,
                total_minor: 0,
                by_month_minor: vec![0; months.len()],
                per_1000_predictions: None,
            },
        );
    }
    for ((model, part), by_month) in placed {
        let Some(row) = rows.get_mut(&model) else { continue };
        let sum: i64 = by_month.iter().sum();
        match part {
            CostPart::Infra => row.infra_minor += sum,
            CostPart::People => row.people_minor += sum,
            CostPart::Vendor => row.vendor_minor += sum,
            CostPart::Shared => row.shared_minor += sum,
        }
        row.total_minor += sum;
        for (slot, v) in row.by_month_minor.iter_mut().zip(by_month) {
            *slot += v;
        }
    }
    let mut models: Vec<ModelCost> = rows
        .into_values()
        .filter(|m| m.stage != ModelStage::Archived || m.by_month_minor.iter().any(|v| *v != 0))
        .collect();
    models.sort_by(|a, b| b.total_minor.cmp(&a.total_minor).then_with(|| a.name.cmp(&b.name)));
    let mut unattributed: Vec<Unattributed> = unattributed
        .into_iter()
        .filter(|(_, minor)| *minor != 0)
        .map(|((reason, initiative_id), minor)| Unattributed { reason, initiative_id, minor })
        .collect();
    unattributed.sort_by_key(|u| std::cmp::Reverse(u.minor));
    let unattributed_minor = unattributed.iter().map(|u| u.minor).sum();
    let total_minor = actuals.iter().map(|a| a.minor).sum();
    ModelCosts {
        period,
        currency: inputs.base_currency,
        months,
        models,
        unattributed_minor,
        unattributed,
        total_minor,
        rules: CostPart::ALL
            .iter()
            .map(|p| CostRule { part: *p, label: p.label().to_owned(), rule: p.rule().to_owned() })
            .collect(),
    }
}

/// The weight of one contract in [`contract_links`]: shares are kept to a hundredth of a percent.
const WHOLE: i128 = 10_000;

fn part_of(category: Category) -> CostPart {
    match category {
        Category::People => CostPart::People,
        Category::Vendor => CostPart::Vendor,
        Category::Compute | Category::Storage | Category::Other => CostPart::Infra,
    }
}

/// Who works on what, indexed once: each initiative's allocations with the person's annual loaded
/// cost (the weight of an allocation is that cost × its percent), and each (initiative, month)'s
/// weights remembered after the first people actual asks for them.
struct Staffing<'a> {
    by_initiative: HashMap<InitiativeId, Vec<Staffed<'a>>>,
    remembered: HashMap<(InitiativeId, Month), Weights>,
}

/// An allocation, its person and the person's annual loaded cost.
type Staffed<'a> = (&'a super::inputs::AllocationFacts, &'a super::inputs::PersonFacts, i128);
/// The weights of allocations that name a model, and the weight of those that name none.
type Weights = (Vec<(Option<ModelId>, i128)>, i128);

impl<'a> Staffing<'a> {
    fn new(inputs: &'a PlanInputs) -> Staffing<'a> {
        let people: HashMap<_, _> = inputs.people.iter().map(|p| (p.id, p)).collect();
        let mut by_initiative: HashMap<InitiativeId, Vec<_>> = HashMap::new();
        for allocation in &inputs.allocations {
            if let Some(person) = people.get(&allocation.person) {
                let cost = i128::from(inputs.role_cost_minor.get(&person.role).copied().unwrap_or(0).max(0));
                by_initiative.entry(allocation.initiative).or_default().push((allocation, *person, cost));
            }
        }
        Staffing { by_initiative, remembered: HashMap::new() }
    }

    /// An initiative's allocations covering `month`, by the model they name, and the weight of
    /// those that name none (all of it, 1, when nobody is allocated).
    fn weights(
        &mut self,
        models: &HashMap<ModelId, &super::inputs::ModelFacts>,
        initiative: InitiativeId,
        month: Month,
    ) -> &Weights {
        let by_initiative = &self.by_initiative;
        self.remembered.entry((initiative, month)).or_insert_with(|| {
            let mut named: BTreeMap<ModelId, i128> = BTreeMap::new();
            let mut unnamed = 0i128;
            for (allocation, person, cost) in by_initiative.get(&initiative).into_iter().flatten() {
                if !allocation.covers(month) || !person.on_team(month) {
                    continue;
                }
                let weight = cost * i128::from(allocation.percent);
                match allocation.model.filter(|m| models.contains_key(m)) {
                    Some(model) => *named.entry(model).or_default() += weight,
                    None => unnamed += weight,
                }
            }
            if named.values().sum::<i128>() + unnamed == 0 {
                return (Vec::new(), 1);
            }
            (named.into_iter().map(|(m, w)| (Some(m), w)).collect(), unnamed)
        })
    }
}

/// The models a vendor actual follows through its vendor's contracts running that month (for its
/// initiative, or for any), as weights, and the weight no link claims. Each contract weighs
/// [`WHOLE`]; its links take their percent of it (scaled down to all of it when they claim more);
/// several contracts are averaged.
fn contract_links(
    inputs: &PlanInputs,
    actual: &MoneyFact,
    models: &HashMap<ModelId, &super::inputs::ModelFacts>,
) -> (Vec<(ModelId, i128)>, i128) {
    let Some(vendor) = actual.vendor else { return (Vec::new(), 0) };
    let mut by_model: BTreeMap<ModelId, i128> = BTreeMap::new();
    let mut whole = 0i128;
    for contract in inputs.contracts.iter().filter(|c| {
        c.vendor_id == vendor
            && Month::of(c.start) <= actual.month
            && actual.month <= Month::of(c.end)
            && (c.initiative.is_none() || c.initiative == actual.initiative)
            && !c.models.is_empty()
    }) {
        whole += WHOLE;
        let claimed = i128::from(contract.models.iter().map(|(_, s)| *s).sum::<u32>()).max(100);
        for (model, share) in contract.models.iter().filter(|(m, _)| models.contains_key(m)) {
            *by_model.entry(*model).or_default() += i128::from(*share) * WHOLE / claimed;
        }
    }
    let taken: i128 = by_model.values().sum();
    (by_model.into_iter().collect(), whole - taken)
}

fn spread(
    put: &mut impl FnMut(ModelId, CostPart, usize, i64),
    weights: &[(ModelId, i128)],
    part: CostPart,
    month: usize,
    minor: i64,
) {
    let shares = apportion(minor, &weights.iter().map(|(_, w)| *w).collect::<Vec<_>>());
    for ((model, _), share) in weights.iter().zip(shares) {
        if share != 0 {
            put(*model, part, month, share);
        }
    }
}

/// `amount` split in proportion to `weights` (not all zero) by largest remainder: the parts add up
/// to `amount` exactly; ties go to the earlier weight.
pub fn apportion(amount: i64, weights: &[i128]) -> Vec<i64> {
    let total: i128 = weights.iter().map(|w| (*w).max(0)).sum();
    if total == 0 || weights.is_empty() {
        let mut out = vec![0; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = amount;
        }
        return out;
    }
    let sign = amount.signum();
    let magnitude = i128::from(amount).abs();
    let mut parts: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = magnitude * (*w).max(0);
        parts.push(exact / total);
        remainders.push((exact % total, i));
    }
    let mut left = magnitude - parts.iter().sum::<i128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| (p as i64) * sign).collect()
}
