//! Chart 10: the baseline beside one to four what-if scenarios over one period, in three views:
//! `spend` (cumulative spend against budget, one line per column), `team` (people cost and
//! headcount per month) and `changes` (a waterfall from the baseline's landing to the first
//! scenario's, one bar per change). Every figure is the planning core's, the same as
//! `scenario compare` and `scenario show --explain` print.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    Axis, Bands, Ctx, Drawn, LABEL, Mark, Rect, SMALL, Words, axis_label_width, end_labels, halo_text, legend,
    month_axis, month_axis_height, value_axis,
};
use super::format::{compact_money, compact_number, month_name};
use super::theme::Theme;
use crate::analytics::series::{ScenarioChartView, ScenarioComparison, ScenarioLine};
use crate::domain::{Currency, Month};

pub(super) fn words(d: &ScenarioComparison) -> Words {
    let money = |minor| compact_money(minor, d.currency);
    let period = &d.period;
    let names = d.lines.iter().skip(1).map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ");
    match d.view {
        ScenarioChartView::Spend => {
            let base = &d.lines[0].figures;
            let mut headline = format!("Baseline lands at {}", money(base.landing_minor));
            if base.budget_set {
                headline.push_str(&format!(" against a {} budget", money(base.budget_minor)));
            } else {
                headline.push_str(&format!(" (no budget set for {period})"));
            }
            if let Some(run_out) = base.run_out {
                headline.push_str(&format!(", runs out in {}", month_name(run_out)));
            }
            let differences = differences(d, |line| {
                let f = &line.figures;
                let mut parts = Vec::new();
                if f.landing_minor != base.landing_minor {
                    parts.push(format!(
                        "{} ({})",
                        money(f.landing_minor),
                        signed_money(f.landing_minor - base.landing_minor, d.currency)
                    ));
                }
                if f.budget_minor != base.budget_minor {
                    parts.push(format!("budget {}", signed_money(f.budget_minor - base.budget_minor, d.currency)));
                }
                if f.run_out != base.run_out {
                    parts.push(match f.run_out {
                        Some(month) => format!("runs out in {}", month_name(month)),
                        None => "stays within budget".to_owned(),
                    });
                }
                parts.join(", ")
            });
            let subtitle = format!("{headline}; {differences}.");
            Words {
                title: format!("Scenarios: cumulative spend vs budget, {period}"),
                description: format!(
                    "Cumulative spend of the portfolio by month, {period}, in {}, for the baseline and {names}: \
                     recorded spend through {}, then each one's forecast with its changes. {subtitle}",
                    d.currency,
                    month_name(d.as_of),
                ),
                subtitle,
                footnote: Some(format!(
                    "Recorded spend through {}, then the forecast; changes start after it. People cost included.",
                    month_name(d.as_of)
                )),
            }
        }
        ScenarioChartView::Team => {
            let base = &d.lines[0];
            let monthly = |line: &ScenarioLine| line.months.last().map_or(0, |m| m.people_cost_minor);
            let headline = format!(
                "Baseline ends {period} with {} people, {} a month",
                base.figures.headcount_end,
                money(monthly(base))
            );
            let differences = differences(d, |line| {
                let f = &line.figures;
                let mut parts = Vec::new();
                if f.headcount_end != base.figures.headcount_end {
                    parts.push(format!(
                        "{} people ({:+})",
                        f.headcount_end,
                        f.headcount_end - base.figures.headcount_end
                    ));
                }
                if f.people_cost_minor != base.figures.people_cost_minor {
                    parts.push(format!(
                        "{} people cost",
                        signed_money(f.people_cost_minor - base.figures.people_cost_minor, d.currency)
                    ));
                }
                parts.join(", ")
            });
            let subtitle = format!("{headline}; {differences}.");
            Words {
                title: format!("Scenarios: people cost and headcount, {period}"),
                description: format!(
                    "People cost a month and headcount by month, {period}, in {}, for the baseline and {names}. {subtitle}",
                    d.currency,
                ),
                subtitle,
                footnote: Some(
                    "Headcount counts people on the team, open requisitions and planned hires once they start \
                     (people, not FTE); people cost is recorded through the as-of month, then the team plan."
                        .to_owned(),
                ),
            }
        }
        ScenarioChartView::Changes => {
            let focus = d.focus().map_or("the scenario", |l| l.name.as_str());
            let base = d.lines.first().map_or(0, |l| l.figures.landing_minor);
            let end = d.focus().map_or(base, |l| l.figures.landing_minor);
            let adds: i64 = d.steps.iter().map(|s| s.landing_delta_minor).filter(|v| *v > 0).sum();
            let saves: i64 = d.steps.iter().map(|s| s.landing_delta_minor).filter(|v| *v < 0).sum();
            let mut moves = Vec::new();
            if adds > 0 {
                moves.push(format!("changes add {}", money(adds)));
            }
            if saves < 0 {
                moves.push(format!("save {}", money(-saves)));
            }
            let subtitle = format!(
                "From the baseline's {} landing to {} ({}){}.",
                money(base),
                money(end),
                signed_money(end - base, d.currency),
                if moves.is_empty() { String::new() } else { format!(": {}", moves.join(" and ")) }
            );
            let steps = d
                .steps
                .iter()
                .map(|s| {
                    format!("change {} ({}) {}", s.position, s.words, signed_money(s.landing_delta_minor, d.currency))
                })
                .collect::<Vec<_>>()
                .join("; ");
            let mut footnote =
                "Each change is applied after the ones before it, so the bars add up to the difference.".to_owned();
            if waterfall_floor(d) > 0 {
                footnote.push_str(" The axis does not start at zero.");
            }
            Words {
                title: format!("{focus}, change by change, {period}"),
                subtitle: subtitle.clone(),
                description: format!(
                    "A waterfall of the landing of {focus} for {period}, in {}. {subtitle} Changes applied in order: \
                     {steps}.",
                    d.currency
                ),
                footnote: Some(footnote),
            }
        }
    }
}

/// Each scenario's difference from the baseline in words (`what` says it, empty when there is
/// none); the scenarios that change nothing in the period are named together.
fn differences(d: &ScenarioComparison, what: impl Fn(&ScenarioLine) -> String) -> String {
    let mut parts = Vec::new();
    let mut unchanged = Vec::new();
    for line in d.lines.iter().skip(1) {
        match what(line) {
            text if text.is_empty() => unchanged.push(line.name.as_str()),
            text => parts.push(format!("{}: {text}", line.name)),
        }
    }
    match unchanged.as_slice() {
        [] => {}
        [one] => parts.push(format!("{one} changes nothing in {}", d.period)),
        many if many.len() == d.lines.len() - 1 => parts.push(format!("the scenarios change nothing in {}", d.period)),
        many => parts.push(format!("{} change nothing in {}", many.join(" and "), d.period)),
    }
    parts.join("; ")
}

/// "Baseline" for the baseline column, the scenario's name otherwise.
fn display_name(name: &str) -> String {
    if name == "baseline" { "Baseline".to_owned() } else { name.to_owned() }
}

/// `+$360K`, `−$300K` (a true minus sign), or `no change`.
fn signed_money(minor: i64, currency: Currency) -> String {
    crate::domain::words::signed_compact_money(minor, currency).unwrap_or_else(|| "no change".to_owned())
}

/// The colour of column `k`: the baseline in the accent, scenarios in the palette's next colours.
fn column_color(theme: &Theme, k: usize) -> RGBColor {
    if k == 0 {
        return theme.accent;
    }
    let others: Vec<RGBColor> = theme.palette.iter().copied().filter(|c| *c != theme.accent).collect();
    others[(k - 1) % others.len()]
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &ScenarioComparison) -> Drawn<(), DB> {
    match d.view {
        ScenarioChartView::Spend => draw_spend(ctx, rect, d),
        ScenarioChartView::Team => draw_team(ctx, rect, d),
        ScenarioChartView::Changes => draw_changes(ctx, rect, d),
    }
}

/// Room right of the spend plot for the labels at the lines' ends.
const END_ROOM: f64 = 190.0;

fn running_total(values: impl Iterator<Item = i64>) -> Vec<i64> {
    values
        .scan(0i64, |sum, v| {
            *sum += v;
            Some(*sum)
        })
        .collect()
}

/// The dashed "now" line between what is recorded and what is planned.
fn now_marker<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    bands: Bands,
    months: &[Month],
    as_of: Month,
    top: i32,
    bottom: i32,
) -> Drawn<(), DB> {
    let Some(now) = months.iter().position(|m| *m == as_of) else { return Ok(()) };
    if now + 1 >= months.len() {
        return Ok(());
    }
    let x = bands.centre(now) + bands.width().round() as i32 / 2;
    ctx.dashed(vec![(x, top), (x, bottom)], ctx.theme.muted.to_rgba(), 1.5)?;
    ctx.text("plan", (x + ctx.px(6.0), top), &ctx.font(SMALL, ctx.theme.muted), HPos::Left, VPos::Top)
}

fn draw_spend<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &ScenarioComparison) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let months = d.months();
    let base_budget: Vec<i64> = running_total(d.lines[0].months.iter().map(|m| m.budget_minor));
    // A scenario that changes the budget gets its own budget line.
    let budgets: Vec<(usize, Vec<i64>)> = d
        .lines
        .iter()
        .enumerate()
        .filter_map(|(k, l)| {
            let cumulative = running_total(l.months.iter().map(|m| m.budget_minor));
            (k == 0 || cumulative != base_budget).then_some((k, cumulative))
        })
        .filter(|(_, c)| c.last().is_some_and(|v| *v != 0))
        .collect();
    let spends: Vec<Vec<i64>> = d.lines.iter().map(|l| running_total(l.months.iter().map(|m| m.spend_minor))).collect();

    let mut entries = Vec::new();
    for (k, line) in d.lines.iter().enumerate() {
        entries.push((display_name(&line.name), Mark::Line(column_color(theme, k).to_rgba())));
    }
    for (k, _) in &budgets {
        let color = if *k == 0 { theme.reference } else { column_color(theme, *k) };
        let label = if *k == 0 { "Budget".to_owned() } else { format!("{} budget", d.lines[*k].name) };
        entries.push((label, Mark::Dashed(color.to_rgba())));
    }
    if d.lines.iter().any(|l| l.figures.run_out.is_some()) {
        entries.push(("Budget runs out".to_owned(), Mark::Diamond(theme.warning.to_rgba())));
    }
    let rect = legend(ctx, rect, &entries)?;

    let highest = spends.iter().chain(budgets.iter().map(|(_, b)| b)).flatten().copied().max().unwrap_or(0);
    let axis = Axis::covering(0.0, highest as f64 * 1.04, 6);
    let label = |v: f64| compact_money(v.round() as i64, d.currency);
    let label_width = axis_label_width(ctx, &axis, &label)?;
    let plot = Rect {
        x0: rect.x0 + label_width,
        y0: rect.y0 + ctx.px(8.0),
        x1: rect.x1 - ctx.px(END_ROOM),
        y1: rect.y1 - month_axis_height(ctx),
    };
    value_axis(ctx, plot, &axis, &label)?;
    let bands = Bands { count: months.len(), x0: plot.x0, x1: plot.x1 };
    month_axis(ctx, plot, bands, &months)?;
    let y = |minor: i64| axis.map(minor as f64, plot.y1, plot.y0);
    let points = |values: &[i64]| -> Vec<(i32, i32)> {
        values.iter().enumerate().map(|(i, &v)| (bands.centre(i), y(v))).collect()
    };
    now_marker(ctx, bands, &months, d.as_of, plot.y0, plot.y1)?;

    let mut labels = Vec::new();
    for (k, budget) in &budgets {
        let color = if *k == 0 { theme.reference } else { column_color(theme, *k) };
        ctx.dashed(points(budget), color.to_rgba(), 2.5)?;
        if let (Some(&(x, yy)), Some(&v)) = (points(budget).last(), budget.last()) {
            let amount = compact_money(v, d.currency);
            let text = if *k == 0 {
                format!("Budget {amount}")
            } else {
                let room = ctx.px(END_ROOM) - ctx.px(16.0);
                ctx.fit(&format!("{amount} {} budget", d.lines[*k].name), &ctx.bold(LABEL, color), room)?
            };
            labels.push((x, yy, text, color));
        }
    }
    // Scenarios first, the baseline last, so the baseline stays visible where they agree.
    for k in (0..d.lines.len()).rev() {
        let color = column_color(theme, k);
        let line = points(&spends[k]);
        ctx.line(line.clone(), color.to_rgba(), if k == 0 { 4.0 } else { 3.0 })?;
        if let (Some(&(x, yy)), Some(&v)) = (line.last(), spends[k].last()) {
            labels.push((x, yy, compact_money(v, d.currency), color));
        }
        if let Some(i) = d.lines[k].figures.run_out.and_then(|m| months.iter().position(|x| *x == m)) {
            ctx.diamond(line[i], 9.0, theme.warning.to_rgba())?;
        }
    }
    end_labels(ctx, labels)
}

fn draw_team<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &ScenarioComparison) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let months = d.months();
    let entries: Vec<(String, Mark)> = d
        .lines
        .iter()
        .enumerate()
        .map(|(k, l)| (display_name(&l.name), Mark::Line(column_color(theme, k).to_rgba())))
        .collect();
    let rect = legend(ctx, rect, &entries)?;

    let all = || d.lines.iter().flat_map(|l| l.months.iter());
    let cost_axis = Axis::covering(0.0, all().map(|m| m.people_cost_minor).max().unwrap_or(0) as f64 * 1.1, 4);
    let people_axis = Axis::covering(0.0, all().map(|m| m.headcount).max().unwrap_or(0) as f64 * 1.1, 4);
    let cost_label = |v: f64| compact_money(v.round() as i64, d.currency);
    let people_label = |v: f64| compact_number(v);
    let gutter =
        axis_label_width(ctx, &cost_axis, &cost_label)?.max(axis_label_width(ctx, &people_axis, &people_label)?);
    let x0 = rect.x0 + gutter;
    let x1 = rect.x1 - ctx.px(120.0);
    let heading = ctx.px(26.0);
    let panel_gap = ctx.px(64.0);
    let usable = rect.height() - month_axis_height(ctx) - panel_gap - heading;
    let top = Rect { x0, y0: rect.y0 + heading, x1, y1: rect.y0 + heading + usable * 55 / 100 };
    let bottom = Rect { x0, y0: top.y1 + panel_gap, x1, y1: rect.y1 - month_axis_height(ctx) };
    let bands = Bands { count: months.len(), x0, x1 };

    let heading_style = ctx.bold(SMALL, theme.muted);
    value_axis(ctx, top, &cost_axis, &cost_label)?;
    ctx.text("People cost a month", (rect.x0, top.y0 - ctx.px(14.0)), &heading_style, HPos::Left, VPos::Bottom)?;
    value_axis(ctx, bottom, &people_axis, &people_label)?;
    ctx.text("Headcount", (rect.x0, bottom.y0 - ctx.px(14.0)), &heading_style, HPos::Left, VPos::Bottom)?;
    now_marker(ctx, bands, &months, d.as_of, top.y0, bottom.y1)?;

    let (mut cost_labels, mut people_labels) = (Vec::new(), Vec::new());
    for k in (0..d.lines.len()).rev() {
        let line: &ScenarioLine = &d.lines[k];
        let color = column_color(theme, k);
        let width = if k == 0 { 4.0 } else { 3.0 };
        let cost: Vec<(i32, i32)> = line
            .months
            .iter()
            .enumerate()
            .map(|(i, m)| (bands.centre(i), cost_axis.map(m.people_cost_minor as f64, top.y1, top.y0)))
            .collect();
        ctx.line(cost.clone(), color.to_rgba(), width)?;
        // Headcount changes in steps: a person counts for whole months.
        let mut steps: Vec<(i32, i32)> = Vec::new();
        for (i, m) in line.months.iter().enumerate() {
            let (bx0, bx1) = bands.bar(i, 1.0);
            let yy = people_axis.map(m.headcount as f64, bottom.y1, bottom.y0);
            steps.push((bx0, yy));
            steps.push((bx1, yy));
        }
        ctx.line(steps.clone(), color.to_rgba(), width)?;
        if let (Some(&(x, yy)), Some(m)) = (cost.last(), line.months.last()) {
            cost_labels.push((x, yy, compact_money(m.people_cost_minor, d.currency), color));
        }
        if let (Some(&(x, yy)), Some(m)) = (steps.last(), line.months.last()) {
            people_labels.push((x - ctx.px(12.0), yy, m.headcount.to_string(), color));
        }
    }
    end_labels(ctx, cost_labels)?;
    end_labels(ctx, people_labels)?;
    month_axis(ctx, bottom, bands, &months)
}

/// Where the waterfall's axis starts: below the lowest running total by the span of the totals,
/// so that changes a fraction of the landing still show; zero when that is near anyway.
fn waterfall_floor(d: &ScenarioComparison) -> i64 {
    let base = d.lines.first().map_or(0, |l| l.figures.landing_minor);
    let mut running = base;
    let (mut low, mut high) = (base, base);
    for step in &d.steps {
        running += step.landing_delta_minor;
        (low, high) = (low.min(running), high.max(running));
    }
    let span = (high - low).max(high / 20).max(1);
    let floor = low - span;
    if floor < low / 3 { 0 } else { floor }
}

fn draw_changes<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &ScenarioComparison) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let Some(focus) = d.focus() else { return Ok(()) };
    let base = d.lines[0].figures.landing_minor;
    let end = focus.figures.landing_minor;
    let (adds, saves) = (theme.warning, theme.good);
    let entries = vec![
        ("Landing".to_owned(), Mark::Swatch(theme.accent.to_rgba())),
        ("Adds spend".to_owned(), Mark::Swatch(adds.to_rgba())),
        ("Saves spend".to_owned(), Mark::Swatch(saves.to_rgba())),
    ];
    let rect = legend(ctx, rect, &entries)?;

    // Bars: the baseline's landing, one per change from the running total, the scenario's landing.
    let mut running = base;
    let mut bars: Vec<(String, i64, i64, RGBColor)> = vec![("Baseline".to_owned(), 0, base, theme.accent)];
    for step in &d.steps {
        let from = running;
        running += step.landing_delta_minor;
        let color = match step.landing_delta_minor.signum() {
            1 => adds,
            -1 => saves,
            _ => theme.axis,
        };
        bars.push((format!("{}. {}", step.position, step.words), from, running, color));
    }
    bars.push((display_name(&focus.name), 0, end, column_color(theme, 1)));

    let high = bars.iter().map(|b| b.2.max(b.1)).max().unwrap_or(0);
    let floor = waterfall_floor(d);
    let axis = Axis::covering(floor as f64, high as f64 + (high - floor) as f64 * 0.08, 5);
    let label = |v: f64| compact_money(v.round() as i64, d.currency);
    let label_width = axis_label_width(ctx, &axis, &label)?;
    let label_rows = 3;
    let name_style = ctx.font(SMALL, theme.text);
    let names_height = ctx.px(SMALL * 1.15) * label_rows + ctx.px(10.0);
    let plot = Rect { x0: rect.x0 + label_width, y0: rect.y0 + ctx.px(28.0), x1: rect.x1, y1: rect.y1 - names_height };
    value_axis(ctx, plot, &axis, &label)?;
    let bands = Bands { count: bars.len(), x0: plot.x0, x1: plot.x1 };
    let bottom = plot.y1;
    let y = |minor: i64| axis.map(minor as f64, plot.y1, plot.y0).min(bottom);

    for (i, (name, from, to, color)) in bars.iter().enumerate() {
        let (bx0, bx1) = bands.bar(i, 0.62);
        let (y_from, y_to) = if i == 0 || i + 1 == bars.len() { (bottom, y(*to)) } else { (y(*from), y(*to)) };
        let (top_y, bottom_y) = (y_from.min(y_to), y_from.max(y_to));
        ctx.fill(Rect { x0: bx0, y0: top_y, x1: bx1, y1: bottom_y.max(top_y + ctx.px(2.0)) }, color.to_rgba())?;
        // A thin connector from this bar's end to the next bar's start.
        if i + 1 < bars.len() {
            let (nx0, _) = bands.bar(i + 1, 0.62);
            ctx.line(vec![(bx1, y(*to)), (nx0, y(*to))], theme.axis.to_rgba(), 1.0)?;
        }
        let value = if i == 0 || i + 1 == bars.len() {
            compact_money(*to, d.currency)
        } else {
            let step = &d.steps[i - 1];
            let mut text = signed_money(step.landing_delta_minor, d.currency);
            if step.budget_delta_minor != 0 {
                text.push_str(&format!(" · budget {}", signed_money(step.budget_delta_minor, d.currency)));
            }
            text
        };
        let style = ctx.bold(LABEL, theme.text);
        let fitted = ctx.fit(&value, &style, (bands.width() * 0.98) as i32)?;
        halo_text(ctx, &fitted, (bands.centre(i), top_y - ctx.px(6.0)), &style, HPos::Center, VPos::Bottom)?;
        let lines = ctx.wrap(name, &name_style, (bands.width() * 0.94) as i32)?;
        for (row, text) in lines.iter().take(label_rows as usize).enumerate() {
            let text = if row + 1 == label_rows as usize && lines.len() > label_rows as usize {
                ctx.fit(&format!("{text} {}", lines[row + 1..].join(" ")), &name_style, (bands.width() * 0.94) as i32)?
            } else {
                text.clone()
            };
            let at = (bands.centre(i), plot.y1 + ctx.px(8.0) + row as i32 * ctx.px(SMALL * 1.15));
            ctx.text(&text, at, &name_style, HPos::Center, VPos::Top)?;
        }
    }
    Ok(())
}
