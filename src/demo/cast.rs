//! Who and what is in a demo of a given scale: the definition's initiatives, people, models and
//! requisitions as they are (small), or combined into many copies (large).
//!
//! The cast holds names, dates and indexes into itself, not database ids; [`super::generate`]
//! writes it. Large-scale names are combinations of the definition's (`Fraud detection — EMEA 2`,
//! `fraud-txn-scorer-emea-2`, first × last names), so they stay unique and readable.

use std::collections::HashMap;

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::definition::{Definition, InitiativeDef, ModelDef, RequisitionDef};
use super::{DemoScale, LARGE_INITIATIVES, LARGE_MODELS, LARGE_PEOPLE};
use crate::domain::{InitiativeStatus, Month, RequisitionStatus};

#[derive(Debug)]
pub(super) struct InitiativeSpec<'d> {
    pub def: &'d InitiativeDef,
    pub name: String,
    pub tag: String,
    pub owner: String,
    pub status: InitiativeStatus,
    pub start: Month,
    pub end: Option<Month>,
    /// Its budgets are the definition's levels times this percentage.
    pub budget_percent: i64,
}

#[derive(Debug)]
pub(super) struct PersonSpec {
    pub name: String,
    /// Index into the definition's roles.
    pub role: usize,
    pub location: String,
    /// Index of the initiative of the person's main team.
    pub home: usize,
    pub start: Month,
    pub end: Option<Month>,
}

#[derive(Debug)]
pub(super) struct ModelSpec<'d> {
    pub def: &'d ModelDef,
    pub name: String,
    pub initiative: Option<usize>,
    pub owner: String,
}

#[derive(Debug)]
pub(super) struct RequisitionSpec<'d> {
    pub def: &'d RequisitionDef,
    pub title: String,
    pub initiative: Option<usize>,
    pub start: Month,
    pub status: RequisitionStatus,
}

#[derive(Debug)]
pub(super) struct Cast<'d> {
    pub initiatives: Vec<InitiativeSpec<'d>>,
    pub people: Vec<PersonSpec>,
    /// Index of the one person booked beyond 100%, and the initiative of their second team.
    pub overbooked: usize,
    pub overbooked_second: usize,
    pub models: Vec<ModelSpec<'d>>,
    pub requisitions: Vec<RequisitionSpec<'d>>,
    /// The first initiative made from each definition key (KPIs and contracts point at it).
    pub initiative_by_key: HashMap<&'d str, usize>,
    /// The first model made from each definition model name.
    pub model_by_name: HashMap<&'d str, usize>,
}

impl<'d> Cast<'d> {
    pub fn new(def: &'d Definition, scale: DemoScale, current: Month, rng: &mut ChaCha8Rng) -> Cast<'d> {
        match scale {
            DemoScale::Small => Self::small(def, current),
            DemoScale::Large => Self::large(def, current, rng),
        }
    }

    fn small(def: &'d Definition, current: Month) -> Cast<'d> {
        let initiatives = def
            .initiatives
            .iter()
            .map(|i| InitiativeSpec {
                def: i,
                name: i.name.clone(),
                tag: i.tag.clone(),
                owner: i.owner.clone(),
                status: i.status,
                start: current.plus(-i.started_months_ago),
                end: i.ended_months_ago.map(|n| current.plus(-n)),
                budget_percent: 100,
            })
            .collect();
        let people = def
            .people
            .iter()
            .map(|p| PersonSpec {
                name: p.name.clone(),
                role: role_index(def, &p.role),
                location: p.location.clone(),
                home: def.initiative(&p.team).unwrap_or(0),
                start: current.plus(-p.started_months_ago),
                end: p.left_months_ago.map(|n| current.plus(-n)),
            })
            .collect();
        let models = def
            .models
            .iter()
            .map(|m| ModelSpec {
                def: m,
                name: m.name.clone(),
                initiative: def.initiative(&m.initiative),
                owner: m.owner.clone(),
            })
            .collect();
        let requisitions = def
            .requisitions
            .iter()
            .map(|r| RequisitionSpec {
                def: r,
                title: r.title.clone(),
                initiative: def.initiative(&r.initiative),
                start: current.plus(r.starts_in_months),
                status: r.status,
            })
            .collect();
        let overbooked = def.people.iter().position(|p| p.name == def.overbooked.person).unwrap_or(0);
        Cast {
            initiatives,
            people,
            overbooked,
            overbooked_second: def.initiative(&def.overbooked.second_team).unwrap_or(0),
            models,
            requisitions,
            initiative_by_key: def.initiatives.iter().enumerate().map(|(n, i)| (i.key.as_str(), n)).collect(),
            model_by_name: def.models.iter().enumerate().map(|(n, m)| (m.name.as_str(), n)).collect(),
        }
    }

    /// Copies of the active initiatives, one per region and serial; people spread evenly over them;
    /// copies of every model attached to the matching initiative copies.
    fn large(def: &'d Definition, current: Month, rng: &mut ChaCha8Rng) -> Cast<'d> {
        let templates: Vec<&InitiativeDef> =
            def.initiatives.iter().filter(|i| i.status == InitiativeStatus::Active).collect();
        let copies = LARGE_INITIATIVES.div_ceil(templates.len());
        let regions = &def.large.regions;
        let region_of = |copy: usize| regions[copy % regions.len()].as_str();
        let (window_start, _) = DemoScale::Large.budget_window(current);

        let people = large_people(def, current, rng);

        let initiatives: Vec<InitiativeSpec> = (0..LARGE_INITIATIVES)
            .map(|n| {
                let template = templates[n % templates.len()];
                let copy = n / templates.len();
                let region = region_of(copy);
                InitiativeSpec {
                    def: template,
                    name: format!("{} — {region} {}", template.name, copy + 1),
                    tag: format!("{}-{}-{}", template.tag, region.to_ascii_lowercase(), copy + 1),
                    // People are spread so that person n works on initiative n first.
                    owner: people[n].name.clone(),
                    status: InitiativeStatus::Active,
                    start: window_start.plus(-rng.random_range(0..=36)),
                    end: None,
                    budget_percent: rng.random_range(50..=160),
                }
            })
            .collect();

        // Initiative index of copy `copy` of a definition initiative, if that one is copied.
        let copy_of = |key: &str, copy: usize| {
            let position = templates.iter().position(|t| t.key == key)?;
            let index = position + templates.len() * (copy % copies);
            (index < LARGE_INITIATIVES).then_some(index)
        };

        let people_per_initiative = LARGE_PEOPLE / LARGE_INITIATIVES;
        let models = (0..LARGE_MODELS)
            .map(|n| {
                let template = &def.models[n % def.models.len()];
                let copy = n / def.models.len();
                let initiative = copy_of(&template.initiative, copy);
                // Someone on the model's initiative owns it.
                let owner = match initiative {
                    Some(i) => &people[i + LARGE_INITIATIVES * (copy % people_per_initiative)].name,
                    None => &people[n % people.len()].name,
                };
                ModelSpec {
                    def: template,
                    name: format!("{}-{}-{}", template.name, region_of(copy).to_ascii_lowercase(), copy + 1),
                    initiative,
                    owner: owner.clone(),
                }
            })
            .collect();

        let mut requisitions = Vec::new();
        for copy in 0..copies {
            for r in &def.requisitions {
                let Some(initiative) = copy_of(&r.initiative, copy) else {
                    continue;
                };
                let (start, status) = if copy == 0 {
                    (current.plus(r.starts_in_months), r.status)
                } else {
                    let statuses = RequisitionStatus::ALL;
                    (current.plus(rng.random_range(-3..=6)), statuses[rng.random_range(0..statuses.len())])
                };
                requisitions.push(RequisitionSpec {
                    def: r,
                    title: format!("{} ({} {})", r.title, region_of(copy), copy + 1),
                    initiative: Some(initiative),
                    start,
                    status,
                });
            }
        }

        let overbooked = 0;
        let home = people[overbooked].home;
        let second =
            copy_of(&def.overbooked.second_team, 0).filter(|&s| s != home).unwrap_or((home + 1) % LARGE_INITIATIVES);
        let mut people = people;
        people[overbooked].end = None;

        let mut initiative_by_key = HashMap::new();
        for (position, template) in templates.iter().enumerate() {
            initiative_by_key.insert(template.key.as_str(), position);
        }
        let model_by_name = def.models.iter().enumerate().map(|(n, m)| (m.name.as_str(), n)).collect();
        Cast {
            initiatives,
            people,
            overbooked,
            overbooked_second: second,
            models,
            requisitions,
            initiative_by_key,
            model_by_name,
        }
    }
}

fn role_index(def: &Definition, name: &str) -> usize {
    def.roles.iter().position(|r| r.name == name).unwrap_or(0)
}

/// 5,000 people with unique names drawn from first × last name pairs, roles in the same mix as the
/// small team, person `n` on initiative `n mod 200`.
fn large_people(def: &Definition, current: Month, rng: &mut ChaCha8Rng) -> Vec<PersonSpec> {
    let large = &def.large;
    let mut pairs: Vec<(u16, u16)> = (0..large.first_names.len())
        .flat_map(|f| (0..large.last_names.len()).map(move |l| (f as u16, l as u16)))
        .collect();
    pairs.shuffle(rng);
    pairs
        .iter()
        .take(LARGE_PEOPLE)
        .enumerate()
        .map(|(n, &(first, last))| {
            let started_months_ago = rng.random_range(1..=96);
            let left = started_months_ago > 1 && rng.random_bool(0.03);
            PersonSpec {
                name: format!("{} {}", large.first_names[usize::from(first)], large.last_names[usize::from(last)]),
                role: role_index(def, &def.people[n % def.people.len()].role),
                location: large.locations[rng.random_range(0..large.locations.len())].clone(),
                home: n % LARGE_INITIATIVES,
                start: current.plus(-started_months_ago),
                end: left.then(|| current.plus(-rng.random_range(1..started_months_ago))),
            }
        })
        .collect()
}
