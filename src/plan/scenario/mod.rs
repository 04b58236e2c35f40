//! What-if scenarios: a named list of changes over the baseline, evaluated by applying them to the
//! planning core's inputs and computing again with the same code, so a scenario with no changes
//! gives exactly the baseline's figures.
//!
//! A change is kept as its user wrote it ([`ChangeSpec`]: a kind and `field = text` pairs, records
//! named by name), so a scenario file travels to a colleague's copy of the portfolio; it is
//! checked and resolved against the portfolio ([`Catalog`]) each time it is evaluated, and a
//! reference that no longer exists is an error naming the change and the field.
//!
//! How each kind changes the inputs (months inclusive, `end` the last month that counts; no change
//! touches the as-of month or any before it):
//! - `hire`: `count` open requisitions of the role from `start`, at `percent` of its loaded cost;
//! - `leave`: the person's last month on the team;
//! - `allocate`: the person's allocation to the initiative is `percent` from `start` to `end`
//!   (before and after, it stays as it was);
//! - `spend`: the forecast of one initiative's category (or every initiative's) changes by a
//!   percent, or by an amount a month;
//! - `budget`: budget lines change by a percent, or gain an amount a month;
//! - `contract_add` / `contract_cancel`: the contract's value spread evenly over the months of its
//!   term is added to (or, from the cancel month, taken from) the initiative's vendor spend;
//! - `initiative_stop`: the initiative ends the month before `from`; its allocations end with it
//!   and its people stay on the team, unassigned, until a `leave` or an `allocate`.

mod catalog;
pub mod figures;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use catalog::Catalog;
pub use figures::{ChangeDelta, Comparison, ScenarioFigures, ScenarioView};

use super::inputs::{AllocationFacts, MoneyFact, PlanInputs, RequisitionFacts};
use crate::domain::{
    Category, ContractId, InitiativeId, Month, PersonId, RequisitionStatus, RoleId, VendorId, word_enum,
};
use crate::error::{Error, Result};

word_enum!(
    /// The kinds of change a scenario can hold.
    ChangeKind, "change kind" {
    Hire => "hire",
    Leave => "leave",
    Allocate => "allocate",
    Spend => "spend",
    Budget => "budget",
    ContractAdd => "contract_add",
    ContractCancel => "contract_cancel",
    InitiativeStop => "initiative_stop",
});

impl ChangeKind {
    /// The fields of the kind: required first, then optional; `|` separates alternatives.
    pub fn fields(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            ChangeKind::Hire => (&["role", "start"], &["count", "initiative", "percent"]),
            ChangeKind::Leave => (&["person", "end"], &[]),
            ChangeKind::Allocate => (&["person", "initiative", "percent", "start"], &["end"]),
            ChangeKind::Spend => (&["category", "start", "change|amount"], &["initiative", "end"]),
            ChangeKind::Budget => (&["initiative", "category", "start", "change|amount"], &["end"]),
            ChangeKind::ContractAdd => (&["vendor", "title", "value", "start", "end"], &["initiative"]),
            ChangeKind::ContractCancel => (&["contract", "from"], &[]),
            ChangeKind::InitiativeStop => (&["initiative", "from"], &[]),
        }
    }
}

/// One change as written: its kind and its fields as text (`start = 2027-03`, `role = ML engineer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ChangeSpec {
    pub kind: ChangeKind,
    pub fields: BTreeMap<String, String>,
}

impl ChangeSpec {
    /// The change in a sentence, for charts and lists: `Hire 3 ML engineer from Mar 2027 on
    /// Search ranking`. Fields are shown as written (months as `Mar 2027`).
    pub fn words(&self) -> String {
        let f = |name: &str| self.fields.get(name).map_or("", |v| v.trim());
        let month = |name: &str| {
            let text = f(name);
            text.parse::<Month>().map_or_else(|_| text.to_owned(), crate::domain::words::month_name)
        };
        let percent = |name: &str| f(name).trim_end_matches('%').trim().to_owned();
        let on = if f("initiative").is_empty() { String::new() } else { format!(" on {}", f("initiative")) };
        let until = if f("end").is_empty() { String::new() } else { format!(" through {}", month("end")) };
        let by =
            if f("change").is_empty() { format!("by {} a month", f("amount")) } else { format!("by {}", f("change")) };
        let category = {
            let mut chars = f("category").chars();
            chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        };
        match self.kind {
            ChangeKind::Hire => {
                let count = if f("count").is_empty() { "1" } else { f("count") };
                let share = match percent("percent").as_str() {
                    "" | "100" => String::new(),
                    p => format!(" at {p}%"),
                };
                format!("Hire {count} {}{share} from {}{on}", f("role"), month("start"))
            }
            ChangeKind::Leave => format!("{} leaves after {}", f("person"), month("end")),
            ChangeKind::Allocate => format!(
                "{} on {} at {}% from {}{until}",
                f("person"),
                f("initiative"),
                percent("percent"),
                month("start")
            ),
            ChangeKind::Spend => {
                let whose = if on.is_empty() { " of every initiative".to_owned() } else { on.clone() };
                format!("{category} spend{whose} changes {by} from {}{until}", month("start"))
            }
            ChangeKind::Budget => {
                format!("{category} budget of {} changes {by} from {}{until}", f("initiative"), month("start"))
            }
            ChangeKind::ContractAdd => format!(
                "New contract “{}” with {}, {}, {} to {}{on}",
                f("title"),
                f("vendor"),
                f("value"),
                month("start"),
                month("end")
            ),
            ChangeKind::ContractCancel => format!("Cancel “{}” from {}", f("contract"), month("from")),
            ChangeKind::InitiativeStop => format!("{} stops from {}", f("initiative"), month("from")),
        }
    }
}

impl fmt::Display for ChangeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind.as_str())?;
        for (key, value) in &self.fields {
            if value.contains(char::is_whitespace) {
                write!(f, " {key}=\"{value}\"")?;
            } else {
                write!(f, " {key}={value}")?;
            }
        }
        Ok(())
    }
}

/// A percent change in hundredths of a percent (`+12.5%` is 1,250), or an amount a month in
/// minor units of the base currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjust {
    Percent(i64),
    PerMonth(i64),
}

impl Adjust {
    /// `value` changed: a percent rounds half away from zero to the minor unit.
    pub fn apply(self, value: i64) -> i64 {
        match self {
            Adjust::Percent(hundredths) => value + scale(value, hundredths),
            Adjust::PerMonth(minor) => value + minor,
        }
    }
}

/// `value × hundredths / 10,000`, rounded half away from zero.
fn scale(value: i64, hundredths: i64) -> i64 {
    let product = i128::from(value) * i128::from(hundredths);
    let rounded = (product.abs() + 5_000) / 10_000 * product.signum();
    i64::try_from(rounded).unwrap_or(if rounded > 0 { i64::MAX } else { i64::MIN })
}

/// Which series a spend change reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Every,
    Initiative(InitiativeId),
    /// Unallocated spend: people whose initiative stopped, while they stay on the team (unless
    /// the team plan already carries unassigned people cost there).
    Unallocated,
}

impl Target {
    pub fn reaches(self, initiative: Option<InitiativeId>) -> bool {
        match self {
            Target::Every => true,
            Target::Initiative(id) => initiative == Some(id),
            Target::Unallocated => initiative.is_none(),
        }
    }
}

/// A change to spend the forecast will see: scenarios make them; the compute applies them to the
/// months after the as-of month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendAdjustment {
    pub target: Target,
    pub category: Category,
    pub first: Month,
    pub last: Option<Month>,
    pub change: SpendChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpendChange {
    /// The forecast of each month changes by a percent, or gains an amount.
    Adjust(Adjust),
    /// `total` spread evenly over the months `term_first..=term_last` (the first months take the
    /// remainder, one minor unit each, so the months add up to the total exactly).
    Spread { total_minor: i64, term_first: Month, term_last: Month },
}

impl SpendAdjustment {
    /// What it adds to the forecast of `month`, given the forecast without it.
    pub fn delta(&self, month: Month, forecast: i64) -> i64 {
        if month < self.first || self.last.is_some_and(|last| month > last) {
            return 0;
        }
        match self.change {
            SpendChange::Adjust(adjust) => adjust.apply(forecast) - forecast,
            SpendChange::Spread { total_minor, term_first, term_last } => {
                if month < term_first || month > term_last {
                    return 0;
                }
                spread_share(total_minor, term_first, term_last, month)
            }
        }
    }

    /// Whether it changes a series that has no forecast of its own (an amount, not a percent).
    pub fn adds_spend(&self) -> bool {
        !matches!(self.change, SpendChange::Adjust(Adjust::Percent(_)))
    }
}

/// The share of `total` that falls in `month` when spread over `first..=last`.
pub fn spread_share(total: i64, first: Month, last: Month, month: Month) -> i64 {
    let n = i64::from(first.months_until(last) + 1).max(1);
    let k = i64::from(first.months_until(month));
    let (share, remainder) = (total.div_euclid(n), total.rem_euclid(n));
    share + i64::from(k < remainder)
}

/// A change resolved against the portfolio: records by id, amounts in the base currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Hire {
        role: RoleId,
        count: u32,
        start: Month,
        initiative: Option<InitiativeId>,
        percent: u32,
    },
    Leave {
        person: PersonId,
        end: Month,
    },
    Allocate {
        person: PersonId,
        initiative: InitiativeId,
        percent: u32,
        start: Month,
        end: Option<Month>,
    },
    Spend {
        target: Target,
        category: Category,
        start: Month,
        end: Option<Month>,
        adjust: Adjust,
    },
    Budget {
        initiative: InitiativeId,
        category: Category,
        start: Month,
        end: Option<Month>,
        adjust: Adjust,
    },
    ContractAdd {
        vendor: VendorId,
        title: String,
        value_minor: i64,
        start: Month,
        end: Month,
        initiative: Option<InitiativeId>,
    },
    ContractCancel {
        contract: ContractId,
        from: Month,
    },
    InitiativeStop {
        initiative: InitiativeId,
        from: Month,
    },
}

/// The refusal of a change: which field, and why.
fn bad(field: &str, why: impl fmt::Display) -> Error {
    Error::Validation(format!("{field}: {why}"))
}

impl ChangeSpec {
    /// Checks the fields and resolves the references, naming the field at fault.
    pub fn resolve(&self, catalog: &Catalog) -> Result<Change> {
        let (required, optional) = self.kind.fields();
        let kind = self.kind.as_str();
        let a_kind =
            if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { format!("an {kind}") } else { format!("a {kind}") };
        for field in self.fields.keys() {
            let known = required.iter().chain(optional).any(|f| f.split('|').any(|alt| alt == field));
            if !known {
                let all: Vec<&str> = required.iter().chain(optional).flat_map(|f| f.split('|')).collect();
                return Err(bad(
                    field,
                    format!("{a_kind} change has no such field; its fields are {}", all.join(", ")),
                ));
            }
        }
        for field in required {
            let present: Vec<&str> = field.split('|').filter(|alt| self.fields.contains_key(*alt)).collect();
            match present.len() {
                0 => {
                    let say = field.replace('|', " or ");
                    return Err(bad(&say, format!("{a_kind} change needs it, e.g. {}", example(self.kind))));
                }
                1 => {}
                _ => return Err(bad(field, format!("give one of {}, not both", field.replace('|', " or ")))),
            }
        }
        let text = |field: &str| self.fields.get(field).map(|v| v.trim()).filter(|v| !v.is_empty());
        let need = |field: &str| text(field).ok_or_else(|| bad(field, "is empty"));
        let month = |field: &str| -> Result<Month> {
            need(field)?.parse::<Month>().map_err(|_| {
                bad(field, format!("`{}` is not a month; write it as 2027-03", need(field).unwrap_or_default()))
            })
        };
        let optional_month = |field: &str| -> Result<Option<Month>> { text(field).map(|_| month(field)).transpose() };
        let percent = |field: &str, default: u32| -> Result<u32> {
            let Some(value) = text(field) else { return Ok(default) };
            let number = value.strip_suffix('%').unwrap_or(value).trim();
            number
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| bad(field, format!("`{value}` is not a percent from 1 to 100; write 50 or 50%")))
        };
        let category =
            |field: &str| -> Result<Category> { need(field)?.parse::<Category>().map_err(|e| bad(field, e.message)) };
        let adjust = || -> Result<Adjust> {
            if let Some(change) = text("change") {
                return parse_change(change)
                    .map(Adjust::Percent)
                    .ok_or_else(|| bad("change", format!("`{change}` is not a percent change; write +20% or -35%")));
            }
            Ok(Adjust::PerMonth(catalog.amount("amount", need("amount")?)?))
        };
        let end_after = |start: Month, end: Option<Month>, field: &str| -> Result<()> {
            match end {
                Some(end) if end < start => Err(bad(field, format!("{end} is before the start, {start}"))),
                _ => Ok(()),
            }
        };
        Ok(match self.kind {
            ChangeKind::Hire => {
                let count = match text("count") {
                    None => 1,
                    Some(value) => {
                        value.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)).ok_or_else(|| {
                            bad("count", format!("`{value}` is not a number of people from 1 to 1,000"))
                        })?
                    }
                };
                Change::Hire {
                    role: catalog.role(need("role")?)?,
                    count,
                    start: month("start")?,
                    initiative: text("initiative").map(|name| catalog.initiative("initiative", name)).transpose()?,
                    percent: percent("percent", 100)?,
                }
            }
            ChangeKind::Leave => Change::Leave { person: catalog.person(need("person")?)?, end: month("end")? },
            ChangeKind::Allocate => {
                let (start, end) = (month("start")?, optional_month("end")?);
                end_after(start, end, "end")?;
                Change::Allocate {
                    person: catalog.person(need("person")?)?,
                    initiative: catalog.initiative("initiative", need("initiative")?)?,
                    percent: percent("percent", 100)?,
                    start,
                    end,
                }
            }
            ChangeKind::Spend => {
                let (start, end) = (month("start")?, optional_month("end")?);
                end_after(start, end, "end")?;
                let target = match text("initiative") {
                    None => Target::Every,
                    Some(name) if name.eq_ignore_ascii_case("all") => Target::Every,
                    Some(name) => Target::Initiative(catalog.initiative("initiative", name)?),
                };
                let adjust = adjust()?;
                if target == Target::Every && matches!(adjust, Adjust::PerMonth(_)) {
                    return Err(bad("initiative", "an amount a month needs the initiative it is spent by"));
                }
                Change::Spend { target, category: category("category")?, start, end, adjust }
            }
            ChangeKind::Budget => {
                let (start, end) = (month("start")?, optional_month("end")?);
                end_after(start, end, "end")?;
                Change::Budget {
                    initiative: catalog.initiative("initiative", need("initiative")?)?,
                    category: category("category")?,
                    start,
                    end,
                    adjust: adjust()?,
                }
            }
            ChangeKind::ContractAdd => {
                let (start, end) = (month("start")?, month("end")?);
                end_after(start, Some(end), "end")?;
                let value_minor = catalog.amount("value", need("value")?)?;
                if value_minor < 0 {
                    return Err(bad("value", "a contract's value cannot be negative"));
                }
                Change::ContractAdd {
                    vendor: catalog.vendor(need("vendor")?)?,
                    title: need("title")?.to_owned(),
                    value_minor,
                    start,
                    end,
                    initiative: text("initiative").map(|name| catalog.initiative("initiative", name)).transpose()?,
                }
            }
            ChangeKind::ContractCancel => {
                Change::ContractCancel { contract: catalog.contract(need("contract")?)?, from: month("from")? }
            }
            ChangeKind::InitiativeStop => Change::InitiativeStop {
                initiative: catalog.initiative("initiative", need("initiative")?)?,
                from: month("from")?,
            },
        })
    }
}

fn example(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Hire => "hire role=\"ML engineer\" count=3 start=2027-03 initiative=Search",
        ChangeKind::Leave => "leave person=\"Ana Ruiz\" end=2027-06",
        ChangeKind::Allocate => "allocate person=\"Ana Ruiz\" initiative=Search percent=50 start=2027-01",
        ChangeKind::Spend => "spend initiative=Search category=compute start=2027-01 change=-35%",
        ChangeKind::Budget => "budget initiative=Search category=compute start=2027-01 amount=15,000.00",
        ChangeKind::ContractAdd => {
            "contract_add vendor=Scale title=\"Labelling 2027\" value=120,000 start=2027-01 end=2027-12"
        }
        ChangeKind::ContractCancel => "contract_cancel contract=\"Labelling 2026\" from=2027-07",
        ChangeKind::InitiativeStop => "initiative_stop initiative=Search from=2027-04",
    }
}

/// `+20%`, `-35%`, `12.5%`, `+20` → hundredths of a percent; at least −100%.
pub fn parse_change(text: &str) -> Option<i64> {
    let number = text.trim().strip_suffix('%').unwrap_or(text.trim()).trim();
    let value: rust_decimal::Decimal = number.strip_prefix('+').unwrap_or(number).parse().ok()?;
    let hundredths = (value * rust_decimal::Decimal::from(100)).round();
    let hundredths = i64::try_from(hundredths).ok()?;
    (-10_000..=1_000_000).contains(&hundredths).then_some(hundredths)
}

/// Refuses a new change that would do nothing as the portfolio stands: a cancel from after the
/// contract's end. Checked when a change is added or imported, not when a scenario is shown (an
/// applied scenario's cancel has ended its contract, and the scenario still shows).
pub fn refuse_idle(spec: &ChangeSpec, change: &Change, catalog: &Catalog) -> Result<()> {
    if let Change::ContractCancel { contract, from } = change
        && let Some(end) = catalog.contract_end(*contract)
        && *from > end
    {
        let name = spec.fields.get("contract").map_or("", |v| v.trim());
        return Err(bad(
            "from",
            format!(
                "the contract `{name}` ends in {end}, before {from}: there is nothing to cancel; choose a month up \
                 to {end}"
            ),
        ));
    }
    Ok(())
}

/// The scenarios named (one to four), each with its changes resolved against the portfolio in
/// `conn` as it is now, for the charts and the report that draw them beside the baseline.
pub fn load_named(conn: &rusqlite::Connection, names: &[String]) -> Result<Vec<NamedChanges>> {
    if names.is_empty() || names.len() > 4 {
        return Err(Error::Validation(format!(
            "scenarios: compare one to four scenarios with the baseline, not {}",
            names.len()
        )));
    }
    let catalog = Catalog::load(conn)?;
    names
        .iter()
        .map(|name| {
            let stored = crate::store::scenarios::get(conn, name)?;
            Ok((stored.name.clone(), resolve_stored(&catalog, &stored)?))
        })
        .collect()
}

/// A scenario's name and its changes, resolved, with where each stands and how it is written.
pub type NamedChanges = (String, Vec<(figures::ChangeDeltaLabel, Change)>);

/// The scenario's changes resolved against the portfolio as it is now; one that no longer
/// resolves (a person removed since) is an error naming its position.
pub fn resolve_stored(
    catalog: &Catalog,
    scenario: &crate::store::scenarios::StoredScenario,
) -> Result<Vec<(figures::ChangeDeltaLabel, Change)>> {
    scenario
        .changes
        .iter()
        .enumerate()
        .map(|(k, spec)| {
            let position = k as u32 + 1;
            let change = spec.resolve(catalog).map_err(|e| match e {
                Error::Validation(m) => Error::Validation(format!(
                    "scenario `{}`, change {position} ({spec}): {m}; drop it with `scenario drop \"{}\" {position}`",
                    scenario.name, scenario.name
                )),
                other => other,
            })?;
            Ok((figures::ChangeDeltaLabel::of(position, spec), change))
        })
        .collect()
}

/// The inputs with the changes applied, in order. Only months after the as-of month change.
pub fn apply(inputs: &PlanInputs, changes: &[Change]) -> PlanInputs {
    let mut out = inputs.clone();
    let after = inputs.as_of.plus(1);
    let from = |month: Month| month.max(after);
    // Allocations an initiative_stop ended early, and the months an allocate change starts one.
    let mut unassigned: Vec<AllocationFacts> = Vec::new();
    let mut allocated: Vec<(PersonId, Month)> = Vec::new();
    for change in changes {
        match change {
            Change::Hire { role, count, start, initiative, percent } => {
                for _ in 0..*count {
                    out.requisitions.push(RequisitionFacts {
                        title: "Scenario hire".to_owned(),
                        role: *role,
                        initiative: *initiative,
                        start: from(*start),
                        status: RequisitionStatus::Open,
                        percent: *percent,
                        planned: true,
                    });
                }
            }
            Change::Leave { person, end } => {
                let end = (*end).max(inputs.as_of);
                for p in out.people.iter_mut().filter(|p| p.id == *person) {
                    p.end = Some(p.end.map_or(end, |e| e.min(end)));
                }
            }
            Change::Allocate { person, initiative, percent, start, end } => {
                let start = from(*start);
                if end.is_some_and(|end| end < start) {
                    continue;
                }
                allocated.push((*person, start));
                let mut kept = Vec::with_capacity(out.allocations.len() + 2);
                for a in out.allocations.drain(..) {
                    if a.person != *person || a.initiative != *initiative {
                        kept.push(a);
                        continue;
                    }
                    // The part before the window, and the part after it, stay as they were.
                    if a.start < start {
                        let last = start.plus(-1);
                        kept.push(AllocationFacts { end: Some(a.end.map_or(last, |e| e.min(last))), ..a.clone() });
                    }
                    if let Some(end) = end
                        && a.end.is_none_or(|e| e > *end)
                    {
                        kept.push(AllocationFacts { start: a.start.max(end.plus(1)), ..a.clone() });
                    }
                }
                kept.push(AllocationFacts {
                    person: *person,
                    initiative: *initiative,
                    percent: *percent,
                    start,
                    end: *end,
                    model: None,
                });
                out.allocations = kept;
            }
            Change::Spend { target, category, start, end, adjust } => out.adjustments.push(SpendAdjustment {
                target: *target,
                category: *category,
                first: from(*start),
                last: *end,
                change: SpendChange::Adjust(*adjust),
            }),
            Change::Budget { initiative, category, start, end, adjust } => {
                let first = from(*start);
                match adjust {
                    Adjust::Percent(_) => {
                        for line in out.budgets.iter_mut().filter(|b| {
                            b.initiative == Some(*initiative)
                                && b.category == *category
                                && b.month >= first
                                && end.is_none_or(|end| b.month <= end)
                        }) {
                            line.minor = adjust.apply(line.minor);
                        }
                    }
                    Adjust::PerMonth(minor) => {
                        // Open-ended: through the last month any budget line or forecast reaches.
                        let last = end.unwrap_or_else(|| budget_horizon(&out, first));
                        for k in 0..=first.months_until(last).max(-1) {
                            out.budgets.push(MoneyFact {
                                initiative: Some(*initiative),
                                month: first.plus(k),
                                category: *category,
                                minor: *minor,
                                one_off: false,
                                model: None,
                                vendor: None,
                                provider: None,
                            });
                        }
                    }
                }
            }
            Change::ContractAdd { vendor, title, value_minor, start, end, initiative } => {
                out.adjustments.push(SpendAdjustment {
                    target: initiative.map_or(Target::Every, Target::Initiative),
                    category: Category::Vendor,
                    first: from(*start),
                    last: Some(*end),
                    change: SpendChange::Spread { total_minor: *value_minor, term_first: *start, term_last: *end },
                });
                let vendor_name =
                    out.vendors.iter().find(|v| v.id == *vendor).map(|v| v.name.clone()).unwrap_or_default();
                out.contracts.push(super::inputs::ContractFacts {
                    id: 0,
                    title: title.clone(),
                    vendor_id: *vendor,
                    vendor: vendor_name,
                    initiative: *initiative,
                    value_minor: *value_minor,
                    start: start.first_day(),
                    end: super::period::last_day(*end),
                    notice_deadline: super::period::last_day(*end),
                    auto_renew: false,
                    models: Vec::new(),
                });
            }
            Change::ContractCancel { contract, from: cancel } => {
                let Some(c) = out.contracts.iter().find(|c| c.id == contract.0).cloned() else { continue };
                let (term_first, term_last) = (Month::of(c.start), Month::of(c.end));
                let first = from(*cancel);
                if first <= term_last {
                    out.adjustments.push(SpendAdjustment {
                        target: c.initiative.map_or(Target::Every, Target::Initiative),
                        category: Category::Vendor,
                        first,
                        last: Some(term_last),
                        change: SpendChange::Spread { total_minor: -c.value_minor, term_first, term_last },
                    });
                }
                out.contracts.retain(|k| k.id != contract.0);
            }
            Change::InitiativeStop { initiative, from: stop } => {
                let last = from(*stop).plus(-1);
                for i in out.initiatives.iter_mut().filter(|i| i.id == *initiative) {
                    i.end = Some(i.end.map_or(last, |e| e.min(last)));
                }
                // What the stop takes from each allocation stays in people cost, unassigned.
                for a in
                    out.allocations.iter().filter(|a| a.initiative == *initiative && a.end.is_none_or(|e| e > last))
                {
                    unassigned.push(AllocationFacts { start: a.start.max(last.plus(1)), ..a.clone() });
                }
                out.allocations.retain(|a| a.initiative != *initiative || a.start <= last);
                for a in out.allocations.iter_mut().filter(|a| a.initiative == *initiative) {
                    a.end = Some(a.end.map_or(last, |e| e.min(last)));
                }
                for r in out.requisitions.iter_mut().filter(|r| r.initiative == Some(*initiative) && r.start > last) {
                    r.initiative = None;
                }
            }
        }
    }
    unassigned_people_cost(&mut out, &unassigned, &allocated);
    out
}

/// The people cost an initiative_stop took from its allocations, added to Unallocated people
/// spend from the stop until the person leaves, the allocation would have ended, or an allocate
/// change gives them other work: they stay on the team, so their cost stays in the figures.
fn unassigned_people_cost(out: &mut PlanInputs, unassigned: &[AllocationFacts], allocated: &[(PersonId, Month)]) {
    for a in unassigned {
        let Some(person) = out.people.iter().find(|p| p.id == a.person) else { continue };
        let reallocated =
            allocated.iter().filter(|(p, m)| *p == a.person && *m >= a.start).map(|(_, m)| m.plus(-1)).min();
        let last = [a.end, person.end, reallocated].into_iter().flatten().min();
        if last.is_some_and(|last| last < a.start) {
            continue;
        }
        let annual = i128::from(out.role_cost_minor.get(&person.role).copied().unwrap_or(0));
        let monthly = super::team::monthly(annual * i128::from(a.percent), 100);
        out.adjustments.push(SpendAdjustment {
            target: Target::Unallocated,
            category: Category::People,
            first: a.start,
            last,
            change: SpendChange::Adjust(Adjust::PerMonth(monthly)),
        });
    }
}

/// The last month an open-ended budget change reaches: the later of the last budget line and two
/// years after it starts.
pub fn budget_horizon(inputs: &PlanInputs, first: Month) -> Month {
    let last_line = inputs.budgets.iter().map(|b| b.month).max().unwrap_or(first);
    last_line.max(first.plus(23))
}
