//! Chart 8: vendors — spend over the last twelve months beside a timeline of each contract's term,
//! its notice deadline and whether it renews by itself, so a renewal never arrives unseen.

use chrono::{Datelike, NaiveDate};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::draw::{Ctx, Drawn, LABEL, Mark, Rect, SMALL, Words, date_axis, halo_text, legend, month_axis_height};
use super::format::{compact_money, month_name};
use crate::analytics::series::VendorTimeline;
use crate::domain::Month;

/// The timeline runs from six months before `as_of` to eighteen after.
const MONTHS_BEFORE: i32 = 6;
const MONTHS_AFTER: i32 = 17;
/// Notice deadlines this close are called out.
const SOON_DAYS: i64 = 90;

fn short_date(day: NaiveDate) -> String {
    format!("{} {}", day.day(), month_name(Month::of(day)))
}

pub(super) fn words(d: &VendorTimeline) -> Words {
    let title = match d.scope.initiative {
        Some(_) => format!("{}: vendors and renewals", d.scope.label),
        None => "Vendor spend and renewals".to_owned(),
    };
    let today = d.as_of.first_day();
    let money = |minor| compact_money(minor, d.currency);
    let total: i64 = d.vendors.iter().map(|v| v.spend_minor).sum::<i64>() + d.folded_spend_minor;
    let mut upcoming: Vec<(NaiveDate, &str, &str)> = d
        .vendors
        .iter()
        .flat_map(|v| v.contracts.iter().map(move |c| (c.notice_deadline, v.name.as_str(), c.title.as_str())))
        .filter(|(deadline, _, _)| (0..=SOON_DAYS).contains(&(*deadline - today).num_days()))
        .collect();
    upcoming.sort();
    let subtitle = match upcoming.first() {
        Some((deadline, vendor, _)) => format!(
            "{} with vendors from {} to {}; {} notice deadline{} in the next 90 days, the first {} ({vendor}).",
            money(total),
            month_name(d.first),
            month_name(d.last),
            upcoming.len(),
            if upcoming.len() == 1 { "" } else { "s" },
            short_date(*deadline)
        ),
        None => format!(
            "{} with vendors from {} to {}; no notice deadline in the next 90 days.",
            money(total),
            month_name(d.first),
            month_name(d.last)
        ),
    };
    let mut description = format!(
        "Spend per vendor of {} from {} to {} in {}, beside a timeline of each contract's term with its notice \
         deadline. ",
        d.scope.label,
        month_name(d.first),
        month_name(d.last),
        d.currency
    );
    let largest: Vec<String> =
        d.vendors.iter().take(5).map(|v| format!("{} {}", v.name, money(v.spend_minor))).collect();
    if !largest.is_empty() {
        description.push_str(&format!("Largest: {}. ", largest.join(", ")));
    }
    for (deadline, vendor, contract) in &upcoming {
        description.push_str(&format!("Notice for {vendor} ({contract}) is due {}. ", short_date(*deadline)));
    }
    let footnote = (d.folded > 0)
        .then(|| format!("{} smaller vendors ({} of spend) are not shown.", d.folded, money(d.folded_spend_minor)));
    Words { title, subtitle, description: description.trim_end().to_owned(), footnote }
}

pub(super) fn draw<DB: DrawingBackend>(ctx: &Ctx<'_, DB>, rect: Rect, d: &VendorTimeline) -> Drawn<(), DB> {
    let theme = ctx.theme;
    let entries = vec![
        ("Spend, last 12 months".to_owned(), Mark::Swatch(theme.accent.to_rgba())),
        ("Contract term".to_owned(), Mark::Swatch(theme.reference.mix(0.35))),
        ("Notice deadline".to_owned(), Mark::Diamond(theme.warning.to_rgba())),
        ("Today".to_owned(), Mark::Dashed(theme.text.to_rgba())),
    ];
    let rect = legend(ctx, rect, &entries)?;

    let label_style = ctx.font(LABEL, theme.text);
    let mut widest = 0;
    for v in &d.vendors {
        widest = widest.max(ctx.width(&v.name, &label_style)?);
    }
    let name_width = (widest + ctx.px(16.0)).min(rect.width() * 18 / 100);
    let spend_width = rect.width() * 20 / 100;
    let spend = Rect {
        x0: rect.x0 + name_width,
        y0: rect.y0,
        x1: rect.x0 + name_width + spend_width,
        y1: rect.y1 - month_axis_height(ctx),
    };
    let timeline = Rect { x0: spend.x1 + ctx.px(28.0), y0: rect.y0, x1: rect.x1, y1: spend.y1 };

    let first_month = d.as_of.plus(-MONTHS_BEFORE);
    let months: Vec<Month> = (0..=MONTHS_BEFORE + MONTHS_AFTER).map(|k| first_month.plus(k)).collect();
    let window_start = first_month.first_day();
    let window_end = d.as_of.plus(MONTHS_AFTER + 1).first_day();
    let span = (window_end - window_start).num_days().max(1) as f64;
    let x = |day: NaiveDate| {
        let day = day.clamp(window_start, window_end);
        (f64::from(timeline.x0) + (day - window_start).num_days() as f64 / span * f64::from(timeline.width())).round()
            as i32
    };
    date_axis(ctx, timeline, &months, &x, true)?;

    let highest = d.vendors.iter().map(|v| v.spend_minor).max().unwrap_or(0).max(1);
    let value_room = ctx.px(76.0);
    let bar_x = |minor: i64| {
        spend.x0 + ((minor.max(0) as f64 / highest as f64) * f64::from(spend.width() - value_room)).round() as i32
    };
    let rows = d.vendors.len().max(1);
    let row_h = (f64::from(spend.height()) / rows as f64).min(f64::from(ctx.px(64.0)));
    let today = d.as_of.first_day();
    let small = ctx.font(SMALL, theme.muted);
    for (r, vendor) in d.vendors.iter().enumerate() {
        let y0 = spend.y0 + (r as f64 * row_h).round() as i32;
        let y1 = spend.y0 + ((r + 1) as f64 * row_h).round() as i32;
        let mid = (y0 + y1) / 2;
        if r % 2 == 1 {
            ctx.fill(Rect { x0: rect.x0, y0, x1: rect.x1, y1 }, theme.grid.mix(0.35))?;
        }
        let name = ctx.fit(&vendor.name, &label_style, name_width - ctx.px(16.0))?;
        ctx.text(&name, (spend.x0 - ctx.px(10.0), mid), &label_style, HPos::Right, VPos::Center)?;
        let inset = (row_h * 0.22) as i32;
        if vendor.spend_minor > 0 {
            ctx.fill(
                Rect { x0: spend.x0, y0: y0 + inset, x1: bar_x(vendor.spend_minor), y1: y1 - inset },
                theme.accent.to_rgba(),
            )?;
        }
        ctx.text(
            &compact_money(vendor.spend_minor, d.currency),
            (bar_x(vendor.spend_minor) + ctx.px(8.0), mid),
            &ctx.bold(LABEL, theme.text),
            HPos::Left,
            VPos::Center,
        )?;

        // Contracts share the row in lanes, latest-ending last.
        let shown: Vec<_> =
            vendor.contracts.iter().filter(|c| c.end >= window_start && c.start <= window_end).collect();
        let lanes = shown.len().clamp(1, 3);
        let lane_h = f64::from(y1 - y0 - 2 * inset / 2) / lanes as f64;
        for (lane, contract) in shown.iter().take(3).enumerate() {
            let l0 = y0 + inset / 2 + (lane as f64 * lane_h).round() as i32;
            let l1 = y0 + inset / 2 + ((lane + 1) as f64 * lane_h).round() as i32;
            let lmid = (l0 + l1) / 2;
            let pad = ((l1 - l0) / 6).max(1);
            let (cx0, cx1) = (x(contract.start), x(contract.end));
            ctx.fill(Rect { x0: cx0, y0: l0 + pad, x1: cx1.max(cx0 + 2), y1: l1 - pad }, theme.reference.mix(0.35))?;
            if (window_start..=window_end).contains(&contract.notice_deadline) {
                let soon = (0..=SOON_DAYS).contains(&(contract.notice_deadline - today).num_days());
                let radius = if soon { 8.0 } else { 6.0 };
                ctx.diamond((x(contract.notice_deadline), lmid), radius, theme.warning.to_rgba())?;
            }
            if contract.end <= window_end {
                let what = if contract.auto_renew { "renews" } else { "ends" };
                let text = format!("{what} {}", short_date(contract.end));
                let width = ctx.width(&text, &small)?;
                let (at, h) = if cx1 + ctx.px(8.0) + width <= timeline.x1 {
                    ((cx1 + ctx.px(8.0), lmid), HPos::Left)
                } else {
                    ((cx1 - ctx.px(8.0), lmid), HPos::Right)
                };
                halo_text(ctx, &text, at, &small, h, VPos::Center)?;
            }
        }
    }
    let today_x = x(today);
    ctx.dashed(vec![(today_x, timeline.y0), (today_x, timeline.y1)], theme.text.to_rgba(), 1.5)?;
    ctx.line(vec![(spend.x0, spend.y1), (spend.x1, spend.y1)], theme.axis.to_rgba(), 1.0)
}
