//! Chart 6: the model inventory — how many models are in each lifecycle stage, stacked by risk
//! tier (an ordinal scale from light blue for low to dark red-purple for critical).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{Axis, Bands, Ctx, Drawn, LABEL, Mark, Rect, SMALL, Words, axis_label_width, legend, value_axis};
use super::format::{capitalise, count};
use super::theme::{Theme, ThemeName};
use crate::analytics::series::ModelInventory;
use crate::domain::{ModelStage, RiskTier};

fn tier_colour(theme: &Theme, tier: usize) -> RGBColor {
    match tier {
        0 => RGBColor(0x56, 0xb4, 0xe9),
        1 => RGBColor(0xe6, 0x9f, 0x00),
        2 => RGBColor(0xd5, 0x5e, 0x00),
        _ if theme.name == ThemeName::Dark => RGBColor(0xe0, 0x7b, 0xb0),
        _ => RGBColor(0x88, 0x22, 0x55),
    }
}

pub(super) fn words(d: &ModelInventory) -> Words {
    let title = match d.scope.initiative {
        Some(_) => format!("{}: models by stage and risk", d.scope.label),
        None => "Model inventory by stage and risk".to_owned(),
    };
    let production = ModelStage::ALL.iter().position(|s| *s == ModelStage::Production).unwrap_or(0);
    let high_in_production: u32 = d.counts[production][2..].iter().sum();
    let subtitle = format!(
        "{} models; {} in production, {} of them high or critical risk.",
        count(d.total() as usize),
        count(d.stage_total(production) as usize),
        count(high_in_production as usize)
    );
    let stages: Vec<String> =
        ModelStage::ALL.iter().enumerate().map(|(i, s)| format!("{} {}", d.stage_total(i), s.as_str())).collect();
    let tiers: Vec<String> =
        RiskTier::ALL.iter().enumerate().map(|(i, t)| format!("{} {}", d.tier_total(i), t.as_str())).collect();
    let description = format!(
        "Stacked columns of the {} models of {} per lifecycle stage, coloured by risk tier. By stage: {}. By risk \
         tier: {}.",
        d.total(),
        d.scope.label,
        stages.join(", "),
        tiers.join(", ")
    );
    Words { title, subtitle, description, footnote: None }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &ModelInventory) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let entries: Vec<(String, Mark)> = RiskTier::ALL
        .iter()
        .enumerate()
        .map(|(t, tier)| (format!("{} risk", capitalise(tier.as_str())), Mark::Swatch(tier_colour(theme, t).to_rgba())))
        .collect();
    let rect = legend(ctx, rect, &entries)?;
    let highest = (0..ModelStage::ALL.len()).map(|s| d.stage_total(s)).max().unwrap_or(0);
    let axis = Axis::covering(0.0, f64::from(highest) * 1.1, 5);
    let label = |v: f64| if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") };
    let stage_label_height = ctx.px(LABEL * 2.6);
    let plot = Rect {
        x0: rect.x0 + axis_label_width(ctx, &axis, &label)?,
        y0: rect.y0 + ctx.px(8.0),
        x1: rect.x1,
        y1: rect.y1 - stage_label_height,
    };
    value_axis(ctx, plot, &axis, &label)?;
    let bands = Bands { count: ModelStage::ALL.len(), x0: plot.x0, x1: plot.x1 };
    let y = |count: u32| axis.map(f64::from(count), plot.y1, plot.y0);
    let count_style = ctx.bold(SMALL, RGBColor(0xff, 0xff, 0xff));
    let dark_count_style = ctx.bold(SMALL, RGBColor(0x1b, 0x20, 0x29));
    for (s, stage) in ModelStage::ALL.iter().enumerate() {
        let (x0, x1) = bands.bar(s, 0.5);
        let mut base = 0;
        for t in 0..RiskTier::ALL.len() {
            let count = d.counts[s][t];
            if count == 0 {
                continue;
            }
            let (bottom, top) = (y(base), y(base + count));
            ctx.fill(Rect { x0, y0: top + 1, x1, y1: bottom }, tier_colour(theme, t).to_rgba())?;
            if bottom - top >= ctx.px(SMALL * 1.1) {
                // White on the two darker tiers, dark text on the lighter ones.
                let style = if t >= 2 { &count_style } else { &dark_count_style };
                ctx.text(&count.to_string(), ((x0 + x1) / 2, (top + bottom) / 2), style, HPos::Center, VPos::Center)?;
            }
            base += count;
        }
        let total = d.stage_total(s);
        ctx.text(
            &total.to_string(),
            (bands.centre(s), y(total) - ctx.px(6.0)),
            &ctx.bold(LABEL, theme.text),
            HPos::Center,
            VPos::Bottom,
        )?;
        ctx.text(
            &capitalise(stage.as_str()),
            (bands.centre(s), plot.y1 + ctx.px(10.0)),
            &ctx.bold(LABEL, theme.text),
            HPos::Center,
            VPos::Top,
        )?;
    }
    ctx.line(vec![(plot.x0, plot.y1), (plot.x1, plot.y1)], theme.axis.to_rgba(), 1.0)?;
    Ok(())
}
