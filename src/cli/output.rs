//! How the CLI prints answers: tables and aligned fields for people, JSON for scripts.

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, ContentArrangement, Table as TextTable};
use mlops_portfolio::analytics::forecast::{Band, ForecastReport, Outlook, SeriesForecast};
use mlops_portfolio::api::RecordView;
use mlops_portfolio::domain::{Currency, EntityKind, FxRate, Money, Month, a, group_thousands};
use mlops_portfolio::io::{ImportReport, Preview};
use mlops_portfolio::plan::Summary;
use mlops_portfolio::store::audit::AuditEntry;
use mlops_portfolio::store::records::Labels;
use mlops_portfolio::store::schema::{ColumnKind, Table, table};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;

pub fn print_json(value: &impl Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints JSON when asked for, otherwise runs `human`.
pub fn print_json_or(value: &impl Serialize, json: bool, human: impl FnOnce()) -> Result<()> {
    if json {
        print_json(value)
    } else {
        human();
        Ok(())
    }
}

pub fn new_table(headers: Vec<String>) -> TextTable {
    let mut t = TextTable::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_header(headers);
    t
}

/// A field's value as a person reads it: money with thousands and currency, references by name.
fn display(conn: &Connection, labels: &mut Labels, kind: ColumnKind, value: &Value) -> Result<String> {
    Ok(match (kind, value) {
        (_, Value::Null) => String::new(),
        (ColumnKind::Money, v) => serde_json::from_value::<Money>(v.clone()).map(|m| m.to_string()).unwrap_or_default(),
        (ColumnKind::Ref(target), v) => match v.as_i64() {
            Some(id) => labels.get(conn, target, id)?.map_or_else(|| format!("#{id}"), str::to_owned),
            None => String::new(),
        },
        (ColumnKind::List, Value::Array(items)) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    })
}

pub fn print_records(conn: &Connection, kind: EntityKind, records: &[RecordView]) -> Result<()> {
    let t = table(kind);
    if records.is_empty() {
        println!("No {kind} records. `mlops-portfolio add {kind} ...` adds one; `fields {kind}` lists the fields.");
        return Ok(());
    }
    let mut labels = Labels::default();
    let mut headers = vec!["id".to_owned()];
    headers.extend(t.columns.iter().map(|c| c.field.trim_end_matches("_id").to_owned()));
    let mut out = new_table(headers);
    for record in records {
        let mut row = vec![record.id.to_string()];
        for column in t.columns {
            let text =
                display(conn, &mut labels, column.kind, record.fields.get(column.field).unwrap_or(&Value::Null))?;
            row.push(mlops_portfolio::domain::shorten(&text, 39));
        }
        out.add_row(row);
    }
    for (i, column) in t.columns.iter().enumerate() {
        if matches!(column.kind, ColumnKind::Money | ColumnKind::Integer | ColumnKind::Real)
            && let Some(c) = out.column_mut(i + 1)
        {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    println!("{out}");
    println!("{} {}", records.len(), if records.len() == 1 { "record" } else { "records" });
    Ok(())
}

pub fn print_record(conn: &Connection, record: &RecordView) -> Result<()> {
    let t = table(record.kind);
    let mut labels = Labels::default();
    let width = t.columns.iter().map(|c| c.field.len()).max().unwrap_or(2);
    println!("{:width$}  {}", "id", record.id);
    for column in t.columns {
        let text = display(conn, &mut labels, column.kind, record.fields.get(column.field).unwrap_or(&Value::Null))?;
        println!("{:width$}  {text}", column.field);
    }
    Ok(())
}

pub fn print_fields(t: &Table) {
    let mut out = new_table(vec!["field".into(), "kind".into(), "required".into(), "write it like".into()]);
    for column in t.columns {
        let (kind, example) = match column.kind {
            ColumnKind::Text => ("text", example_text(column.field)),
            ColumnKind::Integer => ("whole number", "3".to_owned()),
            ColumnKind::Real => ("number", "0.92".to_owned()),
            ColumnKind::Bool => ("yes/no", "true".to_owned()),
            ColumnKind::Money => ("money", "1,250.00 EUR (currency defaults to the base)".to_owned()),
            ColumnKind::List => ("list", "pii,financial".to_owned()),
            ColumnKind::Ref(target) => ("reference", format!("{}'s id or name", a(target))),
        };
        out.add_row(vec![
            column.field.to_owned(),
            kind.to_owned(),
            if column.required { "yes" } else { "" }.to_owned(),
            example,
        ]);
    }
    println!("Fields of a {}:\n{out}", t.kind);
}

fn example_text(field: &str) -> String {
    match field {
        "start" | "end" | "month" => "2026-03 (a month; contracts and reviews take 2026-03-31)".into(),
        "date" => "2026-03-31".into(),
        "status" | "stage" | "risk_tier" | "category" | "source" | "kind" | "auth" | "direction" => {
            "one of the listed words (an error lists them)".into()
        }
        _ => "any text".into(),
    }
}

pub fn print_rates(rates: &[FxRate]) {
    if rates.is_empty() {
        println!("No exchange rates. `mlops-portfolio fx set EUR 1.08` adds one.");
        return;
    }
    for rate in rates {
        println!("1 {} = {}", rate.currency, rate.rate);
    }
}

fn money(minor: i64, summary: &Summary) -> String {
    Money::new(minor, summary.base_currency).to_string()
}

pub fn print_summary(s: &Summary) {
    println!("Portfolio, {} — amounts in {}", s.to_date_words, s.base_currency);
    println!(
        "{} initiatives · {} people · {} open requisitions · {} models · {} vendors",
        s.initiatives, s.headcount, s.open_requisitions, s.models, s.vendors
    );
    let label = &s.period.label;
    let over_under = |minor: i64| format!("{} {}", money(minor.abs(), s), if minor > 0 { "over" } else { "under" });
    match s.budget_period_minor {
        Some(budget) => println!("Budget {label:<13}{:>22}", money(budget, s)),
        None => println!("Budget {label:<13}{:>22}", format!("no budget set for {label}")),
    }
    println!("Budget to date      {:>22}", money(s.budget_to_date_minor, s));
    println!(
        "Actual to date      {:>22}  ({})",
        money(s.actual_to_date_minor, s),
        over_under(s.variance_to_date_minor)
    );
    if let Some(mtd) = &s.month_to_date {
        println!(
            "  {} so far        {:>20}  (of {} budgeted to date this month)",
            mtd.month,
            money(mtd.actual_minor, s),
            money(mtd.budget_minor, s)
        );
    }
    println!("  of it unallocated {:>22}  (spend no initiative claims)", money(s.unallocated_actual_minor, s));
    match (s.landing, s.budget_period_minor) {
        (Some(l), Some(budget)) => println!(
            "Landing {label:<12}{:>22}  (95%: {} to {}; {})",
            money(l.point_minor, s),
            money(l.lower_minor, s),
            money(l.upper_minor, s),
            over_under(l.point_minor - budget)
        ),
        (Some(l), None) => println!("Landing {label:<12}{:>22}", money(l.point_minor, s)),
        _ => {}
    }
    if let Some(month) = s.run_out {
        let verb = if month <= s.as_of { "ran out in " } else { "runs out in" };
        println!("Budget {verb}  {:>22}", month.to_string());
    }
    if !s.by_initiative.is_empty() {
        let mut out = new_table(vec![
            "initiative".into(),
            "status".into(),
            format!("budget {label}"),
            "budget to date".into(),
            "actual to date".into(),
            "over (+) / under (−)".into(),
            "landing".into(),
            "runs out".into(),
        ]);
        for i in &s.by_initiative {
            let f = &i.figures;
            out.add_row(vec![
                i.name.clone(),
                i.status.as_str().to_owned(),
                f.budget_period_minor.map_or_else(|| "none set".to_owned(), |b| group_minor(b, s)),
                group_minor(f.budget_to_date_minor, s),
                group_minor(f.actual_to_date_minor, s),
                signed_minor(f.variance_to_date_minor, s),
                f.landing.map_or_else(String::new, |l| group_minor(l.point_minor, s)),
                f.run_out.map_or_else(String::new, |m| m.to_string()),
            ]);
        }
        align_right(&mut out, 2..7);
        println!("{out}");
    }
    let join = |m: &std::collections::BTreeMap<String, u64>| {
        if m.is_empty() {
            "none".to_owned()
        } else {
            m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
        }
    };
    println!("Models by stage: {}", join(&s.models_by_stage));
    println!("Models by risk tier: {}", join(&s.models_by_risk_tier));
    if s.attention.is_empty() {
        println!("Needs attention: nothing");
    } else {
        println!("Needs attention:");
        for item in s.attention.iter().take(s.attention_shown as usize) {
            println!("  - {}. {}.", item.headline, item.detail);
        }
        let more = s.attention.len().saturating_sub(s.attention_shown as usize);
        if more > 0 {
            println!("  …and {more} more (summary --json lists them all)");
        }
    }
    if !s.set_aside.is_empty() {
        println!("Left out of forecasts as one-off:");
        for a in &s.set_aside {
            let why = match a.reason {
                mlops_portfolio::plan::SetAsideReason::Marked => "marked one-off",
                mlops_portfolio::plan::SetAsideReason::Detected => "far from its neighbours",
            };
            println!("  - {} {}, {}: {} ({why})", a.series, a.category.as_str(), a.month, money(a.amount_minor, s));
        }
    }
}

/// `+1,234.50` over, `−1,234.50` under.
fn signed_minor(minor: i64, s: &Summary) -> String {
    match minor {
        m if m > 0 => format!("+{}", group_minor(m, s)),
        m if m < 0 => format!("−{}", group_minor(-m, s)),
        _ => group_minor(0, s),
    }
}

fn group_minor(minor: i64, s: &Summary) -> String {
    grouped(minor, s.base_currency)
}

/// An amount in a table whose heading names the currency: `1,234.50`.
fn grouped(minor: i64, currency: Currency) -> String {
    group_thousands(Money::new(minor, currency).to_decimal())
}

fn align_right(table: &mut TextTable, columns: std::ops::Range<usize>) {
    for c in columns {
        if let Some(col) = table.column_mut(c) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// What a forecast is, or why there is none, in a few words.
fn outlook_words(outlook: &Outlook) -> String {
    match outlook {
        Outlook::Forecast { model, months_of_history, .. } => format!("{model}, {months_of_history} months of history"),
        Outlook::InsufficientHistory { months_available, months_needed } => {
            format!("too little history to forecast ({months_available} of {months_needed} months)")
        }
        Outlook::Ended => "ended: no spend expected".to_owned(),
    }
}

pub fn print_forecast(r: &ForecastReport, one_initiative: bool) {
    let cur = r.base_currency;
    let through = r.actuals_through.map_or_else(|| "no actuals yet".to_owned(), |m| format!("actuals through {m}"));
    println!("Forecast as of {} — amounts in {cur}, {:.0}% prediction intervals; {through}", r.as_of, r.level * 100.0);
    let focus: Vec<(&str, &SeriesForecast)> = if one_initiative {
        r.initiatives.iter().map(|i| (i.name.as_str(), &i.forecast)).collect()
    } else {
        vec![("Portfolio", &r.portfolio)]
    };
    for (name, series) in focus {
        println!("\n{name}: {}", outlook_words(&series.outlook));
        if let Outlook::Forecast { months, .. } = &series.outlook {
            let budget: std::collections::HashMap<Month, i64> =
                series.budget.iter().map(|b| (b.month, b.amount_minor)).collect();
            let mut out = new_table(vec![
                "month".into(),
                "forecast".into(),
                "low 95%".into(),
                "high 95%".into(),
                "budget".into(),
            ]);
            for m in months {
                out.add_row(vec![
                    m.month.to_string(),
                    grouped(m.point_minor, cur),
                    grouped(m.lower_minor, cur),
                    grouped(m.upper_minor, cur),
                    budget.get(&m.month).map_or_else(String::new, |b| grouped(*b, cur)),
                ]);
            }
            align_right(&mut out, 1..5);
            println!("{out}");
        }
        let y = &series.year_end;
        let landing = match y.landing {
            Some(l) => format!(
                "lands at {} ({} – {}), {} {}",
                grouped(l.point_minor, cur),
                grouped(l.lower_minor, cur),
                grouped(l.upper_minor, cur),
                grouped(y.over_budget_minor.unwrap_or(0).abs(), cur),
                if y.over_budget_minor.unwrap_or(0) > 0 { "over budget" } else { "under budget" }
            ),
            None => "no landing without a forecast".to_owned(),
        };
        println!(
            "Year end {}: budget {}, actual to date {}, {landing}; {}",
            y.year,
            y.budget_minor.map_or_else(|| "none set".to_owned(), |b| grouped(b, cur)),
            grouped(y.actual_to_date_minor, cur),
            run_out_words(y.run_out, y.run_out_earliest, y.landing.is_some())
        );
    }

    if !one_initiative && !r.initiatives.is_empty() {
        let year = r.portfolio.year_end.year;
        let mut out = new_table(vec![
            "initiative".into(),
            "forecast".into(),
            format!("budget {year}"),
            "landing".into(),
            "low 95%".into(),
            "high 95%".into(),
            "against budget".into(),
            "runs out".into(),
        ]);
        for i in &r.initiatives {
            let y = &i.forecast.year_end;
            let band = |pick: fn(&Band) -> i64| y.landing.as_ref().map_or_else(String::new, |l| grouped(pick(l), cur));
            out.add_row(vec![
                i.name.clone(),
                match &i.forecast.outlook {
                    Outlook::Forecast { model, .. } => model.clone(),
                    Outlook::InsufficientHistory { months_available, months_needed } => {
                        format!("too little history ({months_available} of {months_needed} months)")
                    }
                    Outlook::Ended => "ended".to_owned(),
                },
                y.budget_minor.map_or_else(|| "none set".to_owned(), |b| grouped(b, cur)),
                band(|b| b.point_minor),
                band(|b| b.lower_minor),
                band(|b| b.upper_minor),
                y.over_budget_minor.map_or_else(String::new, |v| {
                    format!("{} {}", grouped(v.abs(), cur), if v > 0 { "over" } else { "under" })
                }),
                y.run_out.map_or_else(String::new, |m| m.to_string()),
            ]);
        }
        align_right(&mut out, 2..7);
        println!("\nInitiatives, year end {year}:\n{out}");
    }

    let mut out = if one_initiative {
        new_table(vec![
            "month".into(),
            "allocated %".into(),
            "open reqs".into(),
            "people cost".into(),
            "requisitions".into(),
            "total".into(),
        ])
    } else {
        new_table(vec![
            "month".into(),
            "people".into(),
            "open reqs".into(),
            "people cost".into(),
            "requisitions".into(),
            "total".into(),
            "unallocated".into(),
        ])
    };
    for m in &r.headcount.months {
        if one_initiative {
            let cost = m.by_initiative.first();
            out.add_row(vec![
                m.month.to_string(),
                cost.map_or(0, |c| c.allocated_percent).to_string(),
                cost.map_or(0, |c| c.open_requisitions).to_string(),
                grouped(cost.map_or(0, |c| c.people_cost_minor), cur),
                grouped(cost.map_or(0, |c| c.requisition_cost_minor), cur),
                grouped(cost.map_or(0, |c| c.total_cost_minor), cur),
            ]);
        } else {
            out.add_row(vec![
                m.month.to_string(),
                m.people.to_string(),
                m.open_requisitions.to_string(),
                grouped(m.people_cost_minor, cur),
                grouped(m.requisition_cost_minor, cur),
                grouped(m.total_cost_minor, cur),
                grouped(m.unallocated_people_cost_minor, cur),
            ]);
        }
    }
    align_right(&mut out, 1..7);
    println!("\nHeadcount cost (people, allocations, open requisitions from their start month):\n{out}");
}

fn run_out_words(run_out: Option<Month>, earliest: Option<Month>, forecast: bool) -> String {
    match (run_out, earliest) {
        (Some(m), Some(e)) if e < m => format!("the budget runs out in {m} (as early as {e})"),
        (Some(m), _) => format!("the budget runs out in {m}"),
        (None, Some(e)) => format!("the budget lasts on the forecast, but could run out as early as {e}"),
        (None, None) if forecast => "the budget lasts through the forecast".to_owned(),
        (None, None) => "the budget has not run out yet".to_owned(),
    }
}

pub fn print_audit(entries: &[AuditEntry]) {
    let mut out = new_table(vec!["at".into(), "actor".into(), "action".into(), "entity".into(), "id".into()]);
    for e in entries {
        out.add_row(vec![
            e.at.clone(),
            e.actor.clone(),
            e.action.clone(),
            e.entity.clone(),
            e.entity_id.map(|i| i.to_string()).unwrap_or_default(),
        ]);
    }
    println!("{out}");
}

pub fn print_import(report: &ImportReport) {
    println!(
        "Imported {} ({}): {} rows read, {} written, {} already present, {} unallocated.",
        report.file, report.kind, report.rows, report.written, report.duplicates, report.unallocated
    );
    for note in &report.notes {
        println!("Note: {note}");
    }
}

pub fn print_preview(preview: &Preview) {
    println!(
        "Preview of {} ({}): {} rows read; an import would write {}, skip {} already present, and book {} as unallocated.",
        preview.file, preview.kind, preview.rows, preview.would_write, preview.duplicates, preview.unallocated
    );
    if !preview.sample.is_empty() {
        let mut out =
            new_table(vec!["row".into(), "initiative".into(), "month".into(), "category".into(), "amount".into()]);
        for row in &preview.sample {
            out.add_row(vec![
                row.row.to_string(),
                row.initiative.clone().unwrap_or_else(|| "(unallocated)".into()),
                row.month.to_string(),
                row.category.to_string(),
                row.amount.to_string(),
            ]);
        }
        println!("{out}");
    }
    for note in &preview.notes {
        println!("Note: {note}");
    }
    if preview.errors.is_empty() {
        println!("No problems found: nothing was written.");
    } else {
        println!(
            "{} problems{} — nothing was written:",
            preview.errors.len(),
            if preview.stopped_early { " (stopped early)" } else { "" }
        );
        for error in &preview.errors {
            println!("  {error}");
        }
    }
}

/// Connections as a table; ⚠ marks those that skip TLS verification, with the warning below.
pub fn print_connections(records: &[RecordView]) {
    if records.is_empty() {
        println!("No connections. `mlops-portfolio connection add NAME --kind prometheus --url URL` adds one.");
        return;
    }
    let text = |record: &RecordView, field: &str| match record.fields.get(field) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut out = new_table(
        ["", "id", "name", "kind", "url", "auth", "user", "ca file", "every (min)"].map(str::to_owned).to_vec(),
    );
    let mut insecure = Vec::new();
    for record in records {
        let skips_tls = record.fields.get("insecure_skip_verify").and_then(Value::as_bool).unwrap_or(false);
        if skips_tls {
            insecure.push(text(record, "name"));
        }
        out.add_row(vec![
            if skips_tls { "⚠".to_owned() } else { String::new() },
            record.id.to_string(),
            text(record, "name"),
            text(record, "kind"),
            text(record, "base_url"),
            text(record, "auth"),
            text(record, "username"),
            text(record, "ca_file"),
            text(record, "interval_minutes"),
        ]);
    }
    println!("{out}");
    for name in insecure {
        println!("⚠ {}", mlops_portfolio::connect::probe::insecure_warning(&name));
    }
}

/// The outcome of `connection test` in words.
pub fn print_connection_test(report: &mlops_portfolio::connect::probe::ConnectionTest) {
    let yes_no = |v: bool| if v { "yes" } else { "no" };
    println!("Connection `{}` ({})", report.connection, report.kind);
    println!("  reachable:     {}", yes_no(report.reachable));
    println!(
        "  authenticated: {}",
        match report.authenticated {
            Some(v) => yes_no(v),
            None if report.ok => "not applicable (no credentials)",
            None => "not checked",
        }
    );
    println!("  version:       {}", report.version.as_deref().unwrap_or("unknown"));
    println!("{}", report.summary);
    for warning in &report.warnings {
        println!("⚠ {warning}");
    }
}

pub fn print_planning_settings(s: &mlops_portfolio::api::commands::PlanningSettings) {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let first = MONTHS.get((s.fiscal_year_start as usize).saturating_sub(1)).copied().unwrap_or("January");
    println!("Fiscal year starts in {first} ({})", s.fiscal_year_start);
    println!(
        "Attention floor: {} {}{}",
        grouped(s.attention_floor_minor, s.base_currency),
        s.base_currency,
        if s.attention_floor_is_default { " (the default)" } else { "" }
    );
}

pub fn print_scenarios(all: &[mlops_portfolio::api::scenarios::StoredScenario]) {
    if all.is_empty() {
        println!("No scenarios yet. Create one with `scenario new NAME`.");
        return;
    }
    for scenario in all {
        let changes = match scenario.changes.len() {
            0 => "no changes".to_owned(),
            1 => "1 change".to_owned(),
            n => format!("{n} changes"),
        };
        println!("{} — {changes}", scenario.name);
        if !scenario.note.is_empty() {
            for line in scenario.note.lines() {
                println!("    {line}");
            }
        }
        for (k, change) in scenario.changes.iter().enumerate() {
            println!("  {}. {change}", k + 1);
        }
    }
}

/// `+1,250.00` / `-300.00` / `0.00`: a difference, signed.
fn signed(minor: i64, currency: Currency) -> String {
    let sign = if minor > 0 {
        "+"
    } else if minor < 0 {
        "-"
    } else {
        ""
    };
    format!("{sign}{}", grouped(minor.abs(), currency))
}

fn month_or_none(month: Option<Month>) -> String {
    month.map_or("—".to_owned(), |m| m.to_string())
}

/// One money figure of a scenario's column.
type FigureOf = fn(&mlops_portfolio::plan::scenario::ScenarioFigures) -> i64;

/// The money rows of `scenario show` and `scenario compare`, in order.
const SCENARIO_MONEY_ROWS: [(&str, FigureOf); 4] = [
    ("Landing", |f| f.landing_minor),
    ("Still to spend", |f| f.spend_minor),
    ("People cost", |f| f.people_cost_minor),
    ("Budget", |f| f.budget_minor),
];

pub fn print_scenario_view(view: &mlops_portfolio::plan::scenario::ScenarioView) {
    let currency = view.currency;
    println!("Scenario `{}` — {} as of {}, amounts in {currency}", view.name, view.period, view.as_of);
    let mut table = new_table(["", "Baseline", "Scenario", "Difference"].map(String::from).to_vec());
    for (label, value) in SCENARIO_MONEY_ROWS {
        let shown = |f: &mlops_portfolio::plan::scenario::ScenarioFigures| {
            if label == "Budget" && !f.budget_set { "none set".to_owned() } else { grouped(value(f), currency) }
        };
        table.add_row(vec![
            label.to_owned(),
            shown(&view.baseline),
            shown(&view.scenario),
            signed(value(&view.delta), currency),
        ]);
    }
    table.add_row(vec![
        "Headcount at the end".to_owned(),
        view.baseline.headcount_end.to_string(),
        view.scenario.headcount_end.to_string(),
        format!("{:+}", view.delta.headcount_end),
    ]);
    table.add_row(vec![
        "Budget runs out".to_owned(),
        month_or_none(view.baseline.run_out),
        month_or_none(view.scenario.run_out),
        String::new(),
    ]);
    align_right(&mut table, 1..4);
    println!("{table}");
    let moved: Vec<_> =
        view.delta.by_initiative.iter().filter(|i| i.landing_minor != 0 || i.headcount_end != 0).collect();
    if !moved.is_empty() {
        println!("Initiatives it changes:");
        for i in moved {
            println!(
                "  {}: landing {}, people cost {}, headcount {:+}",
                i.name,
                signed(i.landing_minor, currency),
                signed(i.people_cost_minor, currency),
                i.headcount_end
            );
        }
    }
    if let Some(changes) = &view.changes {
        println!("Each change, applied in order (they add up to the difference):");
        for c in changes {
            println!(
                "  {}. {}: landing {}, people cost {}, headcount {:+}",
                c.position,
                c.text,
                signed(c.delta.landing_minor, currency),
                signed(c.delta.people_cost_minor, currency),
                c.delta.headcount_end
            );
        }
    }
}

pub fn print_comparison(comparison: &mlops_portfolio::plan::scenario::Comparison) {
    let currency = comparison.currency;
    println!("{} as of {}, amounts in {currency}", comparison.period, comparison.as_of);
    let mut headers = vec![String::new()];
    headers.extend(comparison.columns.iter().map(|c| c.name.clone()));
    let mut table = new_table(headers);
    for (label, value) in SCENARIO_MONEY_ROWS {
        let mut row = vec![label.to_owned()];
        row.extend(comparison.columns.iter().map(|c| {
            if label == "Budget" && !c.figures.budget_set {
                "none set".to_owned()
            } else {
                grouped(value(&c.figures), currency)
            }
        }));
        table.add_row(row);
    }
    let mut headcount = vec!["Headcount at the end".to_owned()];
    headcount.extend(comparison.columns.iter().map(|c| c.figures.headcount_end.to_string()));
    table.add_row(headcount);
    let mut run_out = vec!["Budget runs out".to_owned()];
    run_out.extend(comparison.columns.iter().map(|c| month_or_none(c.figures.run_out)));
    table.add_row(run_out);
    align_right(&mut table, 1..comparison.columns.len() + 1);
    println!("{table}");
}

pub fn print_scorecard(card: &mlops_portfolio::plan::kpi::Scorecard) {
    let c = card.counts;
    println!(
        "KPIs on {}: {} red, {} amber, {} stale, {} without data, {} green.",
        card.as_of, c.red, c.amber, c.stale, c.no_data, c.green
    );
    if card.rows.is_empty() {
        println!("No KPIs yet: `add kpi name=... unit=... direction=higher_is_better target_low=...`.");
        return;
    }
    let mut table = new_table(
        ["Status", "KPI", "Initiative", "Value", "Target", "As of", "Trend", "Source"].map(String::from).to_vec(),
    );
    for row in &card.rows {
        let as_of = match (row.as_of, row.age_days) {
            (Some(day), Some(age)) if age > 0 => format!("{day} ({age} d ago)"),
            (Some(day), _) => day.to_string(),
            _ => "—".to_owned(),
        };
        table.add_row(vec![
            row.status.as_str().replace('_', " "),
            row.name.clone(),
            row.initiative.clone().unwrap_or_else(|| "—".into()),
            row.value_text.clone().unwrap_or_else(|| "—".to_owned()),
            row.target_text.clone(),
            as_of,
            row.trend.as_str().to_owned(),
            row.source.map_or("—".to_owned(), |s| s.as_str().to_owned()),
        ]);
    }
    align_right(&mut table, 3..4);
    println!("{table}");
}

pub fn print_model_costs(costs: &mlops_portfolio::plan::model_cost::ModelCosts) {
    let currency = costs.currency;
    let through = costs
        .months
        .last()
        .map_or(String::new(), |m| format!(", through {}", mlops_portfolio::domain::words::month_label(*m, true)));
    println!("Fully loaded cost per model, {}{through} ({currency}).", costs.period.label);
    let mut table =
        new_table(["Model", "Infrastructure", "People", "Vendors", "Shared", "Total"].map(String::from).to_vec());
    for m in costs.models.iter().filter(|m| m.total_minor != 0) {
        table.add_row(vec![
            m.name.clone(),
            grouped(m.infra_minor, currency),
            grouped(m.people_minor, currency),
            grouped(m.vendor_minor, currency),
            grouped(m.shared_minor, currency),
            grouped(m.total_minor, currency),
        ]);
    }
    table.add_row(vec![
        "Unattributed".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        grouped(costs.unattributed_minor, currency),
    ]);
    table.add_row(vec![
        "Total spend".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        grouped(costs.total_minor, currency),
    ]);
    align_right(&mut table, 1..6);
    println!("{table}");
    let idle = costs.models.iter().filter(|m| m.total_minor == 0).count();
    if idle > 0 {
        println!("{idle} model(s) cost nothing in the period.");
    }
    println!("How each part is placed:");
    for rule in &costs.rules {
        println!("  {}: {}", rule.label, rule.rule);
    }
    println!("  Unattributed: spend of no initiative, or of an initiative without models — shown, never spread.");
}

pub fn print_initiative_values(values: &[mlops_portfolio::plan::value::InitiativeValue]) {
    if values.is_empty() {
        println!(
            "No initiative states an annual benefit yet: `update initiative NAME annual_benefit=\"1200000 USD\"`."
        );
        return;
    }
    let mut table = new_table(
        ["Initiative", "Annual benefit", "Annual cost", "ROI", "Spent since start", "Payback"]
            .map(String::from)
            .to_vec(),
    );
    for v in values {
        table.add_row(vec![
            v.name.clone(),
            grouped(v.annual_benefit_minor, v.currency),
            grouped(v.annual_cost_minor, v.currency),
            v.roi.map_or("—".to_owned(), |r| format!("{r:.1}×")),
            grouped(v.spend_to_date_minor, v.currency),
            v.payback_months.map_or("—".to_owned(), |p| format!("{p:.1} months of benefit")),
        ]);
    }
    align_right(&mut table, 1..5);
    println!("{table}");
    println!(
        "ROI = the annual benefit ÷ the cost of the last 12 closed months (annualised when fewer); payback = \
         what it has spent since it began ÷ the monthly benefit."
    );
}
