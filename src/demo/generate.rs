//! Writes a demo cast into the portfolio: the records the definition names, plus the generated
//! month-by-month budgets, actuals and allocations, and model versions.
//!
//! Every record goes through [`records::insert`], so it is validated, its references are checked
//! and it gets its audit row, exactly as if a person had entered it. Every random choice comes
//! from a ChaCha8 stream seeded from the scale, the current month and the section, so a section
//! draws the same numbers however the others change.

use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

use super::cast::Cast;
use super::definition::Definition;
use super::{DemoReport, DemoScale, Overbooked};
use crate::domain::{
    Actual, ActualSource, Allocation, BudgetLine, Category, Contract, ContractModel, Currency, Entity, FxRate,
    Initiative, InitiativeId, InitiativeStatus, Kpi, KpiValue, KpiValueSource, Model, ModelId, ModelStage,
    ModelVersion, Money, Month, Person, PersonId, Requisition, Role, RoleId, Vendor, VendorId, VendorReview,
};
use crate::error::{Error, Result};
use crate::plan::scenario::ChangeSpec;
use crate::store::{records, scenarios, settings};

/// One random stream per part of the demo.
#[derive(Clone, Copy, Debug)]
enum Section {
    Cast = 1,
    Allocations = 2,
    Models = 3,
    Spend = 4,
    Unallocated = 5,
    Kpis = 6,
}

/// How far an actual strays from its budget each month, in basis points either way.
fn noise_basis_points(category: Category) -> i64 {
    match category {
        Category::Compute => 500,
        Category::Storage => 400,
        Category::People => 200,
        Category::Vendor => 600,
        Category::Other => 1_000,
    }
}

/// How often a month's compute carries a one-off retraining run, and how much it adds.
const SPIKE_CHANCE: f64 = 0.03;
const SPIKE_BASIS_POINTS: i64 = 3_000;

/// Contracts ending this many days after the first day of the current month count as renewing soon.
const RENEWAL_HORIZON_DAYS: u64 = 90;

const EMAIL_DOMAIN: &str = "example.com";

/// Someone paid from an initiative's people budget over a range of months: an allocated person,
/// or a planned hire from their requisition's start.
#[derive(Clone, Copy, Debug)]
struct Staffing {
    start: Month,
    end: Option<Month>,
    /// Loaded annual cost in minor units times the percent allocated.
    annual_cost_percent: i128,
    /// A person on the team, as opposed to a hire still to be made (which is budgeted, not spent).
    on_payroll: bool,
}

impl Staffing {
    fn covers(&self, month: Month) -> bool {
        self.start <= month && self.end.is_none_or(|end| month <= end)
    }
}

/// What an initiative's people cost in `month`, as `annual_cost_percent` sums: everyone budgeted,
/// and only those on the payroll.
fn people_cost(staffing: &[Staffing], month: Month) -> (i128, i128) {
    staffing.iter().filter(|s| s.covers(month)).fold((0, 0), |(planned, paid), s| {
        (planned + s.annual_cost_percent, paid + if s.on_payroll { s.annual_cost_percent } else { 0 })
    })
}

/// Divides an `annual_cost_percent` sum into a month's minor units.
const MONTHS_TIMES_PERCENT: i128 = 12 * 100;

#[derive(Debug)]
pub(super) struct Generator<'a> {
    conn: &'a Connection,
    actor: &'a str,
    def: &'a Definition,
    scale: DemoScale,
    current: Month,
    report: DemoReport,
}

impl<'a> Generator<'a> {
    pub fn new(conn: &'a Connection, actor: &'a str, def: &'a Definition, scale: DemoScale, current: Month) -> Self {
        Generator { conn, actor, def, scale, current, report: DemoReport::new(scale, current) }
    }

    pub fn run(mut self) -> Result<DemoReport> {
        self.fx_rates()?;
        let roles = self.roles()?;
        let vendors = self.vendors()?;
        let cast = Cast::new(self.def, self.scale, self.current, &mut self.rng(Section::Cast));
        let initiatives = self.initiatives(&cast)?;
        let people = self.people(&cast, &roles)?;
        let models = self.models(&cast, &initiatives)?;
        let models_of = models_of_initiatives(&cast, &models);
        let mut staffing = self.allocations(&cast, &initiatives, &people, &models_of)?;
        self.requisitions(&cast, &roles, &initiatives, &mut staffing)?;
        self.contracts(&cast, &vendors, &initiatives, &models_of)?;
        self.vendor_reviews(&vendors)?;
        self.kpis(&cast, &initiatives, &models)?;
        self.governance(&cast, &models)?;
        self.scenarios()?;
        self.spend(&cast, &initiatives, &vendors, &staffing, &models_of)?;
        self.unallocated(&vendors)?;
        Ok(self.report)
    }

    fn rng(&self, section: Section) -> ChaCha8Rng {
        let scale = match self.scale {
            DemoScale::Small => 1u64,
            DemoScale::Large => 2,
        };
        let month = u64::from(self.current.year().unsigned_abs()) * 12 + u64::from(self.current.month());
        // "mlopsdem": an arbitrary constant, mixed with what must change the data.
        let seed = 0x6d6c_6f70_7364_656d_u64 ^ (scale << 56) ^ (month << 16) ^ section as u64;
        ChaCha8Rng::seed_from_u64(seed)
    }

    fn insert<E: Entity>(&self, record: &E) -> Result<E::Id> {
        Ok(records::insert(self.conn, self.actor, record)?.id)
    }

    /// The first day of the current month: "today" for contract and review dates.
    fn today(&self) -> NaiveDate {
        self.current.first_day()
    }

    fn fx_rates(&mut self) -> Result<()> {
        for rate in &self.def.fx_rates {
            settings::set_rate(self.conn, self.actor, &FxRate { currency: rate.currency, rate: rate.rate })?;
            self.report.fx_rates += 1;
        }
        Ok(())
    }

    fn roles(&mut self) -> Result<Vec<RoleId>> {
        let mut ids = Vec::with_capacity(self.def.roles.len());
        for role in &self.def.roles {
            ids.push(self.insert(&Role {
                name: role.name.clone(),
                base_salary: dollars(role.base_salary),
                loaded_annual_cost: dollars(role.loaded_annual_cost),
            })?);
            self.report.roles += 1;
        }
        Ok(ids)
    }

    fn vendors(&mut self) -> Result<HashMap<&'a str, VendorId>> {
        let mut ids = HashMap::new();
        for vendor in &self.def.vendors {
            let id = self.insert(&Vendor {
                name: vendor.name.clone(),
                category: vendor.category,
                contact: vendor.contact.clone(),
                website: vendor.website.clone(),
            })?;
            ids.insert(vendor.name.as_str(), id);
            self.report.vendors += 1;
        }
        Ok(ids)
    }

    fn initiatives(&mut self, cast: &Cast<'_>) -> Result<Vec<InitiativeId>> {
        let mut ids = Vec::with_capacity(cast.initiatives.len());
        for spec in &cast.initiatives {
            ids.push(self.insert(&Initiative {
                name: spec.name.clone(),
                objective: spec.def.objective.clone(),
                owner: spec.owner.clone(),
                status: spec.status,
                priority: spec.def.priority,
                start: spec.start,
                end: spec.end,
                annual_benefit: spec.def.annual_benefit.map(dollars),
            })?);
            self.report.initiatives += 1;
        }
        Ok(ids)
    }

    fn people(&mut self, cast: &Cast<'_>, roles: &[RoleId]) -> Result<Vec<PersonId>> {
        let mut ids = Vec::with_capacity(cast.people.len());
        for spec in &cast.people {
            ids.push(self.insert(&Person {
                name: spec.name.clone(),
                email: Some(email_for(&spec.name)),
                role_id: roles[spec.role],
                location: Some(spec.location.clone()),
                start: spec.start,
                end: spec.end,
            })?);
            self.report.people += 1;
        }
        Ok(ids)
    }

    /// Everyone on one to three initiatives, their main team first, at most 100% in any month —
    /// some after an earlier full-time stint elsewhere — except the one overbooked person.
    /// Returns who is paid from each initiative's people budget when.
    fn allocations(
        &mut self,
        cast: &Cast<'_>,
        initiatives: &[InitiativeId],
        people: &[PersonId],
        models_of: &[Vec<ModelId>],
    ) -> Result<Vec<Vec<Staffing>>> {
        let mut rng = self.rng(Section::Allocations);
        let current = self.current;
        let mut staffing = vec![Vec::new(); cast.initiatives.len()];
        let open: Vec<usize> = (0..cast.initiatives.len())
            .filter(|&n| cast.initiatives[n].status == InitiativeStatus::Active && cast.initiatives[n].end.is_none())
            .collect();
        // Earlier stints may also have been on work that has since finished.
        let earlier: Vec<usize> = (0..cast.initiatives.len())
            .filter(|&n| open.contains(&n) || cast.initiatives[n].status == InitiativeStatus::Done)
            .collect();
        if open.is_empty() {
            return Err(Error::Internal("the demo definition has no active initiative to allocate people to".into()));
        }
        for (n, (person, &person_id)) in cast.people.iter().zip(people).enumerate() {
            // (initiative, percent, start, end)
            let mut planned: Vec<(usize, u8, Month, Option<Month>)> = Vec::new();
            if n == cast.overbooked {
                let plan = &self.def.overbooked;
                let since = person.start.max(current.plus(-plan.since_months_ago));
                planned.push((person.home, plan.home_percent, person.start, person.end));
                planned.push((cast.overbooked_second, plan.second_percent, since, person.end));
            } else {
                let count = match rng.random_range(0..100) {
                    0..50 => 1,
                    50..85 => 2,
                    _ => 3,
                };
                let tenths: u8 = if rng.random_bool(0.7) { 10 } else { rng.random_range(8..=9) };
                let mut teams = vec![person.home];
                for _ in 0..count * 4 {
                    if teams.len() == count {
                        break;
                    }
                    let candidate = open[rng.random_range(0..open.len())];
                    if !teams.contains(&candidate) {
                        teams.push(candidate);
                    }
                }
                let mut shares = vec![1u8; teams.len()];
                for _ in teams.len()..usize::from(tenths) {
                    let k = if rng.random_bool(0.6) { 0 } else { rng.random_range(0..teams.len()) };
                    shares[k] += 1;
                }
                let mut from = person.start;
                let earlier_stint = rng.random_bool(0.25);
                let earlier_team = earlier[rng.random_range(0..earlier.len())];
                if earlier_stint
                    && person.end.is_none()
                    && person.start.months_until(current) >= 14
                    && earlier_team != person.home
                {
                    let stint_end = current.plus(-9).min(cast.initiatives[earlier_team].end.unwrap_or(current));
                    planned.push((earlier_team, 100, person.start, Some(stint_end)));
                    from = current.plus(-8);
                }
                for (&team, share) in teams.iter().zip(shares) {
                    planned.push((team, share * 10, from, person.end));
                }
            }
            let mut percent_now = 0u32;
            let annual_cost = i128::from(self.def.roles[person.role].loaded_annual_cost) * 100;
            for (team, percent, start, end) in planned {
                // Every other person works on one model of the team; the rest across its models.
                let model_id = match models_of[team].as_slice() {
                    [] => None,
                    list => (n % 2 == 0).then(|| list[(n / 2) % list.len()]),
                };
                let allocation = Allocation {
                    person_id,
                    initiative_id: initiatives[team],
                    percent,
                    start: start.max(cast.initiatives[team].start),
                    end,
                    model_id,
                };
                if allocation.end.is_some_and(|end| end < allocation.start) {
                    continue;
                }
                if allocation.covers(current) {
                    percent_now += u32::from(percent);
                }
                staffing[team].push(Staffing {
                    start: allocation.start,
                    end: allocation.end,
                    annual_cost_percent: annual_cost * i128::from(percent),
                    on_payroll: true,
                });
                self.insert(&allocation)?;
                self.report.allocations += 1;
            }
            if n == cast.overbooked {
                self.report.overbooked =
                    Overbooked { person_id, name: person.name.clone(), month: current, percent: percent_now };
            }
        }
        Ok(staffing)
    }

    /// Planned hires; the open ones are budgeted from their start month.
    fn requisitions(
        &mut self,
        cast: &Cast<'_>,
        roles: &[RoleId],
        initiatives: &[InitiativeId],
        staffing: &mut [Vec<Staffing>],
    ) -> Result<()> {
        for spec in &cast.requisitions {
            let role = self.def.roles.iter().position(|r| r.name == spec.def.role).unwrap_or(0);
            if let Some(initiative) = spec.initiative
                && spec.status.is_open()
            {
                let annual_cost = i128::from(self.def.roles[role].loaded_annual_cost) * 100;
                staffing[initiative].push(Staffing {
                    start: spec.start,
                    end: None,
                    annual_cost_percent: annual_cost * 100,
                    on_payroll: false,
                });
            }
            self.insert(&Requisition {
                title: spec.title.clone(),
                role_id: roles[role],
                initiative_id: spec.initiative.map(|i| initiatives[i]),
                start: spec.start,
                status: spec.status,
            })?;
            self.report.requisitions += 1;
        }
        Ok(())
    }

    fn models(&mut self, cast: &Cast<'_>, initiatives: &[InitiativeId]) -> Result<Vec<ModelId>> {
        let mut rng = self.rng(Section::Models);
        let mut ids = Vec::with_capacity(cast.models.len());
        for spec in &cast.models {
            let def = spec.def;
            let id = self.insert(&Model {
                name: spec.name.clone(),
                description: def.description.clone(),
                owner: spec.owner.clone(),
                initiative_id: spec.initiative.map(|i| initiatives[i]),
                stage: def.stage,
                risk_tier: def.risk_tier,
                data_categories: def.data_categories.clone(),
                deployment: def.deployment.clone(),
                notes: def.notes.clone(),
                purpose: def.governance.as_ref().map(|g| g.purpose),
                decides_about_people: def.governance.as_ref().map(|g| g.decides_about_people),
                interacts_with_people: def.governance.as_ref().map(|g| g.interacts_with_people),
                generates_content: def.governance.as_ref().map(|g| g.generates_content),
                ai_act_role: def.governance.as_ref().map(|g| g.ai_act_role),
            })?;
            ids.push(id);
            self.report.models += 1;
            let first_version: u32 = rng.random_range(1..=9);
            for (k, (stage, alias)) in version_history(def.stage, &mut rng).into_iter().enumerate() {
                self.insert(&ModelVersion {
                    model_id: id,
                    version: (first_version + k as u32).to_string(),
                    stage,
                    aliases: alias.map(str::to_owned).into_iter().collect(),
                    run_id: Some(format!("{:032x}", rng.random::<u128>())),
                    notes: None,
                })?;
                self.report.model_versions += 1;
            }
        }
        Ok(ids)
    }

    /// Each model's checklist and sign-offs as its story says: production models went through the
    /// gate with every control done (one now has an overdue yearly review, one was promoted
    /// upstream with controls open), staging models are half way with due dates ahead (and one
    /// behind), development models have not started.
    fn governance(&mut self, cast: &Cast<'_>, models: &[ModelId]) -> Result<()> {
        use super::definition::GovernanceStory;
        use crate::domain::{ControlItem, ControlStatus, EvidenceKind, Signoff};
        use crate::governance::Register;
        use crate::store::governance::{Promotion, record_promotion};
        const APPROVERS: [&str; 2] = ["Amara Osei", "Lukas Brandt"];
        const YEARLY_REVIEW: &str = "internal-yearly-review";
        let today = self.today();
        let register = Register::load(self.conn, None)?;
        let at = crate::store::now_utc();
        for (spec, &id) in cast.models.iter().zip(models) {
            let Some(governance) = &spec.def.governance else { continue };
            let model = &register.model(id)?.record;
            let checklist = register.checklist(id, model, today);
            let story = governance.story;
            let production = model.stage == ModelStage::Production;
            let count = checklist.rows.len();
            for (n, row) in checklist.rows.iter().enumerate() {
                let (status, due) = match (model.stage, story) {
                    (ModelStage::Production, Some(GovernanceStory::ReviewOverdue)) if row.control == YEARLY_REVIEW => {
                        (ControlStatus::InProgress, Some(today - Days::new(20)))
                    }
                    (ModelStage::Production, Some(GovernanceStory::OutsideGate)) if n * 3 >= count * 2 => {
                        (ControlStatus::InProgress, Some(today + Days::new(14)))
                    }
                    (ModelStage::Production, _) => (ControlStatus::Done, None),
                    (ModelStage::Staging, _) if n * 2 < count => (ControlStatus::Done, None),
                    (ModelStage::Staging, _) if n * 2 == count || n * 2 == count + 1 => {
                        // The first open control of a staging model: overdue for the first model
                        // of its kind, due in three weeks for the rest.
                        let late = spec.name == spec.def.name && spec.def.name.starts_with("fraud");
                        (
                            ControlStatus::InProgress,
                            Some(if late { today - Days::new(9) } else { today + Days::new(21) }),
                        )
                    }
                    (ModelStage::Staging, _) => (ControlStatus::NotStarted, Some(today + Days::new(45))),
                    _ => continue,
                };
                let done = status == ControlStatus::Done;
                self.insert(&ControlItem {
                    model_id: id,
                    control: row.control.clone(),
                    status,
                    owner: Some(model.owner.clone()).filter(|o| !o.is_empty()),
                    due,
                    evidence_kind: done.then_some(EvidenceKind::Link),
                    evidence: done.then(|| format!("https://wiki.example.com/ml/{}/{}", spec.name, row.control)),
                    evidence_sha256: None,
                    evidence_size: None,
                    note: None,
                    reason: None,
                })?;
                self.report.control_items += 1;
            }
            let needed = checklist.classification.risk_class.approvers_needed().unwrap_or(0);
            let signed = match model.stage {
                ModelStage::Production => needed,
                ModelStage::Staging => needed.saturating_sub(1),
                _ => 0,
            };
            for approver in APPROVERS.iter().take(signed) {
                self.insert(&Signoff { model_id: id, approver: (*approver).into(), at: at.clone(), note: None })?;
                self.report.signoffs += 1;
            }
            if production {
                let outside = story == Some(GovernanceStory::OutsideGate);
                let after = Register::load(self.conn, Some(id))?;
                let missing = if outside { after.gate(id, model, today).missing() } else { Vec::new() };
                let actor = if outside { "mlflow sync".to_owned() } else { self.actor.to_owned() };
                record_promotion(
                    self.conn,
                    &Promotion { model_id: id, at: at.clone(), actor, gated: !outside, missing },
                )?;
            }
        }
        Ok(())
    }

    fn contracts(
        &mut self,
        cast: &Cast<'_>,
        vendors: &HashMap<&str, VendorId>,
        initiatives: &[InitiativeId],
        models_of: &[Vec<ModelId>],
    ) -> Result<()> {
        let today = self.today();
        let horizon = today + Days::new(RENEWAL_HORIZON_DAYS);
        for def in &self.def.contracts {
            let end = today + Days::new(def.ends_in_days);
            let start = end
                .checked_sub_months(Months::new(def.term_months))
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .ok_or_else(|| {
                    Error::Internal(format!("contract `{}` has a term that does not fit the calendar", def.title))
                })?;
            let team = def.initiative.as_deref().and_then(|key| cast.initiative_by_key.get(key)).copied();
            let contract_id = self.insert(&Contract {
                vendor_id: vendor_id(vendors, &def.vendor)?,
                title: def.title.clone(),
                initiative_id: team.map(|i| initiatives[i]),
                value: def.value.money(),
                start,
                end,
                notice_days: def.notice_days,
                auto_renew: def.auto_renew,
            })?;
            // A team's contract serves its first two models: 50% and 30%, the rest the team's.
            if let Some(team) = team {
                for (&model_id, share) in models_of[team].iter().zip([50u8, 30]) {
                    self.insert(&ContractModel { contract_id, model_id, share })?;
                }
            }
            self.report.contracts += 1;
            if today < end && end <= horizon {
                self.report.contracts_renewing_within_90_days += 1;
            }
        }
        Ok(())
    }

    fn vendor_reviews(&mut self, vendors: &HashMap<&str, VendorId>) -> Result<()> {
        for def in &self.def.vendor_reviews {
            self.insert(&VendorReview {
                vendor_id: vendor_id(vendors, &def.vendor)?,
                date: self.today() - Days::new(def.days_ago),
                reviewer: def.reviewer.clone(),
                score: def.score,
                notes: Some(def.notes.clone()),
            })?;
            self.report.vendor_reviews += 1;
        }
        Ok(())
    }

    fn kpis(&mut self, cast: &Cast<'_>, initiatives: &[InitiativeId], models: &[ModelId]) -> Result<()> {
        let mut rng = self.rng(Section::Kpis);
        // Values run through yesterday in the current month (the demo is opened the day it is
        // built), or through the month's end when it is built for another month.
        let today = crate::plan::period::today();
        let through = if Month::of(today) == self.current {
            today.pred_opt().unwrap_or(today).max(self.current.first_day())
        } else {
            crate::plan::period::last_day(self.current)
        };
        for def in &self.def.kpis {
            let kpi = Kpi {
                name: def.name.clone(),
                initiative_id: cast.initiative_by_key.get(def.initiative.as_str()).map(|&i| initiatives[i]),
                model_id: def.model.as_deref().and_then(|name| cast.model_by_name.get(name)).map(|&m| models[m]),
                metric_key: def.metric_key.clone(),
                unit: def.unit.clone(),
                direction: def.direction,
                target_low: def.target_low,
                target_high: def.target_high,
                cadence: def.cadence,
                amber_margin: None,
                starred: def.starred,
                formula: def.formula,
            };
            let kpi_id = self.insert(&kpi)?;
            self.report.kpis += 1;
            if def.formula.is_none() {
                for (date, value) in kpi_history(def, through, &mut rng) {
                    let source = KpiValueSource::Imported;
                    self.insert(&KpiValue { kpi_id, date, value, source, note: None })?;
                    self.report.kpi_values += 1;
                }
            }
        }
        Ok(())
    }

    fn scenarios(&mut self) -> Result<()> {
        let quarter_start = self.current.plus(-((self.current.month() as i32 - 1) % 3));
        for def in &self.def.scenarios {
            let start = quarter_start.plus(3 * def.quarters_ahead);
            let quarter = format!("Q{} {}", (start.month() - 1) / 3 + 1, start.year());
            let mut scenario =
                scenarios::create(self.conn, self.actor, &def.name.replace("{quarter}", &quarter), &def.note)?;
            for change in &def.changes {
                let fields = change.fields.iter().map(|(k, v)| (k.clone(), months_from(v, start))).collect();
                let change = ChangeSpec { kind: change.kind, fields };
                scenarios::add_change(self.conn, self.actor, &scenario, &change)?;
                scenario.changes.push(change);
            }
            self.report.scenarios += 1;
        }
        Ok(())
    }

    /// Budgets for every month of the window and every category of each initiative that runs or
    /// ran, and actuals for each of those months before the current one. People budgets are the
    /// loaded cost of the initiative's staffing; people actuals leave out hires not yet made.
    fn spend(
        &mut self,
        cast: &Cast<'_>,
        initiatives: &[InitiativeId],
        vendors: &HashMap<&str, VendorId>,
        staffing: &[Vec<Staffing>],
        models_of: &[Vec<ModelId>],
    ) -> Result<()> {
        let mut rng = self.rng(Section::Spend);
        let (window_start, window_end) = self.scale.budget_window(self.current);
        let last_actual = self.current.plus(-1);
        for (index, (spec, &initiative_id)) in cast.initiatives.iter().zip(initiatives).enumerate() {
            if !matches!(spec.status, InitiativeStatus::Active | InitiativeStatus::Done) {
                continue;
            }
            let def = spec.def;
            let first = window_start.max(spec.start);
            let last = spec.end.map_or(window_end, |end| end.min(window_end));
            let profile = self
                .def
                .seasonality
                .get(&def.seasonality)
                .ok_or_else(|| Error::Internal(format!("no seasonality profile `{}`", def.seasonality)))?;
            let cloud_id = vendor_id(vendors, &def.cloud_vendor)?;
            let billing = self
                .def
                .vendor(&def.cloud_vendor)
                .and_then(|v| v.billing.as_ref())
                .ok_or_else(|| Error::Internal(format!("vendor `{}` has no billing names", def.cloud_vendor)))?;
            let spend_vendor_id = vendor_id(vendors, &def.spend_vendor)?;
            for k in 0..=first.months_until(last) {
                let month = first.plus(k);
                let (people_planned, people_paid) = people_cost(&staffing[index], month);
                for &category in Category::ALL {
                    let seasonal = matches!(category, Category::Compute | Category::Vendor);
                    let budget = dollars(match category {
                        Category::People => round_half_up(people_planned, MONTHS_TIMES_PERCENT * 100),
                        _ => budget_dollars(
                            def.monthly_budget.get(category),
                            spec.budget_percent,
                            def.growth_percent_per_year,
                            window_start.months_until(month),
                            if seasonal { profile[month.month() as usize - 1] } else { 100 },
                        ),
                    });
                    if budget.minor == 0 {
                        continue;
                    }
                    self.insert(&BudgetLine { initiative_id, month, category, amount: budget, note: None })?;
                    self.report.budget_lines += 1;
                    self.report.budget_total.minor += budget.minor;
                    if month > last_actual {
                        continue;
                    }

                    let noise = noise_basis_points(category);
                    let mut factor =
                        10_000 + def.overspend_percent.get(category) * 100 + rng.random_range(-noise..=noise);
                    let spike = rng.random_bool(SPIKE_CHANCE);
                    let spike = spike && category == Category::Compute && def.overspend_percent.compute == 0;
                    if spike {
                        factor += SPIKE_BASIS_POINTS;
                    }
                    let amount = Money::new(
                        match category {
                            Category::People => {
                                round_half_up(people_paid * i128::from(factor.max(0)), MONTHS_TIMES_PERCENT * 10_000)
                            }
                            _ => scale_basis_points(budget.minor, factor),
                        },
                        Currency::USD,
                    );
                    if amount.minor == 0 {
                        continue;
                    }
                    let mut actual = Actual {
                        initiative_id: Some(initiative_id),
                        month,
                        category,
                        amount,
                        source: ActualSource::Manual,
                        vendor_id: None,
                        model_id: None,
                        note: None,
                        provider: None,
                        service: None,
                        resource: None,
                        tag: None,
                        one_off: false,
                    };
                    match category {
                        Category::Compute if def.compute_source == ActualSource::OpenCost => {
                            actual.source = ActualSource::OpenCost;
                            actual.provider = Some(CLUSTER.into());
                            actual.service = Some("Kubernetes".into());
                            actual.resource = Some(format!("namespace/{}", spec.tag));
                            actual.tag = Some(spec.tag.clone());
                        }
                        Category::Compute | Category::Storage => {
                            actual.source = ActualSource::Focus;
                            actual.vendor_id = Some(cloud_id);
                            actual.provider = Some(billing.provider.clone());
                            let (service, suffix) = if category == Category::Compute {
                                (&billing.compute_service, "serving")
                            } else {
                                (&billing.storage_service, "data")
                            };
                            actual.service = Some(service.clone());
                            actual.resource = Some(format!("{}-{suffix}", spec.tag));
                            actual.tag = Some(spec.tag.clone());
                        }
                        Category::People => actual.note = Some("Payroll allocation".into()),
                        Category::Vendor => {
                            actual.source = ActualSource::Invoice;
                            actual.vendor_id = Some(spend_vendor_id);
                            actual.note = Some(format!("{} invoice {month}", def.spend_vendor));
                        }
                        Category::Other => {
                            actual.source = ActualSource::Csv;
                            actual.note = Some("Travel, training and tools (finance export)".into());
                        }
                    }
                    if spike {
                        actual.note = Some("Includes a one-off full retraining run".into());
                    }
                    for part in by_model(&actual, &models_of[index], &spec.tag) {
                        self.insert(&part)?;
                        self.report.actuals += 1;
                    }
                    self.report.actual_total.minor += amount.minor;
                }
            }
        }
        Ok(())
    }

    /// Cloud charges whose tag matches no initiative, or that carry no tag: the Unallocated bucket.
    fn unallocated(&mut self, vendors: &HashMap<&str, VendorId>) -> Result<()> {
        let mut rng = self.rng(Section::Unallocated);
        for def in &self.def.unallocated {
            let vendor = vendor_id(vendors, &def.vendor)?;
            let provider = self.def.vendor(&def.vendor).and_then(|v| v.billing.as_ref()).map(|b| b.provider.clone());
            for k in (1..=def.months).rev() {
                let noise = noise_basis_points(def.category);
                let amount = scale_basis_points(def.monthly * 100, 10_000 + rng.random_range(-noise..=noise));
                self.insert(&Actual {
                    initiative_id: None,
                    month: self.current.plus(-k),
                    category: def.category,
                    amount: Money::new(amount, Currency::USD),
                    source: ActualSource::Focus,
                    vendor_id: Some(vendor),
                    model_id: None,
                    note: None,
                    provider: provider.clone(),
                    service: Some(def.service.clone()),
                    resource: Some(def.resource.clone()),
                    tag: def.tag.clone(),
                    one_off: false,
                })?;
                self.report.actuals += 1;
                self.report.unallocated_actuals += 1;
                self.report.actual_total.minor += amount;
            }
        }
        Ok(())
    }
}

/// The cluster OpenCost reports for: its idle capacity is shared by the models running on it.
const CLUSTER: &str = "ml-prod-cluster";
/// The share of a team's compute and storage that names no model (pipelines, notebooks, shared
/// feature stores), in basis points; on the cluster, its idle capacity.
const SHARED_BASIS_POINTS: i128 = 1_500;

/// How many of a team's models its cloud bill names; the others' cost comes from the shared part.
const NAMED_MODELS: usize = 3;

/// The models of each initiative that are not archived, in the order of the cast.
fn models_of_initiatives(cast: &Cast<'_>, models: &[ModelId]) -> Vec<Vec<ModelId>> {
    let mut out = vec![Vec::new(); cast.initiatives.len()];
    for (spec, &id) in cast.models.iter().zip(models) {
        if let Some(team) = spec.initiative
            && spec.def.stage != ModelStage::Archived
        {
            out[team].push(id);
        }
    }
    out
}

/// A team's compute or storage actual split the way a cloud bill tagged by model reads: each model
/// its share (the first [`NAMED_MODELS`] in the cast's order, weighted 5, 3, 2), and a shared part
/// naming none — on
/// the cluster, its idle capacity. Other actuals stay whole.
fn by_model(actual: &Actual, models: &[ModelId], tag: &str) -> Vec<Actual> {
    if models.is_empty() || !matches!(actual.category, Category::Compute | Category::Storage) {
        return vec![actual.clone()];
    }
    let models = &models[..models.len().min(NAMED_MODELS)];
    let weights: Vec<i128> = (0..models.len()).map(|k| [5, 3, 2].get(k).copied().unwrap_or(1)).collect();
    let total = i128::from(actual.amount.minor);
    let shared = total * SHARED_BASIS_POINTS / 10_000;
    let named = crate::plan::model_cost::apportion((total - shared) as i64, &weights);
    let mut out: Vec<Actual> = models
        .iter()
        .zip(named)
        .enumerate()
        .filter(|(_, (_, minor))| *minor != 0)
        .map(|(k, (&model, minor))| Actual {
            model_id: Some(model),
            amount: Money::new(minor, actual.amount.currency),
            resource: actual.resource.as_ref().map(|r| format!("{r}/model-{}", k + 1)),
            ..actual.clone()
        })
        .collect();
    if shared != 0 {
        let mut rest = Actual { amount: Money::new(shared as i64, actual.amount.currency), ..actual.clone() };
        if actual.source == ActualSource::OpenCost {
            // The platform team owns the cluster: its idle capacity stays the team's spend.
            rest.service = Some("Idle capacity".into());
            rest.resource = Some(format!("{CLUSTER}/idle"));
            rest.tag = None;
            rest.note = Some(format!("Cluster idle capacity while {tag} ran"));
        } else {
            rest.resource = actual.resource.as_ref().map(|r| format!("{r}/shared"));
        }
        out.push(rest);
    }
    out
}

/// Two years of a KPI's values at its cadence through `through`, drifting from 10% worse than
/// where it ends to where its story ends it: inside the target, just outside (amber), well
/// outside (red), or inside but last measured four periods ago (stale). The newest value is
/// exact; earlier ones carry ±1% noise. Values are rounded as the unit is usually written.
fn kpi_history(def: &super::definition::KpiDef, through: NaiveDate, rng: &mut ChaCha8Rng) -> Vec<(NaiveDate, f64)> {
    use super::definition::KpiStory;
    use crate::domain::{KpiCadence, KpiDirection};
    let higher = def.direction == KpiDirection::HigherIsBetter;
    // The bound the story is told against: the one a worse value crosses.
    let (bound, outward) = match (def.target_low, def.target_high, higher) {
        (Some(low), _, true) | (Some(low), None, false) => (low, -1.0),
        (_, Some(high), _) => (high, 1.0),
        (None, None, _) => return Vec::new(),
    };
    let size = bound.abs().max(1e-9);
    let end = match def.story {
        KpiStory::Green | KpiStory::Stale => match (def.target_low, def.target_high) {
            (Some(low), Some(high)) => (low + high) / 2.0,
            _ => bound - outward * 0.06 * size,
        },
        KpiStory::Amber => bound + outward * 0.025 * size,
        KpiStory::Red => bound + outward * 0.2 * size,
    };
    // Percents and ratios of a whole stay below it: halfway from the target to 100% at best.
    let ceiling = match def.unit.as_str() {
        "%" => Some(100.0),
        "ratio" => Some(1.0),
        _ => None,
    };
    let end = match ceiling {
        Some(whole) if outward < 0.0 && bound < whole => end.min((bound + whole) / 2.0),
        _ => end,
    };
    let start = end + outward * 0.1 * size;
    let mut dates = Vec::new();
    let first = through - Days::new(730);
    let mut day = match def.cadence {
        KpiCadence::Daily | KpiCadence::Weekly => through,
        KpiCadence::Monthly => crate::plan::period::last_day(Month::of(through).plus(-1)),
        KpiCadence::Quarterly => crate::plan::period::last_day(Month::of(through).plus(-3)),
    };
    let skipped = if def.story == KpiStory::Stale { 4 } else { 0 };
    while day >= first {
        dates.push(day);
        day = match def.cadence {
            KpiCadence::Daily => day - Days::new(1),
            KpiCadence::Weekly => day - Days::new(7),
            KpiCadence::Monthly => crate::plan::period::last_day(Month::of(day).plus(-1)),
            KpiCadence::Quarterly => crate::plan::period::last_day(Month::of(day).plus(-3)),
        };
    }
    dates.reverse();
    let kept = dates.len().saturating_sub(skipped);
    let decimals = match def.unit.as_str() {
        "ratio" => 4,
        "USD" => 3,
        _ => 2,
    };
    let round = |v: f64| {
        let scale = 10f64.powi(decimals);
        (v * scale).round() / scale
    };
    let last = kept.saturating_sub(1);
    dates
        .into_iter()
        .take(kept)
        .enumerate()
        .map(|(k, date)| {
            let progress = if last == 0 { 1.0 } else { k as f64 / last as f64 };
            let level = start + (end - start) * progress;
            let noise = if k == last { 0.0 } else { rng.random_range(-0.01..=0.01) * size };
            (date, round(level + noise))
        })
        .collect()
}

fn vendor_id(vendors: &HashMap<&str, VendorId>, name: &str) -> Result<VendorId> {
    vendors.get(name).copied().ok_or_else(|| Error::Internal(format!("the demo names an undefined vendor `{name}`")))
}

fn dollars(whole: i64) -> Money {
    Money::new(whole * 100, Currency::USD)
}

/// A month's budget in whole dollars: the definition's level, scaled for this copy, grown linearly
/// from the start of the budget window, shaped by the season.
fn budget_dollars(
    level: i64,
    budget_percent: i64,
    growth_percent_per_year: i64,
    months_elapsed: i32,
    season_percent: i64,
) -> i64 {
    let growth_basis_points = 10_000 + growth_percent_per_year * 100 * i64::from(months_elapsed) / 12;
    let numerator =
        i128::from(level) * i128::from(budget_percent) * i128::from(growth_basis_points) * i128::from(season_percent);
    round_half_up(numerator, 100 * 10_000 * 100)
}

/// `minor × basis_points / 10,000`, rounded half up; never below zero.
fn scale_basis_points(minor: i64, basis_points: i64) -> i64 {
    round_half_up(i128::from(minor) * i128::from(basis_points.max(0)), 10_000)
}

fn round_half_up(numerator: i128, denominator: i128) -> i64 {
    let rounded = (numerator + denominator / 2).div_euclid(denominator);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

/// The versions a model in `stage` has, oldest first, with the alias of each.
fn version_history(stage: ModelStage, rng: &mut ChaCha8Rng) -> Vec<(ModelStage, Option<&'static str>)> {
    use ModelStage::*;
    match stage {
        Production if rng.random_bool(0.4) => {
            vec![(Archived, None), (Production, Some("champion")), (Staging, Some("challenger"))]
        }
        Production => vec![(Archived, None), (Production, Some("champion"))],
        Staging if rng.random_bool(0.5) => vec![(Archived, None), (Staging, Some("candidate"))],
        Staging => vec![(Staging, Some("candidate"))],
        Development => vec![(Development, None)],
        Archived if rng.random_bool(0.5) => vec![(Archived, None), (Archived, None)],
        Archived => vec![(Archived, None)],
    }
}

/// `Tomás Álvarez` → `tomas.alvarez@example.com`.
fn email_for(name: &str) -> String {
    let mut local = String::with_capacity(name.len());
    for ch in name.chars().flat_map(char::to_lowercase) {
        let folded = match ch {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            ' ' => '.',
            other => other,
        };
        if folded == '.' || folded.is_ascii_alphanumeric() {
            local.push(folded);
        }
    }
    format!("{local}@{EMAIL_DOMAIN}")
}

/// A demo value with `{start}` (or `{start+N}`) as the month it names.
fn months_from(value: &str, start: Month) -> String {
    let mut out = value.replace("{start}", &start.to_string());
    for n in 1..=24 {
        out = out.replace(&format!("{{start+{n}}}"), &start.plus(n).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_fold_accents_and_drop_punctuation() {
        assert_eq!(email_for("Tomás Álvarez"), "tomas.alvarez@example.com");
        assert_eq!(email_for("Liam O'Brien"), "liam.obrien@example.com");
        assert_eq!(email_for("Jae-won Müller"), "jaewon.muller@example.com");
    }

    #[test]
    fn budgets_grow_and_follow_the_season_in_whole_dollars() {
        assert_eq!(budget_dollars(30_000, 100, 60, 0, 100), 30_000);
        // A year in at 60% a year: 1.6 times the level.
        assert_eq!(budget_dollars(30_000, 100, 60, 12, 100), 48_000);
        // December at 145% of an average month, for a copy at half the level.
        assert_eq!(budget_dollars(52_000, 50, 0, 0, 145), 37_700);
        // Rounds half up to the dollar.
        assert_eq!(budget_dollars(3, 50, 0, 0, 100), 2);
    }

    #[test]
    fn basis_points_round_half_up_and_never_go_negative() {
        assert_eq!(scale_basis_points(100_000, 12_000), 120_000);
        assert_eq!(scale_basis_points(333, 10_050), 335);
        assert_eq!(scale_basis_points(100, -5), 0);
    }
}
