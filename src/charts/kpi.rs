//! Chart 5: one KPI's values over the last twelve months against its target band, at its cadence
//! (typed, imported, synced or computed: the planning core's values); values off target are
//! marked in the warning colour.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    Axis, Ctx, Drawn, LABEL, Mark, Rect, Words, axis_label_width, date_axis, halo_text, legend, month_axis_height,
    value_axis,
};
use super::format::{capitalise, number_with_unit, with_unit};
use crate::analytics::series::KpiTrend;
use crate::domain::{KpiDirection, Month};

fn target_text(d: &KpiTrend) -> String {
    super::format::target_words(d.target_low, d.target_high, &d.unit)
}

pub(super) fn words(d: &KpiTrend) -> Words {
    let title = d.name.clone();
    let direction = match d.direction {
        KpiDirection::HigherIsBetter => "higher is better",
        KpiDirection::LowerIsBetter => "lower is better",
    };
    let on_target = d.points.iter().filter(|p| d.on_target(p.value)).count();
    let subtitle = match d.points.last() {
        Some(last) => format!(
            "{} on {} ({}): {}; {} of {} values on target ({direction}).",
            with_unit(last.value, &d.unit),
            last.day.format("%-d %b %Y"),
            target_text(d),
            d.status.as_str().replace('_', " "),
            on_target,
            d.points.len()
        ),
        None => format!("{} ({direction}).", capitalise(&target_text(d))),
    };
    let mut description = format!(
        "{} values of the KPI {} from {} to {}, against its {}. ",
        capitalise(d.cadence.as_str()),
        d.name,
        d.first_day.format("%-d %B %Y"),
        d.last_day.format("%-d %B %Y"),
        target_text(d)
    );
    if let Some(last) = d.points.last() {
        description.push_str(&format!(
            "The latest value is {}; {} of {} values met the target.",
            with_unit(last.value, &d.unit),
            on_target,
            d.points.len()
        ));
    }
    let footnote = d.source.as_ref().map(|s| format!("Source: {s}; measured {}.", d.cadence));
    Words { title, subtitle, description: description.trim_end().to_owned(), footnote }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &KpiTrend) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let entries = vec![
        (capitalise(&format!("{} value", d.cadence)), Mark::Line(theme.accent.to_rgba())),
        (capitalise(&target_text(d)), Mark::Swatch(theme.good.mix(theme.band_opacity * 1.5))),
        ("Off target".to_owned(), Mark::Diamond(theme.warning.to_rgba())),
    ];
    let rect = legend(ctx, rect, &entries)?;

    let values = d.points.iter().map(|p| p.value).chain(d.target_low).chain(d.target_high);
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((high - low) * 0.08).max(high.abs() * 0.01);
    let axis = Axis::covering(low - pad, high + pad, 6);
    let decimals = axis.decimals();
    let label = |v: f64| number_with_unit(&format!("{v:.decimals$}"), &d.unit);
    let plot = Rect {
        x0: rect.x0 + axis_label_width(ctx, &axis, &label)?,
        y0: rect.y0 + ctx.px(8.0),
        x1: rect.x1,
        y1: rect.y1 - month_axis_height(ctx),
    };
    let y = |v: f64| axis.map(v, plot.y1, plot.y0);
    // The target band first, under the grid lines.
    let band_top = d.target_high.map_or(plot.y0, y).clamp(plot.y0, plot.y1);
    let band_bottom = d.target_low.map_or(plot.y1, y).clamp(plot.y0, plot.y1);
    ctx.fill(Rect { x0: plot.x0, y0: band_top, x1: plot.x1, y1: band_bottom }, theme.good.mix(theme.band_opacity))?;
    value_axis(ctx, plot, &axis, &label)?;
    for bound in [d.target_low, d.target_high].into_iter().flatten() {
        ctx.dashed(vec![(plot.x0, y(bound)), (plot.x1, y(bound))], theme.good.to_rgba(), 2.0)?;
    }

    let first_month = Month::of(d.first_day);
    let months: Vec<Month> =
        (0..=first_month.months_until(Month::of(d.last_day))).map(|k| first_month.plus(k)).collect();
    let span_days = (d.last_day - d.first_day).num_days().max(1) as f64;
    let x = |day: chrono::NaiveDate| {
        let t = (day - d.first_day).num_days() as f64 / span_days;
        (f64::from(plot.x0) + t * f64::from(plot.width())).round() as i32
    };
    // A gap of more than twice the cadence breaks the line instead of drawing a confident bridge.
    let gap = 2 * crate::plan::kpi::stale_after_days(d.cadence).max(7);
    let mut segment: Vec<(i32, i32)> = Vec::new();
    let mut previous: Option<chrono::NaiveDate> = None;
    for point in &d.points {
        if previous.is_some_and(|p| (point.day - p).num_days() > gap) {
            ctx.line(std::mem::take(&mut segment), theme.accent.to_rgba(), 3.0)?;
        }
        segment.push((x(point.day), y(point.value)));
        previous = Some(point.day);
    }
    ctx.line(segment, theme.accent.to_rgba(), 3.0)?;
    let sparse = d.points.len() <= 60;
    for point in d.points.iter().filter(|p| !d.on_target(p.value)) {
        let at = (x(point.day), y(point.value));
        if sparse {
            ctx.diamond(at, 7.0, theme.warning.to_rgba())?;
        } else {
            ctx.dot(at, 3.0, theme.warning.to_rgba())?;
        }
    }
    if let Some(last) = d.points.last() {
        let at = (x(last.day), y(last.value));
        ctx.dot(at, 6.0, theme.accent.to_rgba())?;
        let color = if d.on_target(last.value) { theme.accent } else { theme.warning };
        halo_text(
            ctx,
            &with_unit(last.value, &d.unit),
            (at.0 - ctx.px(10.0), at.1 - ctx.px(12.0)),
            &ctx.bold(LABEL, color),
            HPos::Right,
            VPos::Bottom,
        )?;
    }
    date_axis(ctx, plot, &months, &x, false)
}
