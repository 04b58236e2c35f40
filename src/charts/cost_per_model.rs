//! Chart 7: the fully loaded cost of each model over the last twelve months — horizontal bars,
//! most expensive first, split by part (infrastructure, people, vendors, shared and idle), the
//! planning core's figures.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{Axis, Ctx, Drawn, LABEL, Mark, Rect, Words, legend};
use super::format::{compact_money, month_name};
use crate::analytics::series::CostPerModel;
use crate::plan::model_cost::CostPart;

pub(super) fn words(d: &CostPerModel) -> Words {
    let title = match d.scope.initiative {
        Some(_) => format!("{}: cost per model", d.scope.label),
        None => "Cost per model".to_owned(),
    };
    let money = |minor| compact_money(minor, d.currency);
    let window = match (d.first, d.last) {
        (Some(first), Some(last)) => format!("{} to {}", month_name(first), month_name(last)),
        _ => "the last 12 months".to_owned(),
    };
    let named = d.models.iter().filter(|m| !m.is_other).count();
    let subtitle = match d.models.first() {
        Some(top) if !top.is_other => {
            format!("Fully loaded cost, {window}; {} costs the most at {}.", top.name, money(top.total_minor()))
        }
        _ => format!("Fully loaded cost, {window}."),
    };
    let list: Vec<String> = d.models.iter().take(5).map(|m| format!("{} {}", m.name, money(m.total_minor()))).collect();
    let description = format!(
        "Horizontal bars of the fully loaded cost (infrastructure, people, vendors, shared and idle) of {named} \
         models of {} from {window}, in {}, most expensive first: {}.",
        d.scope.label,
        d.currency,
        list.join(", ")
    );
    let mut note = "Spend naming a model is its own; people follow allocations, vendors contract links, and shared \
                    and idle infrastructure each model's share of it (`cost models` states each rule)."
        .to_owned();
    if d.folded > 0 {
        note.push_str(&format!(" The {} least expensive models are combined as Other.", d.folded));
    }
    if d.unattributed_minor != 0 {
        note.push_str(&format!(
            " {} of spend is unattributed: no rule places it on a model.",
            money(d.unattributed_minor)
        ));
    }
    Words { title, subtitle, description, footnote: Some(note) }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &CostPerModel) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let used: Vec<usize> =
        (0..CostPart::ALL.len()).filter(|&c| d.models.iter().any(|m| m.by_part_minor[c] != 0)).collect();
    let entries: Vec<(String, Mark)> =
        used.iter().map(|&c| (CostPart::ALL[c].label().to_owned(), Mark::Swatch(theme.series(c).to_rgba()))).collect();
    let rect = legend(ctx, rect, &entries)?;

    let label_style = ctx.font(LABEL, theme.text);
    let mut widest = 0;
    for m in &d.models {
        widest = widest.max(ctx.width(&m.name, &label_style)?);
    }
    let name_width = (widest + ctx.px(16.0)).min(rect.width() * 28 / 100);
    let value_room = ctx.px(90.0);
    let axis_room = ctx.px(LABEL * 1.6);
    let plot = Rect { x0: rect.x0 + name_width, y0: rect.y0, x1: rect.x1 - value_room, y1: rect.y1 - axis_room };
    // "Other" sums many models, so it sets no scale: it is a line of text, not a bar.
    let highest = d
        .models
        .iter()
        .filter(|m| !m.is_other)
        .map(|m| m.by_part_minor.iter().map(|v| v.max(&0)).sum::<i64>())
        .max()
        .unwrap_or(0);
    let axis = Axis::covering(0.0, highest as f64, 5);
    let x = |minor: i64| axis.map(minor as f64, plot.x0, plot.x1);
    let tick_style = ctx.font(LABEL, theme.muted);
    for &tick in &axis.ticks {
        let tx = axis.map(tick, plot.x0, plot.x1);
        let colour = if tick == 0.0 { theme.axis } else { theme.grid };
        ctx.line(vec![(tx, plot.y0), (tx, plot.y1)], colour.to_rgba(), 1.0)?;
        ctx.text(
            &compact_money(tick.round() as i64, d.currency),
            (tx, plot.y1 + ctx.px(8.0)),
            &tick_style,
            HPos::Center,
            VPos::Top,
        )?;
    }
    let row_h = (f64::from(plot.height()) / d.models.len().max(1) as f64).min(f64::from(ctx.px(56.0)));
    for (r, model) in d.models.iter().enumerate() {
        let y0 = plot.y0 + (r as f64 * row_h).round() as i32;
        let y1 = plot.y0 + ((r + 1) as f64 * row_h).round() as i32;
        let (bar0, bar1) = (y0 + (row_h * 0.18) as i32, y1 - (row_h * 0.18) as i32);
        let mid = (y0 + y1) / 2;
        if model.is_other {
            let text = format!("{}: {} together", model.name, compact_money(model.total_minor(), d.currency));
            ctx.text(&text, (plot.x0 + ctx.px(4.0), mid), &ctx.font(LABEL, theme.muted), HPos::Left, VPos::Center)?;
            continue;
        }
        let name = ctx.fit(&model.name, &label_style, name_width - ctx.px(16.0))?;
        ctx.text(&name, (plot.x0 - ctx.px(10.0), mid), &label_style, HPos::Right, VPos::Center)?;
        let mut base = 0i64;
        for &c in &used {
            let value = model.by_part_minor[c].max(0);
            if value == 0 {
                continue;
            }
            let colour = theme.series(c).to_rgba();
            ctx.fill(Rect { x0: x(base), y0: bar0, x1: x(base + value).max(x(base) + 1), y1: bar1 }, colour)?;
            base += value;
        }
        ctx.text(
            &compact_money(model.total_minor(), d.currency),
            (x(base) + ctx.px(8.0), mid),
            &ctx.bold(LABEL, theme.text),
            HPos::Left,
            VPos::Center,
        )?;
    }
    Ok(())
}
