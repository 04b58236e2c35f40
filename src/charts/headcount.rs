//! Chart 3: headcount over time — people in seat and open requisitions stacked by month, with the
//! monthly loaded cost in a paired panel below on its own money axis (two scales on one plot are
//! easy to misread).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    Axis, Bands, Ctx, Drawn, LABEL, Mark, Rect, SMALL, Words, axis_label_width, halo_text, legend, month_axis,
    month_axis_height, value_axis,
};
use super::format::{compact_money, compact_number, month_name};
use crate::analytics::series::Headcount;

fn fte(centi: u32) -> String {
    compact_number(f64::from(centi) / 100.0)
}

pub(super) fn words(d: &Headcount) -> Words {
    let title = match d.scope.initiative {
        Some(_) => format!("{}: people and loaded cost", d.scope.label),
        None => "Headcount and loaded cost".to_owned(),
    };
    let now = d.months.iter().position(|m| *m == d.as_of).unwrap_or(0);
    let last = d.months.len().saturating_sub(1);
    let money = |minor| compact_money(minor, d.currency);
    let unit = if d.scope.initiative.is_some() { "full-time equivalents" } else { "people" };
    let subtitle = format!(
        "{} {unit} in seat in {} and {} open requisitions; {} a month now, {} a month once the plan is hired.",
        fte(d.filled_centi_fte.get(now).copied().unwrap_or(0)),
        month_name(d.as_of),
        fte(d.open_requisitions_centi_fte.get(last).copied().unwrap_or(0)),
        money(d.filled_cost_minor.get(now).copied().unwrap_or(0)),
        money(d.planned_cost_minor.get(last).copied().unwrap_or(0)),
    );
    let (first, end) = (d.months.first().copied().unwrap_or(d.as_of), d.months.last().copied().unwrap_or(d.as_of));
    let description = format!(
        "Monthly headcount of {} from {} to {}: {unit} in seat, with open requisitions stacked on top from their \
         planned start month. A second panel shows the monthly loaded cost in {} of the people in seat ({} in {}) \
         and of the plan including open requisitions ({} in {}).",
        d.scope.label,
        month_name(first),
        month_name(end),
        d.currency,
        money(d.filled_cost_minor.get(now).copied().unwrap_or(0)),
        month_name(d.as_of),
        money(d.planned_cost_minor.get(last).copied().unwrap_or(0)),
        month_name(end),
    );
    let footnote = Some(
        "Loaded cost is each role's fully loaded annual cost ÷ 12 (× the allocated share for an initiative). \
         Months after the dashed line are the plan."
            .to_owned(),
    );
    Words { title, subtitle, description, footnote }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &Headcount) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let (seat, open) = (theme.accent, theme.palette[1]);
    let entries = vec![
        ("In seat".to_owned(), Mark::Swatch(seat.to_rgba())),
        ("Open requisitions".to_owned(), Mark::Swatch(open.to_rgba())),
        ("Loaded cost, in seat".to_owned(), Mark::Line(theme.text.to_rgba())),
        ("Loaded cost, with hires".to_owned(), Mark::Dashed(theme.text.to_rgba())),
    ];
    let rect = legend(ctx, rect, &entries)?;

    let people_axis = {
        let highest =
            (0..d.months.len()).map(|m| d.filled_centi_fte[m] + d.open_requisitions_centi_fte[m]).max().unwrap_or(0);
        Axis::covering(0.0, f64::from(highest) / 100.0 * 1.08, 5)
    };
    let cost_axis = {
        let highest = d.planned_cost_minor.iter().chain(&d.filled_cost_minor).copied().max().unwrap_or(0);
        Axis::covering(0.0, highest as f64 * 1.1, 3)
    };
    let people_label = |v: f64| compact_number(v);
    let cost_label = |v: f64| compact_money(v.round() as i64, d.currency);
    let gutter =
        axis_label_width(ctx, &people_axis, &people_label)?.max(axis_label_width(ctx, &cost_axis, &cost_label)?);
    let x0 = rect.x0 + gutter;
    let panel_gap = ctx.px(64.0);
    let heading = ctx.px(26.0);
    let usable = rect.height() - month_axis_height(ctx) - panel_gap - heading;
    let top = Rect { x0, y0: rect.y0 + heading, x1: rect.x1, y1: rect.y0 + heading + usable * 60 / 100 };
    let bottom = Rect { x0, y0: top.y1 + panel_gap, x1: rect.x1, y1: rect.y1 - month_axis_height(ctx) };
    let bands = Bands { count: d.months.len(), x0, x1: rect.x1 };

    value_axis(ctx, top, &people_axis, &people_label)?;
    let y = |fte: f64| people_axis.map(fte, top.y1, top.y0);
    for m in 0..d.months.len() {
        let (bx0, bx1) = bands.bar(m, 0.7);
        let filled = f64::from(d.filled_centi_fte[m]) / 100.0;
        let reqs = f64::from(d.open_requisitions_centi_fte[m]) / 100.0;
        let future = d.months[m] > d.as_of;
        let alpha = if future { 0.55 } else { 1.0 };
        ctx.fill(Rect { x0: bx0, y0: y(filled), x1: bx1, y1: y(0.0) }, seat.mix(alpha))?;
        if reqs > 0.0 {
            ctx.fill(Rect { x0: bx0, y0: y(filled + reqs), x1: bx1, y1: y(filled) }, open.mix(alpha))?;
        }
    }
    ctx.text(
        "People",
        (top.x0 - gutter, top.y0 - ctx.px(14.0)),
        &ctx.bold(SMALL, theme.muted),
        HPos::Left,
        VPos::Bottom,
    )?;

    value_axis(ctx, bottom, &cost_axis, &cost_label)?;
    let cy = |minor: i64| cost_axis.map(minor as f64, bottom.y1, bottom.y0);
    let filled: Vec<(i32, i32)> =
        d.filled_cost_minor.iter().enumerate().map(|(i, &v)| (bands.centre(i), cy(v))).collect();
    let planned: Vec<(i32, i32)> =
        d.planned_cost_minor.iter().enumerate().map(|(i, &v)| (bands.centre(i), cy(v))).collect();
    ctx.dashed(planned.clone(), theme.text.to_rgba(), 2.5)?;
    ctx.line(filled.clone(), theme.text.to_rgba(), 3.5)?;
    ctx.text(
        "Loaded cost a month",
        (bottom.x0 - gutter, bottom.y0 - ctx.px(14.0)),
        &ctx.bold(SMALL, theme.muted),
        HPos::Left,
        VPos::Bottom,
    )?;
    if let (Some(&(x, yy)), Some(&value)) = (planned.last(), d.planned_cost_minor.last()) {
        halo_text(
            ctx,
            &compact_money(value, d.currency),
            (x, yy - ctx.px(8.0)),
            &ctx.bold(LABEL, theme.text),
            HPos::Right,
            VPos::Bottom,
        )?;
    }

    // "Now": the boundary between what is known and the plan, across both panels.
    if let Some(now) = d.months.iter().position(|m| *m == d.as_of) {
        let x = (bands.centre(now) + bands.width().round() as i32 / 2).min(rect.x1);
        ctx.dashed(vec![(x, top.y0), (x, bottom.y1)], theme.muted.to_rgba(), 1.5)?;
        if now + 1 < d.months.len() {
            ctx.text("plan", (x + ctx.px(6.0), top.y0), &ctx.font(SMALL, theme.muted), HPos::Left, VPos::Top)?;
        }
    }
    month_axis(ctx, bottom, bands, &d.months)
}
