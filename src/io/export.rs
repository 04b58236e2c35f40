//! Exports: one table as CSV, or the whole portfolio as an XLSX workbook with a sheet per table
//! (the report adds its forecast sheets: [`crate::report::xlsx`]).
//!
//! Both are built from the same [`Sheet`]s, read through the table descriptors: references are
//! written as the referenced record's name (so the budgets and actuals CSVs can be edited and
//! imported again), money as a decimal amount beside its currency code.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use rusqlite::Connection;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::domain::Money;
use crate::error::{Error, Result};
use crate::store::records::{Filter, Labels, list_json};
use crate::store::schema::{ColumnKind, TABLES, Table};

/// One value of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Number(f64),
    Money(Money),
}

/// A table ready to be written: headers and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The names `export csv --table` accepts: each record kind (`budget`) or its table (`budget_lines`),
/// plus the portfolio-wide tables.
pub fn table_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    names.extend(["fx_rates", "imports", "audit_log"]);
    names
}

/// Reads one table by its kind word or table name.
pub fn sheet(conn: &Connection, name: &str) -> Result<Sheet> {
    let wanted = name.trim().to_ascii_lowercase();
    if let Some(t) = TABLES.iter().find(|t| t.name == wanted || t.kind.as_str() == wanted) {
        return entity_sheet(conn, t);
    }
    match wanted.as_str() {
        "fx_rates" | "fx" => {
            plain_sheet(conn, "fx_rates", "SELECT currency, rate, updated_at FROM fx_rates ORDER BY currency")
        }
        "imports" => plain_sheet(
            conn,
            "imports",
            "SELECT id, kind, file, rows, written, imported_at, actor FROM imports ORDER BY id",
        ),
        "audit_log" | "audit" => plain_sheet(
            conn,
            "audit_log",
            "SELECT id, at, actor, entity, entity_id, action, before, after FROM audit_log ORDER BY id",
        ),
        _ => Err(Error::Validation(format!("there is no table `{name}`; choose one of: {}", table_names().join(", ")))),
    }
}

/// Every table, in the order of the workbook.
pub fn all_sheets(conn: &Connection) -> Result<Vec<Sheet>> {
    table_names().into_iter().map(|name| sheet(conn, name)).collect()
}

fn entity_sheet(conn: &Connection, t: &Table) -> Result<Sheet> {
    let money_fields = t.columns.iter().filter(|c| c.kind == ColumnKind::Money).count();
    let mut headers = vec!["id".to_owned()];
    for column in t.columns {
        match column.kind {
            ColumnKind::Money if money_fields == 1 => headers.extend([column.field.to_owned(), "currency".to_owned()]),
            ColumnKind::Money => headers.extend([column.field.to_owned(), format!("{}_currency", column.field)]),
            ColumnKind::Ref(_) => headers.push(column.field.trim_end_matches("_id").to_owned()),
            _ => headers.push(column.field.to_owned()),
        }
    }
    let mut labels = Labels::default();
    let mut rows = Vec::new();
    for (id, fields) in list_json(conn, t.kind, &Filter::new())? {
        let mut row = vec![Cell::Integer(id)];
        for column in t.columns {
            let value = fields.get(column.field).unwrap_or(&Value::Null);
            match column.kind {
                ColumnKind::Money => {
                    let money: Option<Money> = serde_json::from_value(value.clone()).ok();
                    match money {
                        Some(m) => row.extend([Cell::Money(m), Cell::Text(m.currency.to_string())]),
                        None => row.extend([Cell::Empty, Cell::Empty]),
                    }
                }
                ColumnKind::Ref(target) => row.push(match value.as_i64() {
                    Some(id) => Cell::Text(labels.get(conn, target, id)?.map_or_else(|| id.to_string(), str::to_owned)),
                    None => Cell::Empty,
                }),
                ColumnKind::List => row.push(Cell::Text(
                    value
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","))
                        .unwrap_or_default(),
                )),
                _ => row.push(json_cell(value)),
            }
        }
        rows.push(row);
    }
    Ok(Sheet { name: t.name.to_owned(), headers, rows })
}

fn plain_sheet(conn: &Connection, name: &str, sql: &str) -> Result<Sheet> {
    let mut stmt = conn.prepare(sql)?;
    let headers: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
    let width = headers.len();
    let mut rows = Vec::new();
    let mut cursor = stmt.query([])?;
    while let Some(r) = cursor.next()? {
        let mut row = Vec::with_capacity(width);
        for i in 0..width {
            row.push(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Cell::Empty,
                rusqlite::types::ValueRef::Integer(v) => Cell::Integer(v),
                rusqlite::types::ValueRef::Real(v) => Cell::Number(v),
                rusqlite::types::ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
                rusqlite::types::ValueRef::Blob(_) => Cell::Empty,
            });
        }
        rows.push(row);
    }
    Ok(Sheet { name: name.to_owned(), headers, rows })
}

fn json_cell(value: &Value) -> Cell {
    match value {
        Value::Null => Cell::Empty,
        Value::Bool(b) => Cell::Text(b.to_string()),
        Value::Number(n) => {
            n.as_i64().map(Cell::Integer).unwrap_or_else(|| Cell::Number(n.as_f64().unwrap_or(f64::NAN)))
        }
        Value::String(s) => Cell::Text(s.clone()),
        other => Cell::Text(other.to_string()),
    }
}

/// Text as a CSV cell that a spreadsheet shows rather than runs: a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'` (OWASP's advice against CSV injection), so a
/// vendor named `=HYPERLINK(…)` stays a name when finance opens the file. The XLSX writer stores
/// text as text and needs none of this.
pub fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Integer(i) => i.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Money(m) => m.to_decimal().to_string(),
        }
    }
}

/// Writes a sheet as CSV (UTF-8, comma-separated, a header row). Text that a spreadsheet would run
/// as a formula is neutralised; numbers and money stay numbers ([`neutralised`]).
pub fn write_csv(sheet: &Sheet, out: impl Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::Io(format!("cannot write the CSV: {e}"));
    writer.write_record(&sheet.headers).map_err(csv_err)?;
    for row in &sheet.rows {
        let cells = row.iter().map(|cell| match cell {
            Cell::Text(text) => neutralised(text),
            other => other.text(),
        });
        writer.write_record(cells).map_err(csv_err)?;
    }
    writer.flush().map_err(|e| Error::Io(format!("cannot write the CSV: {e}")))
}

/// Writes sheets as an XLSX workbook: bold frozen headers, money as numbers in its currency's
/// decimals, columns fitted to their contents.
pub fn write_xlsx(sheets: &[Sheet], path: &Path) -> Result<()> {
    write_xlsx_with_charts(sheets, None, path)
}

/// A sheet of chart pictures: each PNG with its title above it, one under another.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSheet {
    pub name: String,
    /// Title and PNG bytes (drawn at 1600×900 and shown at half that size).
    pub charts: Vec<(String, Vec<u8>)>,
}

/// [`write_xlsx`], with a last sheet of charts when there is one.
pub fn write_xlsx_with_charts(sheets: &[Sheet], charts: Option<&ChartSheet>, path: &Path) -> Result<()> {
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| Error::Io(format!("cannot write {}: {e}", path.display()));
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold();
    let money_formats: HashMap<u32, Format> = (0..=4)
        .map(|digits| {
            let pattern =
                if digits == 0 { "#,##0".to_owned() } else { format!("#,##0.{}", "0".repeat(digits as usize)) };
            (digits, Format::new().set_num_format(pattern))
        })
        .collect();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        // Sheet names are at most 31 characters in Excel.
        worksheet.set_name(sheet.name.chars().take(31).collect::<String>()).map_err(xlsx_err)?;
        for (col, name) in sheet.headers.iter().enumerate() {
            worksheet.write_string_with_format(0, col as u16, name, &header).map_err(xlsx_err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => continue,
                    Cell::Text(t) => worksheet.write_string(r, c, t),
                    Cell::Integer(i) => worksheet.write_number(r, c, *i as f64),
                    Cell::Number(n) => worksheet.write_number(r, c, *n),
                    Cell::Money(m) => {
                        let digits = m.currency.minor_digits().min(4);
                        let format = &money_formats[&digits];
                        // A spreadsheet cell holds a double; the exact amount stays in the portfolio.
                        let value = m.to_decimal().to_string().parse::<f64>().unwrap_or(f64::NAN);
                        worksheet.write_number_with_format(r, c, value, format)
                    }
                }
                .map_err(xlsx_err)?;
            }
        }
        worksheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        worksheet.autofit();
    }
    if let Some(charts) = charts.filter(|c| !c.charts.is_empty()) {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(charts.name.chars().take(31).collect::<String>()).map_err(xlsx_err)?;
        // 24 rows of the default height hold a picture 450 px high, with its title above.
        for (k, (title, png)) in charts.charts.iter().enumerate() {
            let row = k as u32 * 25;
            worksheet.write_string_with_format(row, 0, title, &header).map_err(xlsx_err)?;
            let image = rust_xlsxwriter::Image::new_from_buffer(png)
                .map_err(xlsx_err)?
                .set_scale_width(0.5)
                .set_scale_height(0.5)
                .set_alt_text(title);
            worksheet.insert_image(row + 1, 0, &image).map_err(xlsx_err)?;
        }
    }
    workbook.save(path).map_err(xlsx_err)
}
