//! Chart 1: budget against actual spend for one period (a fiscal year), cumulative by month, with the
//! forecast and its interval band when there is one, and the month the budget runs out.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{
    Axis, Bands, Ctx, Drawn, LABEL, Mark, Rect, Words, axis_label_width, end_labels, halo_text, legend, month_axis,
    month_axis_height, value_axis,
};
use super::format::{compact_money, month_name};
use crate::analytics::series::BudgetBurn;

pub(super) fn words(d: &BudgetBurn) -> Words {
    let year = &d.period;
    let money = |minor| compact_money(minor, d.currency);
    let title = match d.scope.initiative {
        Some(_) => format!("{}: budget vs actual, {year}", d.scope.label),
        None => format!("Budget vs actual, {year}"),
    };
    let budget = d.year_budget_minor();
    let spent = d.actual_to_date_minor();
    let mut subtitle = match d.actuals_through() {
        Some(through) if budget > 0 => format!(
            "Spent {} of the {} budget through {} ({}% of the year's budget).",
            money(spent),
            money(budget),
            month_name(through),
            percent(spent, budget)
        ),
        Some(through) => {
            format!("Spent {} through {}, with no budget set for {year}.", money(spent), month_name(through))
        }
        None if !d.has_budget => format!("No budget set for {year} and no spend recorded yet."),
        None => format!("A {} budget for {year}; no spend recorded yet.", money(budget)),
    };
    let ran_out = d.run_out.zip(d.actuals_through()).is_some_and(|(run_out, through)| run_out <= through);
    if let Some(run_out) = d.run_out {
        subtitle.push_str(&if ran_out {
            format!(" The budget ran out in {}.", month_name(run_out))
        } else {
            format!(" Forecast to run out in {}.", month_name(run_out))
        });
    }
    let mut description = format!(
        "Cumulative budget and actual spend of {} by month, {} to {}, in {}. ",
        d.scope.label,
        d.months.first().map_or_else(String::new, |m| month_name(*m)),
        d.months.last().map_or_else(String::new, |m| month_name(*m)),
        d.currency
    );
    description.push_str(&format!("The budget for the year is {}. ", money(budget)));
    if let Some(through) = d.actuals_through() {
        let index = d.actual_cumulative_minor.len() - 1;
        let budget_to_date = d.budget_cumulative_minor[index];
        description.push_str(&format!(
            "Actual spend through {} is {} against {} budgeted to date. ",
            month_name(through),
            money(spent),
            money(budget_to_date)
        ));
    }
    match &d.forecast {
        Some(forecast) => {
            if let Some(last) = forecast.points.last() {
                description.push_str(&format!(
                    "The forecast lands at {} by {} ({}% interval {} to {}). ",
                    money(last.cumulative_minor),
                    month_name(last.month),
                    (forecast.level * 100.0).round(),
                    money(last.lower_minor),
                    money(last.upper_minor)
                ));
            }
        }
        None => description.push_str("No forecast is shown. "),
    }
    if let Some(run_out) = d.run_out {
        description.push_str(&format!(
            "The budget {} in {}.",
            if ran_out { "ran out" } else { "is forecast to run out" },
            month_name(run_out)
        ));
    }
    let footnote = (d.forecast.is_none())
        .then(|| "Actuals by month of spend, converted to the base currency at the stored rates.".to_owned());
    Words { title, subtitle, description: description.trim_end().to_owned(), footnote }
}

fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 { 0 } else { ((i128::from(part) * 100 + i128::from(whole) / 2) / i128::from(whole)) as i64 }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &BudgetBurn) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let accent = theme.accent.to_rgba();
    let mut entries = vec![
        ("Budget, cumulative".to_owned(), Mark::Line(theme.reference.to_rgba())),
        ("Actual".to_owned(), Mark::Line(accent)),
    ];
    if let Some(forecast) = &d.forecast {
        entries.push(("Forecast".to_owned(), Mark::Dashed(accent)));
        let level = (forecast.level * 100.0).round();
        entries.push((format!("{level}% interval"), Mark::Swatch(theme.accent.mix(theme.band_opacity * 1.4))));
    }
    if d.run_out.is_some() {
        entries.push(("Budget runs out".to_owned(), Mark::Diamond(theme.warning.to_rgba())));
    }
    let rect = legend(ctx, rect, &entries)?;

    let forecast_points = d.forecast.as_ref().map_or(&[][..], |f| &f.points[..]);
    let highest = d
        .budget_cumulative_minor
        .iter()
        .chain(&d.actual_cumulative_minor)
        .chain(forecast_points.iter().map(|p| &p.upper_minor))
        .copied()
        .max()
        .unwrap_or(0);
    let axis = Axis::covering(0.0, highest as f64 * 1.04, 6);
    let label = |v: f64| compact_money(v.round() as i64, d.currency);
    let label_width = axis_label_width(ctx, &axis, &label)?;
    let end_label_room = ctx.px(150.0);
    let plot = Rect {
        x0: rect.x0 + label_width,
        y0: rect.y0 + ctx.px(8.0),
        x1: rect.x1 - end_label_room,
        y1: rect.y1 - month_axis_height(ctx),
    };
    value_axis(ctx, plot, &axis, &label)?;
    let bands = Bands { count: d.months.len(), x0: plot.x0, x1: plot.x1 };
    month_axis(ctx, plot, bands, &d.months)?;
    let y = |minor: i64| axis.map(minor as f64, plot.y1, plot.y0);
    let index_of = |month| d.months.first().map(|first: &crate::domain::Month| first.months_until(month));
    let in_year = |i: Option<i32>| i.filter(|i| (0..d.months.len() as i32).contains(i)).map(|i| i as usize);

    // The interval band and the forecast line start from the last actual point.
    let last_actual = d.actual_cumulative_minor.len().checked_sub(1).map(|i| (i, d.actual_cumulative_minor[i]));
    let forecast: Vec<(usize, i64, i64, i64)> = forecast_points
        .iter()
        .filter_map(|p| in_year(index_of(p.month)).map(|i| (i, p.cumulative_minor, p.lower_minor, p.upper_minor)))
        .collect();
    if !forecast.is_empty() {
        let mut upper: Vec<(i32, i32)> = Vec::new();
        let mut lower: Vec<(i32, i32)> = Vec::new();
        if let Some((i, v)) = last_actual {
            upper.push((bands.centre(i), y(v)));
            lower.push((bands.centre(i), y(v)));
        }
        for &(i, _, low, high) in &forecast {
            upper.push((bands.centre(i), y(high)));
            lower.push((bands.centre(i), y(low)));
        }
        let band: Vec<(i32, i32)> = upper.into_iter().chain(lower.into_iter().rev()).collect();
        ctx.polygon(band, theme.accent.mix(theme.band_opacity))?;
    }

    let budget: Vec<(i32, i32)> =
        d.budget_cumulative_minor.iter().enumerate().map(|(i, &v)| (bands.centre(i), y(v))).collect();
    ctx.line(budget.clone(), theme.reference.to_rgba(), 3.0)?;

    let actual: Vec<(i32, i32)> =
        d.actual_cumulative_minor.iter().enumerate().map(|(i, &v)| (bands.centre(i), y(v))).collect();
    if !forecast.is_empty() {
        let mut line: Vec<(i32, i32)> = actual.last().copied().into_iter().collect();
        line.extend(forecast.iter().map(|&(i, v, _, _)| (bands.centre(i), y(v))));
        ctx.dashed(line, accent, 3.0)?;
    }
    ctx.line(actual.clone(), accent, 4.0)?;
    for &point in &actual {
        ctx.dot(point, 5.0, accent)?;
    }

    if let Some(i) = d.run_out.and_then(|m| in_year(index_of(m))) {
        let x = bands.centre(i);
        let warning = theme.warning.to_rgba();
        ctx.dashed(vec![(x, plot.y0), (x, plot.y1)], warning, 2.0)?;
        ctx.diamond((x, y(d.year_budget_minor())), 9.0, warning)?;
        let style = ctx.bold(LABEL, theme.warning);
        let text = format!("Runs out {}", month_name(d.months[i]));
        let h = if i + 3 >= d.months.len() { HPos::Right } else { HPos::Left };
        let dx = if matches!(h, HPos::Left) { ctx.px(8.0) } else { -ctx.px(8.0) };
        halo_text(ctx, &text, (x + dx, plot.y0), &style, h, VPos::Top)?;
    }

    // Labels at the ends of the lines, spread so they never overlap.
    let mut labels: Vec<(i32, i32, String, RGBColor)> = Vec::new();
    if let Some(&(x, yy)) = budget.last() {
        labels.push((x, yy, format!("Budget {}", compact_money(d.year_budget_minor(), d.currency)), theme.reference));
    }
    if let Some(&(i, v, _, _)) = forecast.last() {
        labels.push((bands.centre(i), y(v), format!("Forecast {}", compact_money(v, d.currency)), theme.accent));
    } else if let Some(&(x, yy)) = actual.last() {
        labels.push((x, yy, compact_money(d.actual_to_date_minor(), d.currency), theme.accent));
    }
    end_labels(ctx, labels)
}
