//! The drawing kit every chart shares: a frame (background, title, subtitle, footnote), legends,
//! value axes with round ticks, month and time axes that never overlap, and the "No data yet" panel.
//!
//! Charts draw on one plotters [`DrawingArea`] in pixel coordinates, generic over the backend, so
//! the SVG for the app and the PNG for slides come from the same code. Every length goes through
//! [`Ctx::px`], which multiplies by the output scale: a 2× PNG is the 1× layout with twice the
//! pixels, not a different layout.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{ellipsize, ellipsize_middle, month_label};
use super::theme::Theme;
use crate::domain::Month;

/// The family every chart's text uses: Inter (embedded, for PNG); SVG viewers without Inter fall
/// back to the next names.
pub const FONT: &str = "Inter, system-ui, sans-serif";

/// Text sizes in plotters' units (an SVG `font-size` of size / 1.24 px).
pub const TITLE: f64 = 36.0;
pub const SUBTITLE: f64 = 22.0;
pub const LABEL: f64 = 19.0;
pub const SMALL: f64 = 17.0;

pub type Area<DB> = DrawingArea<DB, Shift>;
pub type Drawn<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A rectangle in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    pub fn width(&self) -> i32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> i32 {
        self.y1 - self.y0
    }
}

/// What a chart says in words: drawn in the image (title, subtitle, footnote) and given to
/// screen readers (title, description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub title: String,
    /// One line under the title: the headline figure.
    pub subtitle: String,
    /// The chart in sentences, for the SVG's `<desc>`.
    pub description: String,
    /// What was left out or how a figure was computed.
    pub footnote: Option<String>,
}

/// The area being drawn on, its theme and the output scale.
pub struct Ctx<'a, DB: DrawingBackend> {
    pub area: &'a Area<DB>,
    pub theme: &'a Theme,
    pub scale: f64,
}

impl<DB: DrawingBackend> Ctx<'_, DB> {
    pub fn px(&self, logical: f64) -> i32 {
        (logical * self.scale).round() as i32
    }

    pub fn font(&self, size: f64, color: RGBColor) -> TextStyle<'static> {
        TextStyle { font: (FONT, size * self.scale).into_font(), color: color.to_backend_color(), pos: Pos::default() }
    }

    pub fn bold(&self, size: f64, color: RGBColor) -> TextStyle<'static> {
        TextStyle {
            font: (FONT, size * self.scale, FontStyle::Bold).into_font(),
            color: color.to_backend_color(),
            pos: Pos::default(),
        }
    }

    pub fn text(&self, text: &str, at: (i32, i32), style: &TextStyle<'_>, h: HPos, v: VPos) -> Drawn<(), DB> {
        if text.is_empty() {
            return Ok(());
        }
        self.area.draw_text(text, &style.pos(Pos::new(h, v)), at)
    }

    pub fn width(&self, text: &str, style: &TextStyle<'_>) -> Drawn<i32, DB> {
        Ok(self.area.estimate_text_size(text, style)?.0 as i32)
    }

    /// `text`, cut with an ellipsis until it is at most `max_width` pixels wide.
    pub fn fit(&self, text: &str, style: &TextStyle<'_>, max_width: i32) -> Drawn<String, DB> {
        if self.width(text, style)? <= max_width {
            return Ok(text.to_owned());
        }
        let (mut low, mut high) = (0, text.chars().count());
        // The longest prefix that fits, by bisection on characters.
        while low < high {
            let mid = (low + high).div_ceil(2);
            if self.width(&ellipsize(text, mid), style)? <= max_width {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        Ok(if low <= 1 { String::new() } else { ellipsize(text, low) })
    }

    /// `text` cut in the middle until it fits, for names that differ at the end.
    pub fn fit_middle(&self, text: &str, style: &TextStyle<'_>, max_width: i32) -> Drawn<String, DB> {
        let mut chars = text.chars().count();
        let mut fitted = text.to_owned();
        while chars > 2 && self.width(&fitted, style)? > max_width {
            chars -= 1;
            fitted = ellipsize_middle(text, chars);
        }
        Ok(fitted)
    }

    /// Splits `text` into lines no wider than `max_width`, at spaces.
    pub fn wrap(&self, text: &str, style: &TextStyle<'_>, max_width: i32) -> Drawn<Vec<String>, DB> {
        let mut lines: Vec<String> = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if line.is_empty() || self.width(&candidate, style)? <= max_width {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        Ok(lines)
    }

    pub fn fill(&self, rect: Rect, color: RGBAColor) -> Drawn<(), DB> {
        if rect.width() <= 0 || rect.height() <= 0 {
            return Ok(());
        }
        self.area.draw(&Rectangle::new([(rect.x0, rect.y0), (rect.x1, rect.y1)], color.filled()))
    }

    pub fn outline(&self, rect: Rect, color: RGBAColor, width: f64) -> Drawn<(), DB> {
        let style = ShapeStyle { color, filled: false, stroke_width: self.px(width).max(1) as u32 };
        self.area.draw(&Rectangle::new([(rect.x0, rect.y0), (rect.x1, rect.y1)], style))
    }

    pub fn line(&self, points: Vec<(i32, i32)>, color: RGBAColor, width: f64) -> Drawn<(), DB> {
        let style = ShapeStyle { color, filled: false, stroke_width: self.px(width).max(1) as u32 };
        self.area.draw(&PathElement::new(points, style))
    }

    pub fn dashed(&self, points: Vec<(i32, i32)>, color: RGBAColor, width: f64) -> Drawn<(), DB> {
        let style = ShapeStyle { color, filled: false, stroke_width: self.px(width).max(1) as u32 };
        self.area.draw(&DashedPathElement::new(points, self.px(8.0), self.px(6.0), style))
    }

    pub fn polygon(&self, points: Vec<(i32, i32)>, color: RGBAColor) -> Drawn<(), DB> {
        self.area.draw(&Polygon::new(points, color.filled()))
    }

    pub fn dot(&self, at: (i32, i32), radius: f64, color: RGBAColor) -> Drawn<(), DB> {
        self.area.draw(&Circle::new(at, self.px(radius).max(1), color.filled()))
    }

    pub fn diamond(&self, at: (i32, i32), radius: f64, color: RGBAColor) -> Drawn<(), DB> {
        let r = self.px(radius).max(2);
        let (x, y) = at;
        self.polygon(vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)], color)
    }
}

/// Paints the background, the title, the subtitle and the footnote; returns the area left for
/// the chart itself.
pub fn frame<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, words: &Words) -> Drawn<Rect, DB> {
    let (w, h) = ctx.area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    ctx.area.fill(&ctx.theme.background)?;
    let margin = ctx.px(36.0);
    let max_width = w - 2 * margin;
    let title_style = ctx.bold(TITLE, ctx.theme.text);
    let title = ctx.fit(&words.title, &title_style, max_width)?;
    ctx.text(&title, (margin, margin), &title_style, HPos::Left, VPos::Top)?;
    let mut top = margin + ctx.px(TITLE * 0.95);
    if !words.subtitle.is_empty() {
        let style = ctx.font(SUBTITLE, ctx.theme.muted);
        top += ctx.px(8.0);
        for line in ctx.wrap(&words.subtitle, &style, max_width)?.iter().take(2) {
            ctx.text(line, (margin, top), &style, HPos::Left, VPos::Top)?;
            top += ctx.px(SUBTITLE * 1.1);
        }
    }
    let mut bottom = h - margin;
    if let Some(note) = &words.footnote {
        let style = ctx.font(SMALL, ctx.theme.muted);
        let lines = ctx.wrap(note, &style, max_width)?;
        let lines = &lines[..lines.len().min(2)];
        let line_height = ctx.px(SMALL * 1.05);
        for (i, line) in lines.iter().enumerate() {
            let y = bottom - (lines.len() - 1 - i) as i32 * line_height;
            ctx.text(line, (margin, y), &style, HPos::Left, VPos::Bottom)?;
        }
        bottom -= lines.len() as i32 * line_height + ctx.px(12.0);
    }
    Ok(Rect { x0: margin, y0: top + ctx.px(20.0), x1: w - margin, y1: bottom })
}

/// The "No data yet — …" panel in place of a chart.
pub fn no_data<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, hint: &str) -> Drawn<(), DB> {
    let panel = Rect { x0: rect.x0, y0: rect.y0, x1: rect.x1, y1: rect.y1.max(rect.y0 + ctx.px(60.0)) };
    ctx.fill(panel, ctx.theme.grid.mix(0.35))?;
    let headline = ctx.bold(SUBTITLE * 1.2, ctx.theme.text);
    let centre_x = (panel.x0 + panel.x1) / 2;
    let centre_y = (panel.y0 + panel.y1) / 2;
    ctx.text("No data yet", (centre_x, centre_y - ctx.px(8.0)), &headline, HPos::Center, VPos::Bottom)?;
    let style = ctx.font(SUBTITLE, ctx.theme.muted);
    let lines = ctx.wrap(&format!("— {hint}"), &style, panel.width() - ctx.px(48.0))?;
    for (i, line) in lines.iter().enumerate() {
        let y = centre_y + ctx.px(8.0) + i as i32 * ctx.px(SUBTITLE * 1.15);
        ctx.text(line, (centre_x, y), &style, HPos::Center, VPos::Top)?;
    }
    Ok(())
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Mark {
    Swatch(RGBAColor),
    Line(RGBAColor),
    Dashed(RGBAColor),
    Diamond(RGBAColor),
}

/// Draws legend entries in rows from the top of `rect`; returns the part of `rect` below them.
pub fn legend<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, entries: &[(String, Mark)]) -> Drawn<Rect, DB> {
    if entries.is_empty() {
        return Ok(rect);
    }
    let style = ctx.font(LABEL, ctx.theme.text);
    let (mark_width, gap, spacing) = (ctx.px(26.0), ctx.px(8.0), ctx.px(28.0));
    let row_height = ctx.px(LABEL * 1.25);
    let max_label = rect.width() / 3;
    let (mut x, mut y) = (rect.x0, rect.y0);
    for (label, mark) in entries {
        let label = ctx.fit(label, &style, max_label)?;
        let width = mark_width + gap + ctx.width(&label, &style)?;
        if x > rect.x0 && x + width > rect.x1 {
            x = rect.x0;
            y += row_height;
        }
        let mid = y + row_height / 2;
        match *mark {
            Mark::Swatch(color) => {
                let s = ctx.px(8.0);
                ctx.fill(Rect { x0: x + ctx.px(4.0), y0: mid - s, x1: x + ctx.px(4.0) + 2 * s, y1: mid + s }, color)?
            }
            Mark::Line(color) => ctx.line(vec![(x, mid), (x + mark_width, mid)], color, 3.5)?,
            Mark::Dashed(color) => ctx.dashed(vec![(x, mid), (x + mark_width, mid)], color, 3.0)?,
            Mark::Diamond(color) => ctx.diamond((x + mark_width / 2, mid), 7.0, color)?,
        }
        ctx.text(&label, (x + mark_width + gap, mid), &style, HPos::Left, VPos::Center)?;
        x += width + spacing;
    }
    Ok(Rect { y0: y + row_height + ctx.px(14.0), ..rect })
}

/// A value axis: round ticks from `low` to `high`.
#[derive(Debug, Clone)]
pub struct Axis {
    pub ticks: Vec<f64>,
    pub low: f64,
    pub high: f64,
}

impl Axis {
    /// About `count` round steps (1, 2, 2.5 or 5 × a power of ten) covering `min..=max`; an
    /// empty or flat range still gets an axis.
    pub fn covering(min: f64, max: f64, count: usize) -> Axis {
        let (min, max) = if min.is_finite() && max.is_finite() { (min.min(max), min.max(max)) } else { (0.0, 1.0) };
        let (min, max) = if (max - min).abs() < f64::EPSILON { (min.min(0.0), max.max(min + 1.0)) } else { (min, max) };
        let raw = (max - min) / count.max(1) as f64;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
        let low = (min / step).floor() * step;
        let high = (max / step).ceil() * step;
        let n = ((high - low) / step).round() as usize;
        let ticks = (0..=n).map(|i| low + step * i as f64).collect();
        Axis { ticks, low, high }
    }

    /// How many decimals the tick labels need so neighbours differ (0.02 steps need 2).
    pub fn decimals(&self) -> usize {
        let step = match self.ticks.as_slice() {
            [a, b, ..] => b - a,
            _ => return 0,
        };
        let mut decimals = (-step.log10().floor()).max(0.0) as usize;
        if (step * 10f64.powi(decimals as i32)).fract().abs() > 1e-6 {
            decimals += 1;
        }
        decimals.min(6)
    }

    /// The pixel position of `value` between `bottom` (at `low`) and `top` (at `high`).
    pub fn map(&self, value: f64, bottom: i32, top: i32) -> i32 {
        let span = self.high - self.low;
        let t = if span > 0.0 { (value - self.low) / span } else { 0.0 };
        (f64::from(bottom) + t * f64::from(top - bottom)).round() as i32
    }
}

/// How wide the widest tick label of `axis` is.
pub fn axis_label_width<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    axis: &Axis,
    label: &dyn Fn(f64) -> String,
) -> Drawn<i32, DB> {
    let style = ctx.font(LABEL, ctx.theme.muted);
    let mut widest = 0;
    for &tick in &axis.ticks {
        widest = widest.max(ctx.width(&label(tick), &style)?);
    }
    Ok(widest + ctx.px(12.0))
}

/// Grid lines across `plot` at each tick, and the tick labels left of it.
pub fn value_axis<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    plot: Rect,
    axis: &Axis,
    label: &dyn Fn(f64) -> String,
) -> Drawn<(), DB> {
    let style = ctx.font(LABEL, ctx.theme.muted);
    for &tick in &axis.ticks {
        let y = axis.map(tick, plot.y1, plot.y0);
        let color = if tick == 0.0 { ctx.theme.axis } else { ctx.theme.grid };
        ctx.line(vec![(plot.x0, y), (plot.x1, y)], color.to_rgba(), 1.0)?;
        ctx.text(&label(tick), (plot.x0 - ctx.px(10.0), y), &style, HPos::Right, VPos::Center)?;
    }
    Ok(())
}

/// Equal bands across a width, one per month (or bar).
#[derive(Debug, Clone, Copy)]
pub struct Bands {
    pub count: usize,
    pub x0: i32,
    pub x1: i32,
}

impl Bands {
    pub fn width(&self) -> f64 {
        f64::from(self.x1 - self.x0) / self.count.max(1) as f64
    }

    pub fn centre(&self, i: usize) -> i32 {
        (f64::from(self.x0) + (i as f64 + 0.5) * self.width()).round() as i32
    }

    /// The left and right edge of a bar filling `share` of band `i`.
    pub fn bar(&self, i: usize, share: f64) -> (i32, i32) {
        let half = self.width() * share / 2.0;
        let centre = f64::from(self.x0) + (i as f64 + 0.5) * self.width();
        ((centre - half).round() as i32, (centre + half).round() as i32)
    }
}

/// Height the month labels under a plot take.
pub fn month_axis_height<DB: DrawingBackend>(ctx: &Ctx<'_, DB>) -> i32 {
    ctx.px(LABEL * 1.6)
}

/// Month labels under `plot`, one per band, skipping months so no two labels touch: every
/// month, or every 2nd, 3rd, 4th, 6th or 12th, aligned to January. A label shows its year at the
/// first label and each January.
pub fn month_axis<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, plot: Rect, bands: Bands, months: &[Month]) -> Drawn<(), DB> {
    let style = ctx.font(LABEL, ctx.theme.muted);
    ctx.line(vec![(plot.x0, plot.y1), (plot.x1, plot.y1)], ctx.theme.axis.to_rgba(), 1.0)?;
    let Some(step) = month_step(ctx, &style, bands, months)? else { return Ok(()) };
    let mut first = true;
    for (i, &month) in months.iter().enumerate() {
        if !(month.month() as usize - 1).is_multiple_of(step) {
            continue;
        }
        let label = month_label(month, first || month.month() == 1);
        first = false;
        let x = bands.centre(i);
        ctx.line(vec![(x, plot.y1), (x, plot.y1 + ctx.px(5.0))], ctx.theme.axis.to_rgba(), 1.0)?;
        ctx.text(&label, (x, plot.y1 + ctx.px(9.0)), &style, HPos::Center, VPos::Top)?;
    }
    Ok(())
}

/// Month labels at the first day of months, for a continuous time axis: `x_of_day` places a
/// day. Grid lines (when `grid`) run up from each labelled month's start.
pub fn date_axis<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    plot: Rect,
    months: &[Month],
    x_of_day: &dyn Fn(chrono::NaiveDate) -> i32,
    grid: bool,
) -> Drawn<(), DB> {
    let style = ctx.font(LABEL, ctx.theme.muted);
    ctx.line(vec![(plot.x0, plot.y1), (plot.x1, plot.y1)], ctx.theme.axis.to_rgba(), 1.0)?;
    let bands = Bands { count: months.len(), x0: plot.x0, x1: plot.x1 };
    let Some(step) = month_step(ctx, &style, bands, months)? else { return Ok(()) };
    let mut first = true;
    let half_label = ctx.width("May 2026", &style)? / 2;
    for &month in months {
        if !(month.month() as usize - 1).is_multiple_of(step) {
            continue;
        }
        let x = x_of_day(month.first_day());
        if grid {
            ctx.line(vec![(x, plot.y0), (x, plot.y1)], ctx.theme.grid.to_rgba(), 1.0)?;
        }
        ctx.line(vec![(x, plot.y1), (x, plot.y1 + ctx.px(5.0))], ctx.theme.axis.to_rgba(), 1.0)?;
        // A label that would hang off either end of the axis is left out.
        if x - half_label < plot.x0 - ctx.px(30.0) || x + half_label > plot.x1 + ctx.px(30.0) {
            continue;
        }
        let label = month_label(month, first || month.month() == 1);
        first = false;
        ctx.text(&label, (x, plot.y1 + ctx.px(9.0)), &style, HPos::Center, VPos::Top)?;
    }
    Ok(())
}

/// Steps of a time axis, in seconds, finest first: hours of the day, then days and weeks.
const HOUR_STEPS: [i64; 6] = [3_600, 2 * 3_600, 3 * 3_600, 6 * 3_600, 12 * 3_600, 86_400];
const DAY_STEPS: [i64; 6] = [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400, 91 * 86_400];

/// Time labels under `plot` for the window `start..=end` (seconds since the epoch, UTC): hours of
/// the day (`14:00`, and the date at midnight) when `hours`, dates (`3 Nov`) otherwise, at the
/// finest round step whose labels leave a gap. Weekly steps fall on Mondays. `x_of` places a time.
pub fn time_axis<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    plot: Rect,
    (start, end): (i64, i64),
    hours: bool,
    x_of: &dyn Fn(i64) -> i32,
) -> Drawn<(), DB> {
    let style = ctx.font(LABEL, ctx.theme.muted);
    ctx.line(vec![(plot.x0, plot.y1), (plot.x1, plot.y1)], ctx.theme.axis.to_rgba(), 1.0)?;
    let span = (end - start).max(1);
    let widest = ctx.width("30 Sep", &style)?.max(ctx.width("00:00", &style)?) + ctx.px(18.0);
    let steps: &[i64] = if hours { &HOUR_STEPS } else { &DAY_STEPS };
    let fits = |step: i64| f64::from(plot.width()) * step as f64 / span as f64 >= f64::from(widest);
    let step = steps.iter().copied().find(|&s| fits(s)).unwrap_or(steps[steps.len() - 1]);
    // 1970-01-05 was a Monday.
    let offset = if step % (7 * 86_400) == 0 { 4 * 86_400 } else { 0 };
    let mut tick = (start - offset).div_euclid(step) * step + offset;
    if tick < start {
        tick += step;
    }
    while tick <= end {
        let x = x_of(tick);
        ctx.line(vec![(x, plot.y1), (x, plot.y1 + ctx.px(5.0))], ctx.theme.axis.to_rgba(), 1.0)?;
        // A label may hang half its width past either end (the margins hold it), not more.
        let inside = x >= plot.x0 && x <= plot.x1 + ctx.px(2.0);
        if let (true, Some(time)) = (inside, chrono::DateTime::from_timestamp(tick, 0)) {
            let label = if hours && tick.rem_euclid(86_400) != 0 {
                time.format("%H:%M").to_string()
            } else {
                time.format("%-d %b").to_string()
            };
            ctx.text(&label, (x, plot.y1 + ctx.px(9.0)), &style, HPos::Center, VPos::Top)?;
        }
        tick += step;
    }
    Ok(())
}

/// The smallest step at which month labels (the widest, with a year) leave a gap between them.
fn month_step<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    style: &TextStyle<'_>,
    bands: Bands,
    months: &[Month],
) -> Drawn<Option<usize>, DB> {
    let widest = ctx.width("May 2026", style)? + ctx.px(14.0);
    let step = [1usize, 2, 3, 4, 6, 12].into_iter().find(|&step| bands.width() * step as f64 >= f64::from(widest));
    Ok(step.or((!months.is_empty()).then_some(12)))
}

/// A label that sits on a plot line: the background behind it so lines do not cross the text.
pub fn halo_text<DB: DrawingBackend>(
    ctx: &Ctx<'_, DB>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle<'_>,
    h: HPos,
    v: VPos,
) -> Drawn<(), DB> {
    let width = ctx.width(text, style)?;
    let height = (style.font.get_size() * 0.85).round() as i32;
    let x0 = match h {
        HPos::Left => at.0,
        HPos::Center => at.0 - width / 2,
        HPos::Right => at.0 - width,
    };
    let y0 = match v {
        VPos::Top => at.1,
        VPos::Center => at.1 - height / 2,
        VPos::Bottom => at.1 - height,
    };
    let pad = ctx.px(3.0);
    ctx.fill(
        Rect { x0: x0 - pad, y0: y0 - pad, x1: x0 + width + pad, y1: y0 + height + pad },
        ctx.theme.background.mix(0.85),
    )?;
    ctx.text(text, at, style, h, v)
}

/// Labels at the right ends of lines, moved apart so they never overlap.
/// Lines that end at the same value share one label, in the text colour.
pub fn end_labels<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, labels: Vec<(i32, i32, String, RGBColor)>) -> Drawn<(), DB> {
    let gap = ctx.px(LABEL * 1.05);
    let mut merged: Vec<(i32, i32, String, RGBColor)> = Vec::new();
    for label in labels {
        match merged.iter_mut().find(|m| m.2 == label.2 && (m.1 - label.1).abs() < gap / 2) {
            Some(same) if same.3 != label.3 => same.3 = ctx.theme.text,
            Some(_) => {}
            None => merged.push(label),
        }
    }
    let mut labels = merged;
    labels.sort_by_key(|l| l.1);
    for k in 1..labels.len() {
        if labels[k].1 - labels[k - 1].1 < gap {
            labels[k].1 = labels[k - 1].1 + gap;
        }
    }
    for (x, y, text, color) in labels {
        halo_text(ctx, &text, (x + ctx.px(12.0), y), &ctx.bold(LABEL, color), HPos::Left, VPos::Center)?;
    }
    Ok(())
}
