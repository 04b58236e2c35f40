//! Next year's budget: copy a fiscal year's budget lines forward (optionally changed by a percent),
//! or write the planning core's forecast as the budget. All or nothing, every line audited; a year
//! that already has lines is refused unless the request says to replace them.

use serde::{Deserialize, Serialize};

use crate::domain::{BudgetLine, InitiativeId, Money, Month};
use crate::error::{Error, Result};
use crate::plan::period::FiscalCalendar;
use crate::plan::scenario::Adjust;
use crate::plan::{PeriodChoice, PlanInputs, PlanOptions, still_expected};
use crate::store::{Store, records, settings};

/// Where the new lines come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "from", content = "year")]
#[ts(export)]
pub enum BudgetSource {
    /// The lines of this fiscal year, month for month.
    Year(i32),
    /// The forecast of the target year (its points), per initiative, category and month.
    Forecast,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetCopyRequest {
    pub source: BudgetSource,
    /// The fiscal year to fill (named by the year it ends in).
    pub to_year: i32,
    /// `+5%`, `-10%`: applied to every copied amount (half away from zero).
    #[serde(default)]
    pub change: Option<String>,
    /// Only this initiative (name or id).
    #[serde(default)]
    pub initiative: Option<String>,
    /// Remove the target year's lines first (of the initiative, if one is named).
    #[serde(default)]
    pub replace: bool,
    /// From the forecast: the forecast as of the end of this month; this month when absent.
    #[serde(default)]
    pub as_of: Option<Month>,
}

/// What a copy wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetCopied {
    /// The year as every surface writes it: `2027`, `FY2027`.
    pub year: String,
    pub lines: u32,
    /// Lines of the target year removed first (`replace`).
    pub replaced: u32,
    /// The new lines' total in the base currency.
    pub total_minor: i64,
    pub currency: crate::domain::Currency,
}

pub fn budget_copy(store: &mut Store, request: BudgetCopyRequest) -> Result<BudgetCopied> {
    let conn = store.conn();
    let fiscal = FiscalCalendar::new(settings::planning(conn)?.0);
    let target = fiscal.year(request.to_year);
    let initiative = match request.initiative.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(InitiativeId(records::resolve(conn, crate::domain::EntityKind::Initiative, text)?)),
        None => None,
    };
    let change = match request.change.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(crate::plan::scenario::parse_change(text).map(Adjust::Percent).ok_or_else(|| {
            Error::Validation(format!("change: `{text}` is not a percent change; write +5% or -10%"))
        })?),
        None => None,
    };
    let wanted = |id: InitiativeId| initiative.is_none_or(|only| only == id);
    let in_target = |month: Month| target.contains(month);

    let all_lines = records::list::<BudgetLine>(conn, &Default::default())?;
    let existing: Vec<i64> = all_lines
        .iter()
        .filter(|s| in_target(s.record.month) && wanted(s.record.initiative_id))
        .map(|s| s.id.0)
        .collect();
    if !existing.is_empty() && !request.replace {
        return Err(Error::Conflict(format!(
            "{} already has {} budget lines{}; nothing was copied. Give --replace to write over them",
            target.label,
            existing.len(),
            initiative.map_or(String::new(), |_| " for that initiative".to_owned())
        )));
    }

    let base = settings::base_currency(conn)?;
    let lines: Vec<BudgetLine> = match request.source {
        BudgetSource::Year(from) => {
            if from == request.to_year {
                return Err(Error::Validation(format!(
                    "from-year: {from} is the year being filled; copy from another"
                )));
            }
            let source = fiscal.year(from);
            let shift = source.first.months_until(target.first);
            all_lines
                .into_iter()
                .map(|s| s.record)
                .filter(|l| source.contains(l.month) && wanted(l.initiative_id))
                .map(|l| BudgetLine {
                    month: l.month.plus(shift),
                    amount: Money::new(change.map_or(l.amount.minor, |c| c.apply(l.amount.minor)), l.amount.currency),
                    note: Some(format!("copied from {}", source.label)),
                    ..l
                })
                .collect()
        }
        BudgetSource::Forecast => {
            let as_of = request.as_of.unwrap_or_else(super::current_month);
            let inputs = PlanInputs::load_remembered(store, as_of, crate::plan::period::today())?;
            let options = PlanOptions { period: PeriodChoice::FiscalYear(request.to_year), ..PlanOptions::default() };
            let plan = crate::plan::compute(&inputs, &options)?;
            let mut out = Vec::new();
            for series in &plan.forecasts.series {
                let Some(id) = series.initiative.filter(|id| wanted(*id)) else { continue };
                for month in target.months() {
                    let Some(band) = still_expected(&plan.forecasts, series, month, plan.running.as_ref()) else {
                        continue;
                    };
                    let minor = change.map_or(band.point_minor, |c| c.apply(band.point_minor));
                    if minor != 0 {
                        out.push(BudgetLine {
                            initiative_id: id,
                            month,
                            category: series.category,
                            amount: Money::new(minor, base),
                            note: Some(format!("forecast as of {as_of}")),
                        });
                    }
                }
            }
            out
        }
    };
    if lines.is_empty() {
        return Err(Error::Validation(match request.source {
            BudgetSource::Year(from) => format!("from-year: {} has no budget lines to copy", fiscal.year(from).label),
            BudgetSource::Forecast => format!("{} has no forecast spend to copy", target.label),
        }));
    }
    let fx = crate::store::fx::Converter::load(conn)?;
    let mut total_minor = 0i64;
    for line in &lines {
        total_minor += fx.to_base(line.amount.minor, line.amount.currency)?;
    }
    let replaced = existing.len() as u32;
    store.in_transaction(|tx, actor| {
        for id in &existing {
            records::delete_json(tx, actor, crate::domain::EntityKind::BudgetLine, *id)?;
        }
        for line in &lines {
            records::insert(tx, actor, line)?;
        }
        Ok(())
    })?;
    Ok(BudgetCopied { year: target.label.clone(), lines: lines.len() as u32, replaced, total_minor, currency: base })
}

/// Most cells one `budget_set` writes: a year of every category, with room for a pasted block.
const MAX_CELLS: usize = 1_000;

/// One cell of an initiative's budget grid: a category in a month, and what it should hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetCell {
    pub month: Month,
    pub category: crate::domain::Category,
    /// The amount in its own currency; `None` or zero: no budget line.
    pub amount: Option<Money>,
}

/// Cells of one initiative's budget set at once: a typed cell, a row filled right, a block pasted
/// from a spreadsheet, an undo or a redo. Every cell is checked before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetSetRequest {
    pub initiative: InitiativeId,
    pub cells: Vec<BudgetCell>,
}

/// What `budget_set` wrote, what the cells held before (to undo it), and the initiative's lines
/// now (for the grid to show).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BudgetSetDone {
    pub created: u32,
    pub updated: u32,
    pub removed: u32,
    pub before: Vec<BudgetCell>,
    pub lines: Vec<super::records::RecordView>,
}

/// Sets each cell's budget line in one audited transaction: a new amount creates or updates the
/// line, none (or zero) removes it. A cell named twice, a negative amount, or too many cells are
/// refused with the cell's position and nothing is written.
pub fn budget_set(store: &mut Store, request: BudgetSetRequest) -> Result<BudgetSetDone> {
    use std::collections::{HashMap, HashSet};
    let initiative = request.initiative;
    records::get::<crate::domain::Initiative>(store.conn(), initiative)?;
    if request.cells.len() > MAX_CELLS {
        return Err(Error::Validation(format!(
            "cells: {} cells at once is more than the {MAX_CELLS} one change may set; paste a smaller block",
            request.cells.len()
        )));
    }
    let mut seen = HashSet::new();
    for (k, cell) in request.cells.iter().enumerate() {
        if !seen.insert((cell.month, cell.category)) {
            return Err(Error::Validation(format!(
                "cells[{k}]: {} {} is named twice; set each cell once",
                cell.category.as_str(),
                cell.month
            )));
        }
        if cell.amount.is_some_and(|a| a.minor < 0) {
            return Err(Error::Validation(format!(
                "cells[{k}].amount: a budget is not negative ({} {}); type the amount to plan",
                cell.category.as_str(),
                cell.month
            )));
        }
    }
    let filter = initiative_filter(initiative);
    let existing: HashMap<(Month, crate::domain::Category), crate::domain::Stored<BudgetLine>> =
        records::list::<BudgetLine>(store.conn(), &filter)?
            .into_iter()
            .map(|line| ((line.record.month, line.record.category), line))
            .collect();
    let before: Vec<BudgetCell> = request
        .cells
        .iter()
        .map(|cell| BudgetCell {
            month: cell.month,
            category: cell.category,
            amount: existing.get(&(cell.month, cell.category)).map(|line| line.record.amount),
        })
        .collect();
    let (created, updated, removed) = store.in_transaction(|tx, actor| {
        let (mut created, mut updated, mut removed) = (0u32, 0u32, 0u32);
        for cell in &request.cells {
            let wanted = cell.amount.filter(|a| a.minor != 0);
            match (existing.get(&(cell.month, cell.category)), wanted) {
                (None, None) => {}
                (Some(line), None) => {
                    records::delete::<BudgetLine>(tx, actor, line.id)?;
                    removed += 1;
                }
                (Some(line), Some(amount)) if line.record.amount == amount => {}
                (Some(line), Some(amount)) => {
                    records::update(tx, actor, line.id, &BudgetLine { amount, ..line.record.clone() })?;
                    updated += 1;
                }
                (None, Some(amount)) => {
                    let line = BudgetLine {
                        initiative_id: initiative,
                        month: cell.month,
                        category: cell.category,
                        amount,
                        note: None,
                    };
                    records::insert(tx, actor, &line)?;
                    created += 1;
                }
            }
        }
        Ok((created, updated, removed))
    })?;
    let lines = super::records::list(store, crate::domain::EntityKind::BudgetLine, &filter)?;
    Ok(BudgetSetDone { created, updated, removed, before, lines })
}

fn initiative_filter(initiative: InitiativeId) -> records::Filter {
    let mut filter = records::Filter::new();
    filter.insert("initiative_id".to_owned(), serde_json::Value::from(initiative.0));
    filter
}
