//! KPI values from a CSV file, as a business team keeps them in a spreadsheet: `kpi,date,value`
//! and an optional `note`. Header names are matched ignoring case and order; a column nobody
//! expects is an error, as in every importer.
//!
//! - `kpi`: the name of an existing KPI, ignoring case (`hours-saved` finds "Hours saved"). A
//!   computed KPI takes no imported values.
//! - `date`: `YYYY-MM-DD`, the day the value is for (not after today).
//! - `value`: a plain number in the KPI's unit (`0.93`, `1250`, `-3.5`; `1,250` when quoted).
//!
//! A KPI has one stored value a day: a row sets it (source `imported`), replacing a typed or
//! imported value of that day, and only rows that change something count as written, so
//! importing the same file again writes nothing. The same KPI and day twice in one file is an
//! error.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{
    ImportKind, ImportReport, LineIndex, NameIndex, PREVIEW_ERROR_LIMIT, PREVIEW_ROW_LIMIT, Preview, Problems,
    begin_import, csv_error, file_name, finish_import, is_blank, not_utf8, open_csv, shorten, trim_bytes,
};
use crate::error::Result;
use crate::store::Store;

const COLUMNS: [&str; 4] = ["kpi", "date", "value", "note"];
const REQUIRED: usize = 3;
const EXPECTED: &str = "a KPI values file has the columns kpi, date, value, and optionally note";

/// One checked row.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct KpiValueRow {
    /// The line in the file.
    pub row: u64,
    pub kpi: String,
    pub date: NaiveDate,
    pub value: f64,
    pub note: Option<String>,
    /// The value stored for that day now, which this row replaces.
    pub replaces: Option<f64>,
    #[serde(skip)]
    #[ts(skip)]
    kpi_id: i64,
}

struct Parsed {
    file: String,
    data_rows: usize,
    rows: Vec<KpiValueRow>,
    problems: Problems,
}

const UPSERT: &str = "INSERT INTO kpi_values (kpi_id, date, value, source, note) VALUES (?1, ?2, ?3, 'imported', ?4)
     ON CONFLICT (kpi_id, date) DO UPDATE SET value = excluded.value, source = 'imported', note = excluded.note
     WHERE value <> excluded.value OR note IS NOT excluded.note";

/// Sets the KPI values of a file, all or nothing.
pub fn import_kpi_values(store: &mut Store, path: &Path) -> Result<ImportReport> {
    store.in_transaction(|tx, actor| {
        let parsed = parse(tx, path, super::IMPORT_ERROR_LIMIT)?;
        if !parsed.problems.is_empty() {
            return Err(parsed.problems.into_error());
        }
        let import_id = begin_import(tx, actor, ImportKind::KpiValues, &parsed.file)?;
        let mut written = 0;
        let mut upsert = tx.prepare_cached(UPSERT)?;
        for row in &parsed.rows {
            written += upsert.execute(params![row.kpi_id, row.date.to_string(), row.value, row.note])?;
        }
        drop(upsert);
        let report = ImportReport {
            kind: ImportKind::KpiValues,
            file: parsed.file.clone(),
            rows: parsed.data_rows,
            written,
            duplicates: parsed.rows.len() - written,
            unallocated: 0,
            notes: Vec::new(),
        };
        finish_import(tx, actor, import_id, &report)?;
        Ok(report)
    })
}

/// What [`import_kpi_values`] would do, without writing anything.
pub fn preview_kpi_values(conn: &Connection, path: &Path) -> Result<Preview> {
    let parsed = parse(conn, path, PREVIEW_ERROR_LIMIT)?;
    let mut would_write = 0;
    let mut values = Vec::new();
    for row in &parsed.rows {
        if row.replaces.is_some_and(|v| v == row.value) {
            continue;
        }
        would_write += 1;
        if values.len() < PREVIEW_ROW_LIMIT {
            values.push(row.clone());
        }
    }
    Ok(Preview {
        kind: ImportKind::KpiValues,
        file: parsed.file,
        rows: parsed.data_rows,
        would_write,
        duplicates: parsed.rows.len() - would_write,
        unallocated: 0,
        sample: Vec::new(),
        kpi_values: values,
        stopped_early: parsed.problems.is_full(),
        errors: parsed.problems.errors,
        notes: Vec::new(),
    })
}

fn parse(conn: &Connection, path: &Path, limit: usize) -> Result<Parsed> {
    let file = file_name(path);
    let mut parsed =
        Parsed { file: file.clone(), data_rows: 0, rows: Vec::new(), problems: Problems::new(&file, limit) };
    let mut reader = open_csv(path)?;
    let mut lines = LineIndex::open(path)?;
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        parsed.problems.add(1, None, None, format!("the file is empty; {EXPECTED}"));
        return Ok(parsed);
    }
    let mut index: [Option<usize>; 4] = [None; 4];
    let mut spelled: [String; 4] = COLUMNS.map(str::to_owned);
    for (position, raw) in record.iter().enumerate() {
        let Ok(name) = std::str::from_utf8(trim_bytes(raw)) else {
            parsed.problems.add(1, None, None, format!("the header has a column name that {}", not_utf8(raw)));
            continue;
        };
        if name.is_empty() || name.eq_ignore_ascii_case("id") {
            continue;
        }
        match COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)) {
            Some(which) if index[which].is_some() => {
                parsed.problems.add(1, Some(name), Some(name), "appears twice in the header; keep one".to_owned())
            }
            Some(which) => {
                index[which] = Some(position);
                spelled[which] = name.to_owned();
            }
            None => parsed.problems.add(1, Some(name), Some(name), format!("is not a column; {EXPECTED}")),
        }
    }
    let missing: Vec<&str> = (0..REQUIRED).filter(|&c| index[c].is_none()).map(|c| COLUMNS[c]).collect();
    if !missing.is_empty() {
        parsed.problems.add(1, None, None, format!("the header has no {} column; {EXPECTED}", missing.join(", ")));
    }
    if !parsed.problems.is_empty() {
        return Ok(parsed);
    }

    let kpis = NameIndex::load(conn, "kpis")?;
    let computed: HashMap<i64, String> = conn
        .prepare("SELECT id, formula FROM kpis WHERE formula IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stored = conn.prepare_cached("SELECT value FROM kpi_values WHERE kpi_id = ?1 AND date = ?2")?;
    let mut seen: HashMap<(i64, NaiveDate), u64> = HashMap::new();
    let today = crate::plan::period::today();
    let mut scratch = String::new();
    while !parsed.problems.is_full() && reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        if is_blank(&record) {
            continue;
        }
        parsed.data_rows += 1;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()))?;
        let problems = &mut parsed.problems;
        let mut cell = |c: usize| -> Option<String> {
            let raw = index[c].and_then(|i| record.get(i)).map(trim_bytes).unwrap_or_default();
            match std::str::from_utf8(raw) {
                Ok(text) => Some(text.to_owned()),
                Err(_) => {
                    problems.add(line, Some(&spelled[c]), None, not_utf8(raw));
                    None
                }
            }
        };
        let (Some(kpi_text), Some(date_text), Some(value_text)) = (cell(0), cell(1), cell(2)) else { continue };
        let note = cell(3).filter(|n| !n.is_empty());
        let kpi = if kpi_text.is_empty() {
            parsed.problems.add(line, Some(&spelled[0]), None, "is empty; name the KPI".into());
            None
        } else {
            match kpis.find_loosely(&kpi_text, &mut scratch) {
                Some(id) => match computed.get(&id) {
                    Some(formula) => {
                        parsed.problems.add(
                            line,
                            Some(&spelled[0]),
                            Some(&kpi_text),
                            format!("is computed ({formula}); its values come from the portfolio, so leave it out"),
                        );
                        None
                    }
                    None => Some(id),
                },
                None => {
                    parsed.problems.add(
                        line,
                        Some(&spelled[0]),
                        Some(&kpi_text),
                        "is not a KPI of this portfolio; `mlops-portfolio list kpi` shows their names, `add kpi` \
                         creates one"
                            .into(),
                    );
                    None
                }
            }
        };
        let date = match date_text.parse::<NaiveDate>() {
            Ok(date) if date > today => {
                parsed.problems.add(
                    line,
                    Some(&spelled[1]),
                    Some(&date_text),
                    format!("{date} is after today ({today}); a KPI value is for a day that has come"),
                );
                None
            }
            Ok(date) => Some(date),
            Err(_) => {
                parsed.problems.add(
                    line,
                    Some(&spelled[1]),
                    Some(&date_text),
                    format!("`{}` is not a date; write it as YYYY-MM-DD, like 2026-11-30", shorten(&date_text)),
                );
                None
            }
        };
        let value = match parse_value(&value_text) {
            Ok(value) => Some(value),
            Err(problem) => {
                parsed.problems.add(line, Some(&spelled[2]), Some(&value_text), problem);
                None
            }
        };
        let (Some(kpi_id), Some(date), Some(value)) = (kpi, date, value) else { continue };
        if let Some(first) = seen.insert((kpi_id, date), line) {
            parsed.problems.add(
                line,
                Some(&spelled[1]),
                Some(&date_text),
                format!("{kpi_text} already has a value for {date} on row {first}; a KPI has one value a day"),
            );
            continue;
        }
        let replaces: Option<f64> = stored.query_row(params![kpi_id, date.to_string()], |r| r.get(0)).optional()?;
        parsed.rows.push(KpiValueRow {
            row: line,
            kpi: kpis.name(kpi_id).unwrap_or(kpi_text),
            date,
            value,
            note,
            replaces,
            kpi_id,
        });
    }
    Ok(parsed)
}

/// A KPI value: a plain finite number; thousands separators are allowed.
fn parse_value(text: &str) -> std::result::Result<f64, String> {
    if text.is_empty() {
        return Err("is empty; give the value as a number".into());
    }
    if text.ends_with('%') {
        return Err(format!(
            "`{}` has a percent sign; write the number alone, in the KPI's unit (0.93 for a rate, 93 for a KPI in %)",
            shorten(text)
        ));
    }
    let plain: String = text.chars().filter(|c| *c != ',').collect();
    match plain.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("`{}` is not a number; write it like 0.93 or 1250 (a dot for decimals)", shorten(text))),
    }
}
