//! Budgets and actuals from plain CSV files, as people write them in a spreadsheet.
//!
//! Budgets: `initiative,month,category,amount,currency`. Actuals: the same columns plus optional
//! `source,vendor,model,note`. Header names are matched ignoring case and order. A missing column
//! is an error, and so is a column nobody expects: a typo such as `ammount` must not be dropped
//! silently. Values:
//! - `initiative`, `vendor`, `model`: names of existing records, ignoring case. An empty
//!   `initiative` in actuals puts the row in the Unallocated bucket; budgets need one.
//! - `month`: `YYYY-MM`. `category`: compute, storage, people, vendor or other.
//! - `amount`: a decimal with `.`; `1,234.50` is fine when quoted; at most the currency's minor
//!   digits (2 for USD, 0 for JPY) — amounts are never rounded silently.
//! - `currency`: an ISO 4217 code with an exchange rate into the base currency (or the base itself).
//! - `source` (actuals): manual, csv, focus, opencost or invoice; `csv` when empty.
//!
//! Budgets are cells (initiative × month × category): a row sets its cell, replacing what was
//! there (currency included), and only cells that actually change count as written, so importing
//! the same file again writes nothing. The same cell twice in one file is an error.
//!
//! Actuals are additions. Each row gets an `import_key`: a hash of its parsed values (so column
//! order and number formatting do not matter) and of how many identical rows precede it in the
//! file (two identical lines are two expenses). Importing the same file again adds nothing.
//!
//! The files are small enough to be read whole before anything is written.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Currencies, ImportKey, ImportKind, ImportReport, LineIndex, NameIndex, Occurrences, PREVIEW_ERROR_LIMIT,
    PREVIEW_ROW_LIMIT, Preview, PreviewRow, Problems, amount_problem, begin_import, csv_error, file_name,
    finish_import, is_blank, not_utf8, open_csv, push_field, shorten, trim_bytes,
};
use crate::domain::{ActualSource, AmountError, Category, Currency, InitiativeId, ModelId, Money, Month, VendorId};
use crate::error::Result;
use crate::store::Store;
use crate::store::actuals::{ActualWriter, BulkActual, OnRepeat};

/// Every column either file may have, in the order [`Row`] is filled.
const COLUMNS: [&str; 9] =
    ["initiative", "month", "category", "amount", "currency", "source", "vendor", "model", "note"];
/// How many of [`COLUMNS`] a budgets file has (all required).
const BUDGET_COLUMNS: usize = 5;
const INITIATIVE: usize = 0;
const MONTH: usize = 1;
const CATEGORY: usize = 2;
const AMOUNT: usize = 3;
const CURRENCY: usize = 4;
const SOURCE: usize = 5;
const VENDOR: usize = 6;
const MODEL: usize = 7;
const NOTE: usize = 8;

const UPSERT_BUDGET: &str =
    "INSERT INTO budget_lines (initiative_id, month, category, amount_minor, amount_currency, note)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
     ON CONFLICT (initiative_id, month, category) DO UPDATE
     SET amount_minor = excluded.amount_minor, amount_currency = excluded.amount_currency, note = excluded.note
     WHERE amount_minor <> excluded.amount_minor OR amount_currency <> excluded.amount_currency
        OR note IS NOT excluded.note";

/// Sets the budget cells of a budgets CSV, all or nothing.
pub fn import_budgets(store: &mut Store, path: &Path) -> Result<ImportReport> {
    store.in_transaction(|tx, actor| {
        let parsed = parse(tx, path, ImportKind::Budgets, super::IMPORT_ERROR_LIMIT)?;
        if !parsed.problems.is_empty() {
            return Err(parsed.problems.into_error());
        }
        let import_id = begin_import(tx, actor, ImportKind::Budgets, &parsed.file)?;
        let mut written = 0;
        let mut upsert = tx.prepare_cached(UPSERT_BUDGET)?;
        for row in &parsed.rows {
            written += upsert.execute(params![
                row.initiative_id,
                row.month.to_string(),
                row.category.as_str(),
                row.amount.minor,
                row.amount.currency.code(),
                row.note,
            ])?;
        }
        drop(upsert);
        let report = parsed.report(written, 0);
        finish_import(tx, actor, import_id, &report)?;
        Ok(report)
    })
}

/// What [`import_budgets`] would do, without writing anything.
pub fn preview_budgets(conn: &Connection, path: &Path) -> Result<Preview> {
    let parsed = parse(conn, path, ImportKind::Budgets, PREVIEW_ERROR_LIMIT)?;
    let mut current = conn.prepare_cached(
        "SELECT amount_minor, amount_currency FROM budget_lines WHERE initiative_id = ?1 AND month = ?2 AND category = ?3",
    )?;
    let mut would_write = 0;
    let mut sample = Vec::new();
    for row in &parsed.rows {
        let stored: Option<(i64, String)> = current
            .query_row(params![row.initiative_id, row.month.to_string(), row.category.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let replaces = match stored {
            Some((minor, code)) => {
                let currency = Currency::from_str(&code)?;
                if minor == row.amount.minor && currency == row.amount.currency {
                    continue;
                }
                Some(Money::new(minor, currency))
            }
            None => None,
        };
        would_write += 1;
        if sample.len() < PREVIEW_ROW_LIMIT {
            let mut shown = parsed.preview_row(row);
            shown.replaces = replaces;
            sample.push(shown);
        }
    }
    drop(current);
    Ok(parsed.preview(would_write, 0, sample))
}

/// Adds the actuals of an actuals CSV, all or nothing; rows imported before are skipped.
pub fn import_actuals(store: &mut Store, path: &Path) -> Result<ImportReport> {
    store.in_transaction(|tx, actor| {
        let parsed = parse(tx, path, ImportKind::Actuals, super::IMPORT_ERROR_LIMIT)?;
        if !parsed.problems.is_empty() {
            return Err(parsed.problems.into_error());
        }
        let import_id = begin_import(tx, actor, ImportKind::Actuals, &parsed.file)?;
        let (mut written, mut unallocated) = (0, 0);
        let mut writer = ActualWriter::new(tx, OnRepeat::Keep)?;
        for row in &parsed.rows {
            let month = row.month.to_string();
            let inserted = writer.write(&BulkActual {
                initiative: row.initiative_id.map(InitiativeId),
                month: &month,
                category: row.category,
                amount: row.amount,
                source: row.source,
                vendor: row.vendor_id.map(VendorId),
                model: row.model_id.map(ModelId),
                provider: None,
                service: None,
                resource: None,
                tag: None,
                note: row.note.as_deref(),
                key: row.key,
                import_id: Some(import_id),
            })?;
            if inserted {
                written += 1;
                if row.initiative_id.is_none() {
                    unallocated += 1;
                }
            }
        }
        drop(writer);
        let report = parsed.report(written, unallocated);
        finish_import(tx, actor, import_id, &report)?;
        Ok(report)
    })
}

/// What [`import_actuals`] would do, without writing anything.
pub fn preview_actuals(conn: &Connection, path: &Path) -> Result<Preview> {
    let parsed = parse(conn, path, ImportKind::Actuals, PREVIEW_ERROR_LIMIT)?;
    let mut exists = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM actuals WHERE import_key = ?1)")?;
    let (mut would_write, mut unallocated) = (0, 0);
    let mut sample = Vec::new();
    for row in &parsed.rows {
        if exists.query_row([row.key], |r| r.get::<_, bool>(0))? {
            continue;
        }
        would_write += 1;
        if row.initiative_id.is_none() {
            unallocated += 1;
        }
        if sample.len() < PREVIEW_ROW_LIMIT {
            sample.push(parsed.preview_row(row));
        }
    }
    drop(exists);
    Ok(parsed.preview(would_write, unallocated, sample))
}

/// One checked row, ready to write.
#[derive(Debug)]
struct Row {
    line: u64,
    initiative_id: Option<i64>,
    month: Month,
    category: Category,
    amount: Money,
    source: ActualSource,
    vendor_id: Option<i64>,
    model_id: Option<i64>,
    note: Option<String>,
    /// Actuals: the row's `import_key`.
    key: ImportKey,
}

/// A whole file, read and checked against the database.
#[derive(Debug)]
struct Parsed {
    kind: ImportKind,
    file: String,
    /// Data rows read, good or bad.
    data_rows: usize,
    rows: Vec<Row>,
    problems: Problems,
    initiatives: NameIndex,
    vendors: NameIndex,
    models: NameIndex,
}

impl Parsed {
    fn report(&self, written: usize, unallocated: usize) -> ImportReport {
        ImportReport {
            kind: self.kind,
            file: self.file.clone(),
            rows: self.data_rows,
            written,
            duplicates: self.rows.len() - written,
            unallocated,
            notes: Vec::new(),
        }
    }

    fn preview(self, would_write: usize, unallocated: usize, sample: Vec<PreviewRow>) -> Preview {
        Preview {
            kind: self.kind,
            file: self.file,
            rows: self.data_rows,
            would_write,
            duplicates: self.rows.len() - would_write,
            unallocated,
            sample,
            kpi_values: Vec::new(),
            stopped_early: self.problems.is_full(),
            errors: self.problems.errors,
            notes: Vec::new(),
        }
    }

    fn preview_row(&self, row: &Row) -> PreviewRow {
        let initiative = row.initiative_id.and_then(|id| self.initiatives.name(id));
        let mut shown = PreviewRow::new(row.line, initiative, row.month, row.category, row.amount);
        if self.kind == ImportKind::Actuals {
            shown.source = Some(row.source);
            shown.vendor = row.vendor_id.and_then(|id| self.vendors.name(id));
            shown.model = row.model_id.and_then(|id| self.models.name(id));
            shown.note = row.note.clone();
        }
        shown
    }
}

fn parse(conn: &Connection, path: &Path, kind: ImportKind, limit: usize) -> Result<Parsed> {
    let file = file_name(path);
    let mut reader = open_csv(path)?;
    let mut lines = LineIndex::open(path)?;
    let actuals = kind == ImportKind::Actuals;
    let mut parsed = Parsed {
        kind,
        file: file.clone(),
        data_rows: 0,
        rows: Vec::new(),
        problems: Problems::new(&file, limit),
        initiatives: NameIndex::load(conn, "initiatives")?,
        vendors: if actuals { NameIndex::load(conn, "vendors")? } else { NameIndex::default() },
        models: if actuals { NameIndex::load(conn, "models")? } else { NameIndex::default() },
    };
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        parsed.problems.add(1, None, None, format!("the file is empty; {}", expected_columns(kind)));
        return Ok(parsed);
    }
    let Some(layout) = Layout::from_header(&record, kind, &mut parsed.problems) else {
        return Ok(parsed);
    };
    let mut checker = RowChecker {
        kind,
        layout: &layout,
        currencies: Currencies::load(conn)?,
        scratch: String::new(),
        cells: HashMap::new(),
        occurrences: Occurrences::default(),
        key_buf: Vec::new(),
    };
    while !parsed.problems.is_full() && reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
        if is_blank(&record) {
            continue;
        }
        parsed.data_rows += 1;
        let line = lines.line_at(record.position().map_or(0, |p| p.byte()))?;
        let names = Names { initiatives: &parsed.initiatives, vendors: &parsed.vendors, models: &parsed.models };
        if let Some(row) = checker.check(&record, line, &names, &mut parsed.problems) {
            parsed.rows.push(row);
        }
    }
    Ok(parsed)
}

fn a_file_of(kind: ImportKind) -> &'static str {
    if kind == ImportKind::Budgets { "a budgets file" } else { "an actuals file" }
}

fn expected_columns(kind: ImportKind) -> String {
    let required = COLUMNS[..BUDGET_COLUMNS].join(", ");
    match kind {
        ImportKind::Budgets => format!("{} has the columns {required}, and optionally note", a_file_of(kind)),
        _ => format!(
            "{} has the columns {required}, and optionally {}",
            a_file_of(kind),
            COLUMNS[BUDGET_COLUMNS..].join(", ")
        ),
    }
}

/// Where each of [`COLUMNS`] is in the file, and how the file spells it.
#[derive(Debug)]
struct Layout {
    index: [Option<usize>; COLUMNS.len()],
    spelled: [String; COLUMNS.len()],
    header_len: usize,
    /// The position of an `id` column (as `export csv` writes it), whose values are not read.
    ignored: Option<usize>,
}

impl Layout {
    /// Reads the header; `None` (with the problems recorded) when it is not usable.
    fn from_header(header: &csv::ByteRecord, kind: ImportKind, problems: &mut Problems) -> Option<Layout> {
        // A budgets file takes the budget columns and a note; an actuals file takes them all.
        let permitted = |which: &usize| kind != ImportKind::Budgets || *which < BUDGET_COLUMNS || *which == NOTE;
        let mut layout = Layout {
            index: [None; COLUMNS.len()],
            spelled: COLUMNS.map(str::to_owned),
            header_len: header.len(),
            ignored: None,
        };
        let start = problems.errors.len();
        for (position, raw) in header.iter().enumerate() {
            let Ok(name) = std::str::from_utf8(trim_bytes(raw)) else {
                problems.add(1, None, None, format!("the header has a column name that {}", not_utf8(raw)));
                continue;
            };
            if name.is_empty() {
                // An unnamed column (a trailing comma) is fine as long as it stays empty.
                continue;
            }
            if name.eq_ignore_ascii_case("id") {
                // `export csv` writes record ids; an import matches rows by their values instead.
                layout.ignored = Some(position);
                continue;
            }
            match COLUMNS.iter().position(|c| c.eq_ignore_ascii_case(name)).filter(permitted) {
                Some(which) if layout.index[which].is_some() => {
                    problems.add(1, Some(name), Some(name), "appears twice in the header; keep one".to_owned());
                }
                Some(which) => {
                    layout.index[which] = Some(position);
                    layout.spelled[which] = name.to_owned();
                }
                None => problems.add(
                    1,
                    Some(name),
                    Some(name),
                    format!("is not a column of {}; {}", a_file_of(kind), expected_columns(kind)),
                ),
            }
        }
        for (which, column) in COLUMNS[..BUDGET_COLUMNS].iter().enumerate() {
            if layout.index[which].is_none() {
                problems.add(1, Some(column), None, format!("is missing from the header; {}", expected_columns(kind)));
            }
        }
        (problems.errors.len() == start).then_some(layout)
    }
}

struct Names<'a> {
    initiatives: &'a NameIndex,
    vendors: &'a NameIndex,
    models: &'a NameIndex,
}

/// Checks rows one at a time, remembering what later rows are compared with.
struct RowChecker<'a> {
    kind: ImportKind,
    layout: &'a Layout,
    currencies: Currencies,
    scratch: String,
    /// Budgets: the line that set each cell, to catch the same cell twice.
    cells: HashMap<(i64, Month, Category), u64>,
    occurrences: Occurrences,
    key_buf: Vec<u8>,
}

impl RowChecker<'_> {
    /// The row, or `None` when it has problems (recorded in `problems`).
    fn check(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        names: &Names<'_>,
        problems: &mut Problems,
    ) -> Option<Row> {
        let before = problems.errors.len();
        let cell = |which: usize, problems: &mut Problems| -> Option<&str> {
            let raw = self.layout.index[which].and_then(|i| record.get(i)).map_or(&b""[..], trim_bytes);
            match std::str::from_utf8(raw) {
                Ok(text) => Some(text),
                Err(_) => {
                    problems.add(line, Some(&self.layout.spelled[which]), None, not_utf8(raw));
                    None
                }
            }
        };
        let texts: [Option<&str>; COLUMNS.len()] = std::array::from_fn(|which| cell(which, problems));
        let mapped =
            |position: usize| self.layout.index.contains(&Some(position)) || self.layout.ignored == Some(position);
        if let Some(stray) = record.iter().enumerate().position(|(i, f)| !mapped(i) && !trim_bytes(f).is_empty()) {
            let problem = if stray >= self.layout.header_len {
                format!(
                    "has {} fields but the header has {}; a value with a comma in it (such as 1,234.50) must be in double quotes",
                    record.len(),
                    self.layout.header_len
                )
            } else {
                format!("has a value in column {}, which has no name in the header", stray + 1)
            };
            problems.add(line, None, None, problem);
        }
        let bad = |which: usize, value: &str, problem: String, problems: &mut Problems| {
            problems.add(line, Some(&self.layout.spelled[which]), Some(value), problem);
        };

        let initiative_id = match texts[INITIATIVE] {
            Some("") if self.kind == ImportKind::Budgets => {
                bad(INITIATIVE, "", "is empty; every budget line belongs to an initiative".to_owned(), problems);
                None
            }
            Some("") | None => None,
            Some(name) => {
                let found = names.initiatives.find(name, &mut self.scratch);
                if found.is_none() {
                    bad(INITIATIVE, name, unknown_name("initiative", name), problems);
                }
                found
            }
        };
        let month = texts[MONTH].and_then(|text| match text {
            "" => {
                bad(MONTH, text, "is empty; write the month as YYYY-MM, e.g. 2026-03".to_owned(), problems);
                None
            }
            _ => Month::from_str(text).map_err(|e| bad(MONTH, text, e.message, problems)).ok(),
        });
        let category = texts[CATEGORY].and_then(|text| {
            Category::from_str(text)
                .map_err(|e| {
                    let problem = if text.is_empty() { format!("is empty; {}", e.message) } else { e.message };
                    bad(CATEGORY, text, problem, problems)
                })
                .ok()
        });
        let currency = texts[CURRENCY].and_then(|text| match text {
            "" => {
                bad(CURRENCY, text, "is empty; write an ISO 4217 code such as USD or EUR".to_owned(), problems);
                None
            }
            _ => match Currency::from_str(text) {
                Ok(currency) => match self.currencies.check(currency) {
                    None => Some(currency),
                    Some(problem) => {
                        bad(CURRENCY, text, problem, problems);
                        None
                    }
                },
                Err(e) => {
                    bad(CURRENCY, text, e.message, problems);
                    None
                }
            },
        });
        let amount = texts[AMOUNT].and_then(|text| {
            if text.is_empty() {
                bad(AMOUNT, text, "is empty; write the amount like 1234.50".to_owned(), problems);
                return None;
            }
            match currency {
                Some(currency) => {
                    Money::parse(text, currency).map_err(|e| bad(AMOUNT, text, amount_problem(text, &e), problems)).ok()
                }
                None => {
                    // The currency is wrong too; still say whether this is a number at all.
                    if let Err(e @ AmountError::NotANumber(_)) = Money::parse_rounded(text, Currency::USD) {
                        bad(AMOUNT, text, amount_problem(text, &e), problems);
                    }
                    None
                }
            }
        });
        let source = match texts[SOURCE] {
            Some("") | None => Some(ActualSource::Csv),
            Some(text) => ActualSource::from_str(text).map_err(|e| bad(SOURCE, text, e.message, problems)).ok(),
        };
        let mut reference = |which: usize, kind: &str, index: &NameIndex, problems: &mut Problems| match texts[which] {
            Some("") | None => None,
            Some(name) => {
                let found = index.find(name, &mut self.scratch);
                if found.is_none() {
                    bad(which, name, unknown_name(kind, name), problems);
                }
                found
            }
        };
        let vendor_id = reference(VENDOR, "vendor", names.vendors, problems);
        let model_id = reference(MODEL, "model", names.models, problems);
        let note = texts[NOTE].filter(|n| !n.is_empty()).map(str::to_owned);

        if problems.errors.len() != before {
            return None;
        }
        let (month, category, amount, source) = (month?, category?, amount?, source?);
        if let Some(initiative_id) = initiative_id.filter(|_| self.kind == ImportKind::Budgets) {
            if let Some(first) = self.cells.get(&(initiative_id, month, category)) {
                let name = names.initiatives.name(initiative_id).unwrap_or_default();
                problems.add(
                    line,
                    None,
                    None,
                    format!("sets the same budget cell as row {first} ({name}, {month}, {category}); keep one of the two rows"),
                );
                return None;
            }
            self.cells.insert((initiative_id, month, category), line);
        }
        let mut row = Row { line, initiative_id, month, category, amount, source, vendor_id, model_id, note, key: 0 };
        if self.kind == ImportKind::Actuals {
            row.key = self.key(&row);
        }
        Some(row)
    }

    /// The import key of an actual: its values in a fixed order, plus its occurrence in the file.
    fn key(&mut self, row: &Row) -> ImportKey {
        let buf = &mut self.key_buf;
        buf.clear();
        let id = |id: Option<i64>| id.map(i64::to_le_bytes);
        push_field(buf, b"actuals-csv");
        push_field(buf, id(row.initiative_id).as_ref().map_or(&[][..], |b| &b[..]));
        push_field(buf, row.month.to_string().as_bytes());
        push_field(buf, row.category.as_str().as_bytes());
        push_field(buf, &row.amount.minor.to_le_bytes());
        push_field(buf, row.amount.currency.code().as_bytes());
        push_field(buf, row.source.as_str().as_bytes());
        push_field(buf, id(row.vendor_id).as_ref().map_or(&[][..], |b| &b[..]));
        push_field(buf, id(row.model_id).as_ref().map_or(&[][..], |b| &b[..]));
        push_field(buf, row.note.as_deref().unwrap_or("").as_bytes());
        self.occurrences.key(xxhash_rust::xxh3::xxh3_128(buf))
    }
}

/// The problem for a name that matches no record, with how to add one.
fn unknown_name(kind: &str, name: &str) -> String {
    let shown = shorten(name);
    format!(
        "`{shown}` is not the name of any {kind}; correct the name, or add the {kind} first \
         (`mlops-portfolio add {kind} name=\"{shown}\" ...`)"
    )
}
