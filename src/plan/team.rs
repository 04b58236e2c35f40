//! What the team costs, month by month, from what is already decided: the people on the team
//! (their role's loaded annual cost), their allocations to initiatives, and the requisitions still
//! open (from their target start month on, by the domain's rule [`RequisitionStatus::is_open`]).
//!
//! This is arithmetic, not statistics: no interval, because every figure follows from records.
//! A month's cost is a twelfth of the annual loaded cost. A person counts while on the team
//! (their start through their end); an allocation counts while it covers the month and the
//! person is on the team, at its percent of the person's cost — as planned, so a person booked
//! above 100% costs their initiatives more than their salary (the attention list names who is
//! overbooked). What nobody's allocation claims is `unallocated_people_cost_minor`. An open
//! requisition costs its role's full loaded cost from its start month, charged to its initiative
//! if it names one. Each month's sums are divided by 12 (and by 100 for percents) once, rounding
//! half up to a minor unit.
//!
//! [`RequisitionStatus::is_open`]: crate::domain::RequisitionStatus::is_open

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::inputs::PlanInputs;
use crate::domain::{InitiativeId, Month, PersonId};

/// The cost of the team over a range of months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct HeadcountProjection {
    pub months: Vec<HeadcountMonth>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct HeadcountMonth {
    pub month: Month,
    /// People on the team that month.
    pub people: u32,
    /// Open requisitions whose target start month has come.
    pub open_requisitions: u32,
    /// Loaded cost of the people on the team.
    pub people_cost_minor: i64,
    /// Loaded cost of the open requisitions that have started.
    pub requisition_cost_minor: i64,
    /// People plus requisitions.
    pub total_cost_minor: i64,
    /// The part of people's cost that no allocation claims.
    pub unallocated_people_cost_minor: i64,
    /// Per initiative with any cost that month (all of them, or the one asked for).
    pub by_initiative: Vec<InitiativeHeadcountCost>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InitiativeHeadcountCost {
    pub initiative_id: InitiativeId,
    /// Sum of the allocation percents: 100 is one person full time.
    pub allocated_percent: u32,
    pub open_requisitions: u32,
    /// The allocated share of people's loaded cost.
    pub people_cost_minor: i64,
    pub requisition_cost_minor: i64,
    pub total_cost_minor: i64,
}

impl HeadcountMonth {
    /// The cost charged to `initiative` this month (its people and its open requisitions).
    pub fn cost_of(&self, initiative: InitiativeId) -> i64 {
        self.by_initiative.iter().find(|i| i.initiative_id == initiative).map_or(0, |i| i.total_cost_minor)
    }

    /// Cost no initiative carries: unallocated people and requisitions that name no initiative.
    pub fn unassigned_cost_minor(&self) -> i64 {
        let assigned_requisitions: i64 = self.by_initiative.iter().map(|i| i.requisition_cost_minor).sum();
        self.unallocated_people_cost_minor + self.requisition_cost_minor - assigned_requisitions
    }
}

/// A person booked above 100% in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Overbooked {
    pub person_id: PersonId,
    pub name: String,
    pub percent: u32,
    /// The loaded monthly cost of the share above 100%.
    pub excess_cost_minor: i64,
}

/// Projects the team's cost for each month from `first` through `last`; `only` keeps one
/// initiative in `by_initiative` (the totals stay the portfolio's).
pub fn project(inputs: &PlanInputs, first: Month, last: Month, only: Option<InitiativeId>) -> HeadcountProjection {
    let cost_of = |role| i128::from(inputs.role_cost_minor.get(&role).copied().unwrap_or(0));
    let people: HashMap<PersonId, _> = inputs.people.iter().map(|p| (p.id, p)).collect();
    let open: Vec<_> = inputs.requisitions.iter().filter(|r| r.status.is_open()).collect();
    let mut months = Vec::new();
    for k in 0..=first.months_until(last).max(-1) {
        let month = first.plus(k);
        // Annual cost × percent, summed; divided once at the end.
        let mut by_initiative: BTreeMap<InitiativeId, Sums> = BTreeMap::new();
        let mut allocated_percent: HashMap<PersonId, u32> = HashMap::new();
        for allocation in inputs.allocations.iter().filter(|a| a.covers(month)) {
            let Some(person) = people.get(&allocation.person).filter(|p| p.on_team(month)) else { continue };
            let sums = by_initiative.entry(allocation.initiative).or_default();
            sums.percent += allocation.percent;
            sums.people_cost_percent += cost_of(person.role) * i128::from(allocation.percent);
            *allocated_percent.entry(allocation.person).or_default() += allocation.percent;
        }
        let (mut headcount, mut people_cost_percent, mut unallocated_cost_percent) = (0u32, 0i128, 0i128);
        for person in inputs.people.iter().filter(|p| p.on_team(month)) {
            headcount += 1;
            let cost = cost_of(person.role);
            people_cost_percent += cost * 100;
            let claimed = allocated_percent.get(&person.id).copied().unwrap_or(0).min(100);
            unallocated_cost_percent += cost * i128::from(100 - claimed);
        }
        let (mut requisitions, mut requisition_cost) = (0u32, 0i128);
        for requisition in open.iter().filter(|r| r.start <= month) {
            // Annual cost × percent, like people: divided by 12 × 100 once, below.
            let cost = cost_of(requisition.role) * i128::from(requisition.percent);
            requisitions += 1;
            requisition_cost += cost;
            if let Some(initiative) = requisition.initiative {
                let sums = by_initiative.entry(initiative).or_default();
                sums.requisitions += 1;
                sums.requisition_cost += cost;
            }
        }
        let people_cost_minor = monthly(people_cost_percent, 100);
        let requisition_cost_minor = monthly(requisition_cost, 100);
        months.push(HeadcountMonth {
            month,
            people: headcount,
            open_requisitions: requisitions,
            people_cost_minor,
            requisition_cost_minor,
            total_cost_minor: people_cost_minor + requisition_cost_minor,
            unallocated_people_cost_minor: monthly(unallocated_cost_percent, 100),
            by_initiative: by_initiative
                .into_iter()
                .filter(|(id, _)| only.is_none_or(|wanted| wanted == *id))
                .map(|(initiative_id, sums)| {
                    let people_cost_minor = monthly(sums.people_cost_percent, 100);
                    let requisition_cost_minor = monthly(sums.requisition_cost, 100);
                    InitiativeHeadcountCost {
                        initiative_id,
                        allocated_percent: sums.percent,
                        open_requisitions: sums.requisitions,
                        people_cost_minor,
                        requisition_cost_minor,
                        total_cost_minor: people_cost_minor + requisition_cost_minor,
                    }
                })
                .collect(),
        });
    }
    HeadcountProjection { months }
}

/// People on the team in `month` whose allocations covering it add up to more than 100%, most
/// booked first.
pub fn overbooked(inputs: &PlanInputs, month: Month) -> Vec<Overbooked> {
    let mut percent: HashMap<PersonId, u32> = HashMap::new();
    for allocation in inputs.allocations.iter().filter(|a| a.covers(month)) {
        *percent.entry(allocation.person).or_default() += allocation.percent;
    }
    let mut out: Vec<Overbooked> = inputs
        .people
        .iter()
        .filter(|p| p.on_team(month))
        .filter_map(|p| {
            let total = percent.get(&p.id).copied().filter(|total| *total > 100)?;
            let cost = i128::from(inputs.role_cost_minor.get(&p.role).copied().unwrap_or(0));
            Some(Overbooked {
                person_id: p.id,
                name: p.name.clone(),
                percent: total,
                excess_cost_minor: monthly(cost * i128::from(total - 100), 100),
            })
        })
        .collect();
    out.sort_by(|a, b| b.percent.cmp(&a.percent).then_with(|| a.name.cmp(&b.name)));
    out
}

#[derive(Debug, Default)]
struct Sums {
    percent: u32,
    people_cost_percent: i128,
    requisitions: u32,
    requisition_cost: i128,
}

/// An annual sum (times `percent_scale`) as one month's minor units, rounded half up.
pub(super) fn monthly(annual: i128, percent_scale: i128) -> i64 {
    let denominator = 12 * percent_scale;
    let rounded = (annual + denominator / 2).div_euclid(denominator);
    i64::try_from(rounded).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_cost_divides_once_and_rounds_half_up() {
        assert_eq!(monthly(1_200_000, 1), 100_000);
        assert_eq!(monthly(18, 1), 2, "1.5 rounds up");
        assert_eq!(monthly(17, 1), 1);
        // Three people at 50% of 100.00 a year: 150.00 / 12 = 12.50, not 3 × 4.17.
        assert_eq!(monthly(3 * 10_000 * 50, 100), 1_250);
    }
}
