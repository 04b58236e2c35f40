//! Chart 2: actual spend per month, stacked by initiative (the top N and "Other") or by category.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    Axis, Bands, Ctx, Drawn, Mark, Rect, SMALL, Words, axis_label_width, legend, month_axis, month_axis_height,
    value_axis,
};
use super::format::{compact_money, month_name};
use crate::analytics::series::{MonthlySpend, SpendGrouping};

pub(super) fn words(d: &MonthlySpend) -> Words {
    let by = match d.grouping {
        SpendGrouping::Category => "category",
        SpendGrouping::Initiative => "initiative",
    };
    let title = match d.scope.initiative {
        Some(_) => format!("{}: monthly spend by {by}", d.scope.label),
        None => format!("Monthly spend by {by}"),
    };
    let (Some(first), Some(last)) = (d.months.first(), d.months.last()) else {
        return Words {
            title,
            subtitle: String::new(),
            description: format!("Monthly actual spend of {} by {by}. There is no spend yet.", d.scope.label),
            footnote: None,
        };
    };
    let totals = d.month_totals_minor();
    let total: i64 = totals.iter().sum();
    let money = |minor| compact_money(minor, d.currency);
    let latest = totals.last().copied().unwrap_or(0);
    let subtitle = format!(
        "{} spent from {} to {}; {} in {}.",
        money(total),
        month_name(*first),
        month_name(*last),
        money(latest),
        month_name(*last)
    );
    let largest: Vec<String> = d
        .series
        .iter()
        .filter(|s| !s.is_other)
        .take(3)
        .map(|s| format!("{} {}", s.name, money(s.total_minor())))
        .collect();
    let mut description = format!(
        "Stacked columns of actual spend of {} per month from {} to {}, by {by}, in {}. Total {}. ",
        d.scope.label,
        month_name(*first),
        month_name(*last),
        d.currency,
        money(total)
    );
    if !largest.is_empty() {
        description.push_str(&format!("Largest: {}.", largest.join(", ")));
    }
    let footnote = (d.folded > 0).then(|| {
        format!(
            "Showing the {} largest initiatives by spend; {} smaller ones are combined as Other.",
            d.series.len() - 1,
            d.folded
        )
    });
    Words { title, subtitle, description: description.trim_end().to_owned(), footnote }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &MonthlySpend) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let colour = |i: usize| if d.series[i].is_other { theme.other } else { theme.series(i) };
    let entries: Vec<(String, Mark)> =
        d.series.iter().enumerate().map(|(i, s)| (s.name.clone(), Mark::Swatch(colour(i).to_rgba()))).collect();
    let rect = legend(ctx, rect, &entries)?;

    let totals = d.month_totals_minor();
    let highest = d
        .months
        .iter()
        .enumerate()
        .map(|(m, _)| d.series.iter().map(|s| s.values_minor[m].max(0)).sum::<i64>())
        .max()
        .unwrap_or(0);
    let axis = Axis::covering(0.0, highest as f64 * 1.08, 6);
    let label = |v: f64| compact_money(v.round() as i64, d.currency);
    let plot = Rect {
        x0: rect.x0 + axis_label_width(ctx, &axis, &label)?,
        y0: rect.y0 + ctx.px(8.0),
        x1: rect.x1,
        y1: rect.y1 - month_axis_height(ctx),
    };
    value_axis(ctx, plot, &axis, &label)?;
    let bands = Bands { count: d.months.len(), x0: plot.x0, x1: plot.x1 };
    let y = |minor: i64| axis.map(minor as f64, plot.y1, plot.y0);
    let gap = ctx.px(1.0).max(1);
    for m in 0..d.months.len() {
        let (x0, x1) = bands.bar(m, 0.72);
        let mut base = 0i64;
        for (i, s) in d.series.iter().enumerate() {
            let value = s.values_minor[m].max(0);
            if value == 0 {
                continue;
            }
            let (bottom, top) = (y(base), y(base + value));
            // A hairline of background between segments keeps neighbours apart.
            let top_edge = if bottom - top > 2 * gap { top + gap } else { top };
            ctx.fill(Rect { x0, y0: top_edge, x1, y1: bottom }, colour(i).to_rgba())?;
            base += value;
        }
    }
    // Column totals where they fit above the columns.
    let style = ctx.font(SMALL, theme.muted);
    let widest =
        totals.iter().map(|&t| ctx.width(&compact_money(t, d.currency), &style)).collect::<Result<Vec<_>, _>>()?;
    if widest.iter().all(|&w| f64::from(w + ctx.px(4.0)) <= bands.width()) {
        for (m, &total) in totals.iter().enumerate() {
            let top = y(d.series.iter().map(|s| s.values_minor[m].max(0)).sum());
            ctx.text(
                &compact_money(total, d.currency),
                (bands.centre(m), top - ctx.px(4.0)),
                &style,
                HPos::Center,
                VPos::Bottom,
            )?;
        }
    }
    month_axis(ctx, plot, bands, &d.months)
}
