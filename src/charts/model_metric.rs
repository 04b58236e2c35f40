//! Chart 9: one bound metric of one model over a window — the mean of each hour (or day) with its
//! min–max range, the threshold as a labelled line with its bad side shaded, and the latest value.
//!
//! What the chart must not do: bridge missing buckets (a break in the line is a bucket with no
//! value), or let an infinity stretch the scale (rollups hold finite values only; infinite points
//! are marked at the plot's edge and counted in the footnote). Whether the latest value is on the
//! bad side is the readout's `state` ([`crate::sync::readout`]), never judged again here.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    Axis, Ctx, Drawn, LABEL, Mark, Rect, Words, axis_label_width, halo_text, legend, month_axis_height, time_axis,
    value_axis,
};
use super::format::{count, ellipsize, number_with_unit, with_unit};
use crate::analytics::series::MetricTrend;
use crate::domain::{BadWhen, MetricRollup, RollupGrain, Threshold};
use crate::sync::readout::{MetricState, age_text};

/// `threshold ≤ 200 ms`: the side that is good, as the UI writes it.
pub(super) fn threshold_text(threshold: &Threshold, unit: &str) -> String {
    let side = match threshold.bad_when {
        BadWhen::Above => "≤",
        BadWhen::Below => "≥",
    };
    format!("threshold {side} {}", with_unit(threshold.value, unit))
}

fn grain_words(grain: RollupGrain) -> (&'static str, &'static str, &'static str) {
    match grain {
        RollupGrain::Hour => ("Hourly", "hour", "hours"),
        RollupGrain::Day => ("Daily", "day", "days"),
    }
}

fn utc(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).map_or_else(|| ts.to_string(), |t| t.format("%-d %b %Y %H:%M").to_string())
}

/// "Now 212 ms, breaching its threshold ≤ 200 ms · data 4 min old".
fn headline(d: &MetricTrend) -> String {
    let r = &d.readout;
    let Some(latest) = r.latest else { return "Nothing synced yet.".to_owned() };
    let now = format!("Now {}", with_unit(latest.value.0, &r.unit));
    let judged = match (r.state, &r.threshold) {
        (MetricState::Bad, Some(t)) => format!("{now}, breaching its {}", threshold_text(t, &r.unit)),
        (MetricState::Ok, Some(t)) => format!("{now}, within its {}", threshold_text(t, &r.unit)),
        _ => format!("{now}; no threshold set"),
    };
    let stale = if r.stale { ", stale" } else { "" };
    match r.age_seconds {
        Some(age) => format!("{judged} · data {} old{stale}", age_text(age)),
        None => judged,
    }
}

fn infinity_words(d: &MetricTrend) -> Option<String> {
    let positive: i64 = d.infinities.iter().map(|i| i.positive).sum();
    let negative: i64 = d.infinities.iter().map(|i| i.negative).sum();
    let part = |n: i64, sign: &str| match n {
        0 => None,
        1 => Some(format!("1 point was {sign}Inf")),
        n => Some(format!("{} points were {sign}Inf", count(n as usize))),
    };
    let parts: Vec<String> = [part(positive, "+"), part(negative, "-")].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

pub(super) fn words(d: &MetricTrend) -> Words {
    let r = &d.readout;
    let (grain, one, many) = grain_words(d.grain);
    let title = format!("{}: {}", d.model, r.key);
    let unit = if r.unit.trim().is_empty() { String::new() } else { format!(" ({})", r.unit.trim()) };
    let against =
        r.threshold.as_ref().map_or_else(String::new, |t| format!(", against its {}", threshold_text(t, &r.unit)));
    let mut description = format!(
        "{grain} mean of {}{unit} for the model {} from {} to {} UTC, with each {one}'s minimum and maximum{against}. ",
        r.key,
        d.model,
        utc(d.since),
        utc(d.now)
    );
    if let Some(latest) = r.latest {
        let side = match r.state {
            MetricState::Bad => ", on the bad side of the threshold",
            MetricState::Ok => ", within the threshold",
            _ => "",
        };
        let age = r.age_seconds.map_or_else(String::new, |a| format!(", {} old", age_text(a)));
        let stale = if r.stale { " (stale)" } else { "" };
        description
            .push_str(&format!("The latest value is {}{age}{stale}{side}. ", with_unit(latest.value.0, &r.unit)));
    }
    if let Some(t) = &r.threshold {
        let bad = r.rollups.iter().filter_map(MetricRollup::mean).filter(|m| t.is_bad(*m)).count();
        description.push_str(&format!("{bad} of {} {many} with data had a mean on the bad side. ", r.rollups.len()));
    }
    let missing = d.missing_buckets();
    if missing > 0 && !d.is_empty() {
        description
            .push_str(&format!("{missing} {} of the window have no data. ", if missing == 1 { one } else { many }));
    }
    let infinities = infinity_words(d);
    if let Some(words) = &infinities {
        description.push_str(&format!("{words}; they are left out of the means. "));
    }
    // What is particular to this chart comes first: the frame keeps two lines of footnote.
    let mut notes = Vec::new();
    if let Some(words) = infinities {
        notes.push(format!("{words}: marked at the plot's edge, left out of the means."));
    }
    if let (Some(run), Some(error)) = (&r.last_sync, &r.sync_error) {
        notes.push(format!("The last sync of {} failed: {}.", run.connection, ellipsize(error, 90)));
    }
    notes.push(format!(
        "{grain} mean and min–max of finite values (UTC); a break in the line is a{} {one} with no value.",
        if d.grain == RollupGrain::Hour { "n" } else { "" }
    ));
    let footnote = notes.join(" ");
    Words { title, subtitle: headline(d), description: description.trim_end().to_owned(), footnote: Some(footnote) }
}

/// What to do when the window has nothing to draw.
pub(super) fn empty_hint(d: &MetricTrend) -> String {
    let r = &d.readout;
    if let (Some(run), Some(error)) = (&r.last_sync, &r.sync_error) {
        return format!(
            "the last sync of `{}` failed: {}. `connection test {}` says what is wrong.",
            run.connection,
            ellipsize(error, 120),
            run.connection
        );
    }
    match r.age_seconds {
        Some(age) => format!(
            "no values in this window; the latest is {} old. Widen the window (--since 30d) or sync again.",
            age_text(age)
        ),
        None => format!(
            "nothing has been synced for {} yet; run `mlops-portfolio sync` or wait for the background sync.",
            r.key
        ),
    }
}

/// Runs of rollups in consecutive buckets: each is drawn as one line, and a missing bucket
/// between two runs stays a gap.
fn runs(rollups: &[MetricRollup], step: i64) -> Vec<&[MetricRollup]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=rollups.len() {
        if i == rollups.len() || rollups[i].bucket - rollups[i - 1].bucket != step {
            out.push(&rollups[start..i]);
            start = i;
        }
    }
    out.retain(|run| !run.is_empty());
    out
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &MetricTrend) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let r = &d.readout;
    let (grain, one, _) = grain_words(d.grain);
    let band = theme.accent.mix(theme.band_opacity);
    let bad_shade = theme.warning.mix(theme.band_opacity * 0.5);
    let mut entries = vec![
        (format!("{grain} mean"), Mark::Line(theme.accent.to_rgba())),
        (format!("Min–max per {one}"), Mark::Swatch(band)),
    ];
    // The threshold's value is written on its line; the legend only names the marks.
    if r.threshold.is_some() {
        entries.push(("Threshold".to_owned(), Mark::Dashed(theme.warning.to_rgba())));
        entries.push(("Bad side".to_owned(), Mark::Swatch(bad_shade)));
    }
    if !d.infinities.is_empty() {
        entries.push(("Infinite value (off the scale)".to_owned(), Mark::Diamond(theme.warning.to_rgba())));
    }
    let rect = legend(ctx, rect, &entries)?;

    let finite_latest = r.latest.map(|l| l.value.0).filter(|v| v.is_finite());
    let values = r.rollups.iter().flat_map(|x| [x.min, x.max]).chain(r.threshold.map(|t| t.value)).chain(finite_latest);
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let pad = ((high - low) * 0.08).max(high.abs() * 0.01);
    let axis = Axis::covering(low - pad, high + pad, 6);
    let decimals = axis.decimals();
    let label = |v: f64| number_with_unit(&format!("{v:.decimals$}"), &r.unit);
    let plot = Rect {
        x0: rect.x0 + axis_label_width(ctx, &axis, &label)?,
        y0: rect.y0 + ctx.px(8.0),
        x1: rect.x1 - ctx.px(12.0),
        y1: rect.y1 - month_axis_height(ctx),
    };
    let y = |v: f64| axis.map(v, plot.y1, plot.y0).clamp(plot.y0, plot.y1);
    let span = (d.now - d.since).max(1) as f64;
    let x = |ts: i64| {
        let t = ((ts - d.since) as f64 / span).clamp(0.0, 1.0);
        (f64::from(plot.x0) + t * f64::from(plot.width())).round() as i32
    };
    let step = d.grain.seconds();
    let centre = |bucket: i64| x(bucket + step / 2);

    // The bad side of the threshold first, under the grid lines.
    if let Some(t) = &r.threshold {
        let at = y(t.value);
        let shaded = match t.bad_when {
            BadWhen::Above => Rect { x0: plot.x0, y0: plot.y0, x1: plot.x1, y1: at },
            BadWhen::Below => Rect { x0: plot.x0, y0: at, x1: plot.x1, y1: plot.y1 },
        };
        ctx.fill(shaded, bad_shade)?;
    }
    value_axis(ctx, plot, &axis, &label)?;

    for run in runs(&r.rollups, step) {
        if let [only] = run {
            // One bucket alone: its range as a bar and its mean as a dot.
            let at = centre(only.bucket);
            let half = ctx.px(4.0);
            ctx.fill(Rect { x0: at - half, y0: y(only.max), x1: at + half, y1: y(only.min) + 1 }, band)?;
            ctx.dot((at, y(only.sum / only.count.max(1) as f64)), 3.5, theme.accent.to_rgba())?;
            continue;
        }
        let mut outline: Vec<(i32, i32)> = run.iter().map(|b| (centre(b.bucket), y(b.max))).collect();
        outline.extend(run.iter().rev().map(|b| (centre(b.bucket), y(b.min))));
        ctx.polygon(outline, band)?;
        let means = run.iter().filter_map(|b| b.mean().map(|m| (centre(b.bucket), y(m)))).collect();
        ctx.line(means, theme.accent.to_rgba(), 2.5)?;
    }

    if let Some(t) = &r.threshold {
        let at = y(t.value);
        ctx.dashed(vec![(plot.x0, at), (plot.x1, at)], theme.warning.to_rgba(), 2.0)?;
        let (v, gap) = match t.bad_when {
            BadWhen::Above => (VPos::Top, ctx.px(6.0)),
            BadWhen::Below => (VPos::Bottom, -ctx.px(6.0)),
        };
        let text = threshold_text(t, &r.unit);
        halo_text(ctx, &text, (plot.x0 + ctx.px(8.0), at + gap), &ctx.bold(LABEL, theme.warning), HPos::Left, v)?;
    }

    for inf in &d.infinities {
        let at = centre(inf.bucket);
        if inf.positive > 0 {
            ctx.diamond((at, plot.y0 + ctx.px(7.0)), 6.0, theme.warning.to_rgba())?;
        }
        if inf.negative > 0 {
            ctx.diamond((at, plot.y1 - ctx.px(7.0)), 6.0, theme.warning.to_rgba())?;
        }
    }

    if let Some(latest) = r.latest.filter(|l| l.ts >= d.since && l.ts <= d.now) {
        let value = latest.value.0;
        let at = match value {
            v if v == f64::INFINITY => (x(latest.ts), plot.y0 + ctx.px(7.0)),
            v if v == f64::NEG_INFINITY => (x(latest.ts), plot.y1 - ctx.px(7.0)),
            v => (x(latest.ts), y(v)),
        };
        let color = if r.state == MetricState::Bad { theme.warning } else { theme.accent };
        ctx.dot(at, 6.0, color.to_rgba())?;
        let below = at.1 < plot.y0 + ctx.px(40.0);
        let (v, dy) = if below { (VPos::Top, ctx.px(12.0)) } else { (VPos::Bottom, -ctx.px(12.0)) };
        halo_text(
            ctx,
            &with_unit(value, &r.unit),
            (at.0 - ctx.px(10.0), at.1 + dy),
            &ctx.bold(LABEL, color),
            HPos::Right,
            v,
        )?;
    }
    time_axis(ctx, plot, (d.since, d.now), d.grain == RollupGrain::Hour, &x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(bucket: i64) -> MetricRollup {
        MetricRollup { grain: RollupGrain::Hour, bucket, count: 1, sum: 1.0, min: 1.0, max: 1.0, last: 1.0 }
    }

    #[test]
    fn a_missing_bucket_splits_the_line() {
        let rollups: Vec<MetricRollup> = [0, 3_600, 7_200, 14_400, 18_000, 28_800].into_iter().map(hour).collect();
        let lengths: Vec<usize> = runs(&rollups, 3_600).iter().map(|r| r.len()).collect();
        assert_eq!(lengths, [3, 2, 1], "gaps after 7200 and 18000");
        assert!(runs(&[], 3_600).is_empty());
    }

    #[test]
    fn the_threshold_names_its_good_side() {
        let above = Threshold { value: 200.0, bad_when: BadWhen::Above };
        let below = Threshold { value: 0.9, bad_when: BadWhen::Below };
        assert_eq!(threshold_text(&above, "ms"), "threshold ≤ 200 ms");
        assert_eq!(threshold_text(&below, "ratio"), "threshold ≥ 0.9");
    }
}
