//! Chart 4: the allocation heatmap — people down, initiatives across, each cell the share of a
//! person's time in one month, with each person's total and overbooking marked.
//!
//! Shades come in four steps of one hue (not a rainbow), which read the same in colour-blind
//! vision and in print. At large scale the grid is capped (see [`crate::analytics::series`]) and
//! the footnote says what was left out.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{Ctx, Drawn, LABEL, Mark, Rect, SMALL, Words, legend};
use super::format::{count, month_name};
use crate::analytics::series::AllocationMatrix;

pub(super) fn words(d: &AllocationMatrix) -> Words {
    let title = match d.scope.initiative {
        Some(_) => format!("{}: who works on it, {}", d.scope.label, month_name(d.month)),
        None => format!("Allocations, {}", month_name(d.month)),
    };
    let overbooked: Vec<&str> = d
        .people
        .iter()
        .zip(&d.person_totals)
        .filter(|(_, total)| **total > 100)
        .map(|(name, _)| name.as_str())
        .collect();
    let (people, initiatives) = (count(d.total_people), count(d.total_initiatives));
    let subtitle = match overbooked.len() {
        0 => format!("{people} people across {initiatives} initiatives; nobody is booked above 100%."),
        1 => format!("{people} people across {initiatives} initiatives; {} is booked above 100%.", overbooked[0]),
        n => format!("{people} people across {initiatives} initiatives; {n} are booked above 100%."),
    };
    let mut description = format!(
        "Heatmap of the share of each person's time allocated to each initiative in {}, for {}. ",
        month_name(d.month),
        d.scope.label
    );
    if !overbooked.is_empty() {
        let list: Vec<String> = d
            .people
            .iter()
            .zip(&d.person_totals)
            .filter(|(_, total)| **total > 100)
            .map(|(name, total)| format!("{name} ({total}%)"))
            .collect();
        description.push_str(&format!("Booked above 100%: {}. ", list.join(", ")));
    }
    let mut notes = Vec::new();
    if d.hidden_people() > 0 {
        notes.push(format!(
            "Showing {} of {} people: the overbooked first, then those split across most initiatives",
            d.people.len(),
            count(d.total_people)
        ));
    }
    if d.folded_initiatives > 0 {
        notes.push(format!(
            "{} of {} initiatives by their time; {} others are combined as Other",
            d.initiatives.len() - 1,
            count(d.total_initiatives),
            count(d.folded_initiatives)
        ));
    }
    let footnote = (!notes.is_empty()).then(|| format!("{}.", notes.join("; ")));
    if let Some(note) = &footnote {
        description.push_str(note);
    }
    Words { title, subtitle, description: description.trim_end().to_owned(), footnote }
}

/// The four shade steps: up to 25%, 50%, 75% and 100% of a person's time.
const STEPS: [(u32, f64, &str); 4] =
    [(25, 0.25, "1–25%"), (50, 0.45, "26–50%"), (75, 0.7, "51–75%"), (100, 1.0, "76–100%")];

fn shade(percent: u32) -> f64 {
    STEPS.iter().find(|(limit, _, _)| percent <= *limit).map_or(1.0, |(_, opacity, _)| *opacity)
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &AllocationMatrix) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let mut entries: Vec<(String, Mark)> =
        STEPS.iter().map(|(_, opacity, label)| (label.to_string(), Mark::Swatch(theme.accent.mix(*opacity)))).collect();
    entries.push(("Total above 100%".to_owned(), Mark::Swatch(theme.warning.to_rgba())));
    let rect = legend(ctx, rect, &entries)?;

    let rows = d.people.len();
    let columns = d.initiatives.len();
    let label_style = ctx.font(LABEL, theme.text);
    let mut widest_name = 0;
    for name in &d.people {
        widest_name = widest_name.max(ctx.width(name, &label_style)?);
    }
    let name_width = (widest_name + ctx.px(14.0)).min(rect.width() * 24 / 100);
    let total_width = ctx.px(84.0);
    let cell_w = f64::from(rect.width() - name_width - total_width) / columns.max(1) as f64;
    let header_height =
        if cell_w >= f64::from(ctx.px(110.0)) { ctx.px(SMALL * 3.4) } else { ctx.px(150.0).min(rect.height() / 3) };
    let grid = Rect { x0: rect.x0 + name_width, y0: rect.y0 + header_height, x1: rect.x1 - total_width, y1: rect.y1 };
    let cell_h = (f64::from(grid.height()) / rows.max(1) as f64).min(f64::from(ctx.px(44.0)));
    let row_font = (cell_h / ctx.scale * 1.1).clamp(9.0, LABEL);
    let row_style = ctx.font(row_font, theme.text);
    let x_of = |c: usize| grid.x0 + (c as f64 * cell_w).round() as i32;
    let y_of = |r: usize| grid.y0 + (r as f64 * cell_h).round() as i32;

    // Column headers: wrapped on up to three lines when columns are wide, else rotated to read
    // upwards.
    let header_style = ctx.font(SMALL, theme.text);
    let line_height = ctx.px(SMALL * 1.05);
    let wide = cell_w >= f64::from(ctx.px(110.0));
    let rotated = header_style.transform(FontTransform::Rotate270);
    for (c, name) in d.initiatives.iter().enumerate() {
        let x = ((x_of(c) + x_of(c + 1)) / 2).max(grid.x0);
        if wide {
            let max_width = (cell_w as i32) - ctx.px(10.0);
            let mut lines = ctx.wrap(name, &header_style, max_width)?;
            if lines.len() > 3 {
                let rest = lines[2..].join(" ");
                lines.truncate(2);
                lines.push(rest);
            }
            let count = lines.len() as i32;
            for (i, line) in lines.iter().enumerate() {
                let text = ctx.fit(line, &header_style, max_width)?;
                let y = grid.y0 - ctx.px(8.0) - (count - 1 - i as i32) * line_height;
                ctx.text(&text, (x, y), &header_style, HPos::Center, VPos::Bottom)?;
            }
        } else {
            let text = ctx.fit_middle(name, &header_style, header_height - ctx.px(12.0))?;
            ctx.text(&text, (x, grid.y0 - ctx.px(8.0)), &rotated, HPos::Left, VPos::Center)?;
        }
    }
    let total_x = (grid.x1 + rect.x1) / 2;
    ctx.text("Total", (total_x, grid.y0 - ctx.px(8.0)), &ctx.bold(SMALL, theme.text), HPos::Center, VPos::Bottom)?;

    let show_numbers = cell_h >= f64::from(ctx.px(17.0));
    let number_style = ctx.font(row_font.min(SMALL), theme.text);
    let on_dark = ctx.font(row_font.min(SMALL), theme.background);
    for (r, name) in d.people.iter().enumerate() {
        let (y0, y1) = (y_of(r), y_of(r + 1));
        let mid = (y0 + y1) / 2;
        if r % 2 == 1 {
            ctx.fill(Rect { x0: rect.x0, y0, x1: rect.x1, y1 }, theme.grid.mix(0.35))?;
        }
        let label = ctx.fit(name, &row_style, name_width - ctx.px(14.0))?;
        ctx.text(&label, (grid.x0 - ctx.px(10.0), mid), &row_style, HPos::Right, VPos::Center)?;
        for c in 0..columns {
            let percent = d.percent[r][c];
            if percent == 0 {
                continue;
            }
            let inset = ctx.px(1.5);
            let cell = Rect { x0: x_of(c) + inset, y0: y0 + inset, x1: x_of(c + 1) - inset, y1: y1 - inset };
            let opacity = shade(percent);
            ctx.fill(cell, theme.accent.mix(opacity))?;
            let text = format!("{percent}");
            if show_numbers && ctx.width(&text, &number_style)? + ctx.px(6.0) < cell.width() {
                let style = if opacity >= 0.7 { &on_dark } else { &number_style };
                ctx.text(&text, ((cell.x0 + cell.x1) / 2, mid), style, HPos::Center, VPos::Center)?;
            }
        }
        let total = d.person_totals[r];
        let over = total > 100;
        let style = if over {
            ctx.bold(row_font.min(LABEL), theme.warning)
        } else {
            ctx.font(row_font.min(LABEL), theme.muted)
        };
        if over && cell_h >= f64::from(ctx.px(24.0)) {
            let inset = ctx.px(1.5);
            ctx.outline(
                Rect { x0: grid.x1 + ctx.px(8.0), y0: y0 + inset, x1: rect.x1, y1: y1 - inset },
                theme.warning.to_rgba(),
                2.0,
            )?;
        }
        ctx.text(&format!("{total}%"), (total_x, mid), &style, HPos::Center, VPos::Center)?;
    }
    // Column separators keep long grids readable.
    for c in 0..=columns {
        let x = x_of(c);
        ctx.line(vec![(x, grid.y0), (x, y_of(rows))], theme.grid.to_rgba(), 1.0)?;
    }
    Ok(())
}
