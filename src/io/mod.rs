//! Importers: budgets and actuals from plain CSV ([`csv_import`]) and cloud bills in the FinOps
//! FOCUS format ([`focus`]); and exports of tables as CSV and XLSX ([`export`]).
//!
//! Every import follows the same rules, and a new importer should too:
//! - **All or nothing.** An import runs in one write transaction. It writes one row in `imports`
//!   (kind, file name, counts, when, who) and one audit row for the whole file, never one per line.
//!   Any error rolls everything back, so a failed import leaves the portfolio as it was.
//! - **Errors a person can act on.** A bad row is reported as a [`RowError`] naming the file, the
//!   row (its line in the file; the header is row 1), the column and the value, with advice. Up to
//!   [`IMPORT_ERROR_LIMIT`] problems are collected before giving up, so several can be fixed at
//!   once; they come back as one [`Error::Validation`] whose first line says how many rows are bad.
//! - **Idempotent.** Importing the same file twice changes nothing the second time: budget rows
//!   set cells, and every imported actual carries an `import_key` fingerprint of its source row.
//! - **Preview first.** Each importer has a `preview_*` twin that reads and checks the file against
//!   the database exactly like the import but writes nothing; the desktop app shows its
//!   [`Preview`] before the user confirms.
//!
//! Shared machinery lives here: the report and preview types, the error collector, the lookup of
//! names (initiatives, vendors, models), line numbering, and the `imports`/audit bookkeeping.

pub mod csv_import;
pub mod export;
pub mod focus;
pub mod kpi_values;

pub use csv_import::{import_actuals, import_budgets, preview_actuals, preview_budgets};
pub use focus::{CostColumn, FocusOptions, import_focus, preview_focus};
pub use kpi_values::{import_kpi_values, preview_kpi_values};

/// Writes `bytes` to `path` whole or not at all: a hidden partial file beside it, then a rename,
/// so a reader never sees half a chart or report and a failed write leaves no litter.
pub fn write_whole(path: &std::path::Path, bytes: &[u8]) -> crate::error::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&partial, bytes).map_err(|e| crate::error::Error::io(&partial, "write", e))?;
    std::fs::rename(&partial, path).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        crate::error::Error::io(path, "move the finished file into place at", e)
    })
}

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::domain::{ActualSource, AmountError, Category, Currency, Money, Month};
use crate::error::{Error, Result};
use crate::store::{audit, now_utc, settings};

/// How many row problems an import collects before it stops reading and gives up.
pub const IMPORT_ERROR_LIMIT: usize = 20;
/// How many row problems a preview collects before it stops reading.
pub const PREVIEW_ERROR_LIMIT: usize = 200;
/// How many of the rows it would write a preview shows.
pub const PREVIEW_ROW_LIMIT: usize = 50;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// Budget cells: `initiative,month,category,amount,currency`.
    Budgets,
    /// Actual spend: the budget columns plus optional `source,vendor,model,note`.
    Actuals,
    /// A FOCUS cost-and-usage export from a cloud or SaaS provider.
    Focus,
    /// KPI values: `kpi,date,value` and an optional `note`.
    KpiValues,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Budgets => "budgets",
            ImportKind::Actuals => "actuals",
            ImportKind::Focus => "focus",
            ImportKind::KpiValues => "kpi_values",
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// The file's name (without its folder).
    pub file: String,
    /// Data rows read (blank lines not counted).
    pub rows: usize,
    /// Rows inserted, or stored rows they changed.
    pub written: usize,
    /// Rows already present (an identical budget cell, an actual imported before), skipped.
    pub duplicates: usize,
    /// Written rows that landed in the Unallocated bucket (no initiative).
    pub unallocated: usize,
    /// Things worth knowing that are not errors, e.g. which currency was assumed.
    pub notes: Vec<String>,
}

/// One problem in one row of an imported file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RowError {
    pub file: String,
    /// The line on which the row starts; the header is row 1.
    pub row: u64,
    /// The column the problem is in, as the file's header spells it, when it is about one column.
    pub column: Option<String>,
    /// The offending value (shortened when long), when there is one.
    pub value: Option<String>,
    /// What is wrong and what to do about it.
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "{}: row {}, column `{column}`: {}", self.file, self.row, self.problem),
            None => write!(f, "{}: row {}: {}", self.file, self.row, self.problem),
        }
    }
}

/// What an import would do, computed without writing anything.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Preview {
    pub kind: ImportKind,
    pub file: String,
    /// Data rows read. When `stopped_early` is set, only the rows before the last problem.
    pub rows: usize,
    /// Rows the import would insert or change.
    pub would_write: usize,
    /// Rows already present, which the import would skip.
    pub duplicates: usize,
    /// Rows that would land in the Unallocated bucket.
    pub unallocated: usize,
    /// The first [`PREVIEW_ROW_LIMIT`] rows the import would write (budgets, actuals, FOCUS).
    pub sample: Vec<PreviewRow>,
    /// The first [`PREVIEW_ROW_LIMIT`] values a KPI values import would write.
    pub kpi_values: Vec<kpi_values::KpiValueRow>,
    /// Every problem found, up to [`PREVIEW_ERROR_LIMIT`]. The import refuses the file unless
    /// this is empty.
    pub errors: Vec<RowError>,
    /// Reading stopped at the error limit; there may be more problems and rows.
    pub stopped_early: bool,
    pub notes: Vec<String>,
}

/// One row as the import would write it.
#[derive(Clone, Debug, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PreviewRow {
    /// The line in the file.
    pub row: u64,
    /// The initiative's name as stored; `None` is the Unallocated bucket.
    pub initiative: Option<String>,
    pub month: Month,
    pub category: Category,
    pub amount: Money,
    /// Budgets: the amount the cell holds now, which this row replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaces: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ActualSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl PreviewRow {
    fn new(row: u64, initiative: Option<String>, month: Month, category: Category, amount: Money) -> PreviewRow {
        PreviewRow {
            row,
            initiative,
            month,
            category,
            amount,
            replaces: None,
            source: None,
            vendor: None,
            model: None,
            provider: None,
            service: None,
            resource: None,
            tag: None,
            note: None,
        }
    }
}

/// Collects row problems up to a limit and turns them into one readable error.
#[derive(Debug)]
struct Problems {
    file: String,
    limit: usize,
    errors: Vec<RowError>,
    bad_rows: usize,
}

impl Problems {
    fn new(file: &str, limit: usize) -> Problems {
        Problems { file: file.to_owned(), limit, errors: Vec::new(), bad_rows: 0 }
    }

    fn add(&mut self, row: u64, column: Option<&str>, value: Option<&str>, problem: String) {
        if self.is_full() {
            return;
        }
        if self.errors.last().is_none_or(|last| last.row != row) {
            self.bad_rows += 1;
        }
        self.errors.push(RowError {
            file: self.file.clone(),
            row,
            column: column.map(str::to_owned),
            value: value.map(shorten),
            problem,
        });
    }

    fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Reading should stop: the limit is reached.
    fn is_full(&self) -> bool {
        self.errors.len() >= self.limit
    }

    fn into_error(self) -> Error {
        let mut message = if self.is_full() {
            format!(
                "{}: stopped reading after {} problems in {} rows; nothing was imported. Fix these and import again:",
                self.file,
                self.errors.len(),
                self.bad_rows
            )
        } else {
            let rows =
                if self.bad_rows == 1 { "1 row is bad".to_owned() } else { format!("{} rows are bad", self.bad_rows) };
            format!("{}: {rows}; nothing was imported. Fix them and import again:", self.file)
        };
        for error in &self.errors {
            message.push('\n');
            message.push_str(&error.to_string());
        }
        Error::Validation(message)
    }
}

/// A value as shown in a message: long values are cut, so one bad cell cannot flood the screen.
pub(crate) fn shorten(value: &str) -> String {
    crate::domain::shorten(value, 80)
}

/// Finds the line on which a CSV record starts, from the byte offset the csv reader reports.
///
/// The csv crate's own line counter lags by one depending on whether lines end in CRLF or LF, and
/// does not see the blank lines it skips; so this reads the file a second time, once, front to
/// back. Offsets must be asked for in increasing order (they are, as records are read in order).
#[derive(Debug)]
struct LineIndex {
    reader: BufReader<File>,
    pos: u64,
    line: u64,
}

impl LineIndex {
    fn open(path: &Path) -> Result<LineIndex> {
        let file = File::open(path).map_err(|e| Error::io(path, "read", e))?;
        Ok(LineIndex { reader: BufReader::with_capacity(64 * 1024, file), pos: 0, line: 1 })
    }

    /// The line of the record whose bytes start at `offset` (blank lines before it skipped).
    fn line_at(&mut self, offset: u64) -> Result<u64> {
        while self.pos < offset {
            let wanted = usize::try_from(offset - self.pos).unwrap_or(usize::MAX);
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(self.line);
            }
            let n = buf.len().min(wanted);
            let newlines = count_newlines(&buf[..n]);
            self.advance(n, newlines);
        }
        // The csv reader's offset can point at the line ending of the previous record, or at
        // blank lines it skipped: step over them.
        loop {
            let buf = self.fill()?;
            let n = buf.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
            let newlines = count_newlines(&buf[..n]);
            let more = n == buf.len() && n > 0;
            self.advance(n, newlines);
            if !more {
                return Ok(self.line);
            }
        }
    }

    fn fill(&mut self) -> Result<&[u8]> {
        self.reader.fill_buf().map_err(|e| Error::Io(format!("cannot read the file again to number its lines: {e}")))
    }

    fn advance(&mut self, n: usize, newlines: u64) {
        self.reader.consume(n);
        self.pos += n as u64;
        self.line += newlines;
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Opens a CSV file the way every importer reads it: a header row, rows of any length, quotes.
/// The csv crate skips a UTF-8 byte-order mark and empty lines, and accepts CRLF and LF.
fn open_csv(path: &Path) -> Result<csv::Reader<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, "read", e))?;
    Ok(csv::ReaderBuilder::new().flexible(true).has_headers(false).buffer_capacity(256 * 1024).from_reader(file))
}

fn csv_error(path: &Path, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, "read", e),
        other => Error::Validation(format!("{}: cannot read it as CSV: {other:?}", file_name(path))),
    }
}

/// The file's name without its folder, as messages and the `imports` table show it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A cell without surrounding whitespace.
fn trim_bytes(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes
        && first.is_ascii_whitespace()
    {
        bytes = rest;
    }
    while let [rest @ .., last] = bytes
        && last.is_ascii_whitespace()
    {
        bytes = rest;
    }
    bytes
}

/// Whether a record has nothing in it (a line of spaces and commas), so it is skipped like a
/// blank line.
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|field| trim_bytes(field).is_empty())
}

/// The advice given for a cell that is not UTF-8.
fn not_utf8(bytes: &[u8]) -> String {
    format!(
        "`{}` is not UTF-8 text; save the file as UTF-8 (in Excel: \"CSV UTF-8\") and import again",
        shorten(&String::from_utf8_lossy(bytes))
    )
}

/// The problem text for an amount that does not parse.
fn amount_problem(text: &str, err: &AmountError) -> String {
    match err {
        AmountError::NotANumber(_) => format!(
            "`{}` is not a number; write it like 1234.50 (a dot for decimals, commas only between thousands)",
            shorten(text)
        ),
        AmountError::TooPrecise { currency, allowed: 0, .. } => {
            format!("`{}` has decimals, but {currency} has none; round it to whole {currency}", shorten(text))
        }
        AmountError::TooPrecise { currency, allowed, .. } => format!(
            "`{}` has more decimals than {currency} has ({allowed}); round it to {allowed} decimal place{}",
            shorten(text),
            if *allowed == 1 { "" } else { "s" }
        ),
        AmountError::TooLarge(_) => format!("`{}` is too large to store", shorten(text)),
        AmountError::AboveCeiling { ceiling, .. } => format!(
            "`{}` is above the largest amount a portfolio holds, {ceiling}; check the amount (a misplaced decimal point?)",
            shorten(text)
        ),
    }
}

/// The base currency and which other currencies have an exchange rate into it.
#[derive(Debug)]
struct Currencies {
    base: Currency,
    with_rate: HashSet<Currency>,
}

impl Currencies {
    fn load(conn: &Connection) -> Result<Currencies> {
        let base = settings::base_currency(conn)?;
        let with_rate = settings::rates(conn)?.into_keys().collect();
        Ok(Currencies { base, with_rate })
    }

    /// A problem when amounts in `currency` could not be added up with the rest.
    fn check(&self, currency: Currency) -> Option<String> {
        if currency == self.base || self.with_rate.contains(&currency) {
            return None;
        }
        Some(format!(
            "`{currency}` has no exchange rate into {base}, the base currency; set one with \
             `mlops-portfolio fx set {currency} 1.08` (how many {base} one {currency} is worth) and import again",
            base = self.base
        ))
    }
}

/// Records looked up by name, case-insensitively: initiatives, vendors, models.
#[derive(Debug, Default)]
struct NameIndex {
    by_name: HashMap<String, i64>,
    /// Names with spaces, `-` and `_` made alike (`fraud-detection` finds "Fraud detection"),
    /// for billing tags that cannot hold spaces; `None` where two records would clash.
    by_loose_name: HashMap<String, Option<i64>>,
    names: HashMap<i64, String>,
}

impl NameIndex {
    /// Loads every `id, name` of a table (one query, so rows need no lookups of their own).
    fn load(conn: &Connection, table: &str) -> Result<NameIndex> {
        let mut index = NameIndex::default();
        let mut stmt = conn.prepare(&format!("SELECT id, name FROM {table}"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (id, name) = row?;
            index.by_name.insert(name.trim().to_lowercase(), id);
            let mut loose = String::new();
            loosen(&name, &mut loose);
            index.by_loose_name.entry(loose).and_modify(|e| *e = None).or_insert(Some(id));
            index.names.insert(id, name);
        }
        Ok(index)
    }

    /// The id of the record named `name`, ignoring case; `scratch` is reused to avoid allocating.
    fn find(&self, name: &str, scratch: &mut String) -> Option<i64> {
        scratch.clear();
        let name = name.trim();
        if name.is_ascii() {
            scratch.push_str(name);
            scratch.make_ascii_lowercase();
        } else {
            scratch.extend(name.chars().flat_map(char::to_lowercase));
        }
        self.by_name.get(scratch.as_str()).copied()
    }

    /// Like [`NameIndex::find`], and failing that, with spaces, `-` and `_` treated alike.
    fn find_loosely(&self, name: &str, scratch: &mut String) -> Option<i64> {
        self.find(name, scratch).or_else(|| {
            loosen(name, scratch);
            self.by_loose_name.get(scratch.as_str()).copied().flatten()
        })
    }

    fn name(&self, id: i64) -> Option<String> {
        self.names.get(&id).cloned()
    }
}

/// `Fraud  Detection_v2` → `fraud-detection-v2`.
fn loosen(name: &str, out: &mut String) {
    out.clear();
    let mut pending_dash = false;
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c == ' ' || c == '-' || c == '_' {
            pending_dash = !out.is_empty();
        } else {
            if pending_dash {
                out.push('-');
                pending_dash = false;
            }
            out.push(c);
        }
    }
}

/// Numbers identical rows within one file, so two identical charges stay two charges while the
/// same file imported twice still adds nothing: the import key of a row is its content's hash
/// plus how many identical rows came before it in the file.
///
/// Most rows are unique, so the common case is one lookup in [`SeenHashes`] (a million rows, ~8 MB);
/// only rows seen before go into the map that counts them.
#[derive(Debug, Default)]
struct Occurrences {
    seen: SeenHashes,
    repeats: HashMap<u128, u32, std::hash::BuildHasherDefault<HashedKey>>,
}

impl Occurrences {
    /// The import key for a row whose content hashes to `content`.
    fn key(&mut self, content: u128) -> ImportKey {
        // A 64-bit clash between two different rows only numbers the second one 1 instead of 0:
        // its key stays unique and the same on every import of the file.
        let occurrence = if self.seen.insert(content as u64) {
            0
        } else {
            let count = self.repeats.entry(content).or_insert(0);
            *count += 1;
            *count
        };
        import_key(content, occurrence)
    }
}

/// A set of 64-bit hashes in about 8 bytes each: a sorted vector, with the latest ones in a small
/// hash set merged into it every [`SeenHashes::RECENT`] inserts. A hash set of a million rows took
/// 28 MB at its peak (buckets at 7/8 load, doubled while it grows), a third of what a FOCUS
/// import may use.
#[derive(Debug, Default)]
struct SeenHashes {
    sorted: Vec<u64>,
    recent: HashSet<u64, std::hash::BuildHasherDefault<HashedKey>>,
}

impl SeenHashes {
    const RECENT: usize = 1 << 16;

    /// Adds `hash`; whether it was new.
    fn insert(&mut self, hash: u64) -> bool {
        if self.sorted.binary_search(&hash).is_ok() || !self.recent.insert(hash) {
            return false;
        }
        if self.recent.len() >= Self::RECENT {
            self.merge_recent();
        }
        true
    }

    /// Moves the recent hashes into the sorted vector, merging from the back in place.
    fn merge_recent(&mut self) {
        let mut recent: Vec<u64> = self.recent.drain().collect();
        recent.sort_unstable();
        let old_len = self.sorted.len();
        self.sorted.reserve_exact(recent.len());
        self.sorted.resize(old_len + recent.len(), 0);
        let (mut i, mut j, mut out) = (old_len, recent.len(), self.sorted.len());
        while j > 0 {
            out -= 1;
            if i > 0 && self.sorted[i - 1] > recent[j - 1] {
                self.sorted[out] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[out] = recent[j - 1];
                j -= 1;
            }
        }
    }
}

pub(crate) use crate::store::import_key::{ImportKey, import_key, push_field};

/// A hasher for keys that are already good hashes: it keeps their low 64 bits.
#[derive(Debug, Default)]
struct HashedKey(u64);

impl std::hash::Hasher for HashedKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 ^= n as u64;
    }
}

/// Starts the `imports` row; its counts are filled in by [`finish_import`].
fn begin_import(conn: &Connection, actor: &str, kind: ImportKind, file: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO imports (kind, file, rows, written, imported_at, actor) VALUES (?1, ?2, 0, 0, ?3, ?4)",
        rusqlite::params![kind.as_str(), file, now_utc(), actor],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Completes the `imports` row and writes the import's one audit row.
fn finish_import(conn: &Connection, actor: &str, import_id: i64, report: &ImportReport) -> Result<()> {
    conn.execute(
        "UPDATE imports SET rows = ?1, written = ?2 WHERE id = ?3",
        rusqlite::params![report.rows as i64, report.written as i64, import_id],
    )?;
    let after = json!({
        "file": report.file,
        "kind": report.kind,
        "rows": report.rows,
        "written": report.written,
        "duplicates": report.duplicates,
        "unallocated": report.unallocated,
    });
    let event = audit::Event {
        subject: audit::Subject::Import(import_id),
        action: audit::Action::Import,
        before: None,
        after: Some(&after),
    };
    audit::write(conn, actor, event)
}

#[cfg(test)]
mod tests {
    use std::hash::{BuildHasher, BuildHasherDefault};

    use super::*;

    #[test]
    fn identical_rows_get_different_keys_and_the_same_file_the_same_keys() {
        let mut first = Occurrences::default();
        let a = first.key(42);
        let b = first.key(42);
        let c = first.key(7);
        assert_ne!(a, b, "two identical rows in one file are two charges");
        assert_ne!(a, c);
        let mut again = Occurrences::default();
        assert_eq!([again.key(42), again.key(42), again.key(7)], [a, b, c], "keys depend only on the file");
    }

    #[test]
    fn seen_hashes_answer_like_a_hash_set_across_merges() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut seen = SeenHashes::default();
        let mut reference = HashSet::new();
        // Small values repeat often, so repeats land both in the recent set and in merged runs.
        for _ in 0..(3 * SeenHashes::RECENT + 17) {
            let hash = rng.random_range(0..1_000_000u64);
            assert_eq!(seen.insert(hash), reference.insert(hash), "{hash}");
        }
        assert!(seen.sorted.len() >= 2 * SeenHashes::RECENT, "the recent set was merged at least twice");
        assert!(seen.sorted.windows(2).all(|w| w[0] < w[1]), "the merged hashes stay sorted and distinct");
        assert_eq!(seen.sorted.len() + seen.recent.len(), reference.len());
    }

    #[test]
    fn field_boundaries_are_part_of_the_hash() {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        push_field(&mut x, b"ab");
        push_field(&mut x, b"c");
        push_field(&mut y, b"a");
        push_field(&mut y, b"bc");
        assert_ne!(xxhash_rust::xxh3::xxh3_128(&x), xxhash_rust::xxh3::xxh3_128(&y));
    }

    #[test]
    fn hashed_key_hasher_spreads_u128_keys() {
        let build = BuildHasherDefault::<HashedKey>::default();
        assert_ne!(build.hash_one(1u128), build.hash_one(2u128));
    }

    #[test]
    fn loose_names_treat_spaces_dashes_and_underscores_alike() {
        let mut out = String::new();
        loosen("  Fraud  Detection_v2 ", &mut out);
        assert_eq!(out, "fraud-detection-v2");
        loosen("fraud-detection-v2", &mut out);
        assert_eq!(out, "fraud-detection-v2");
    }

    #[test]
    fn line_index_counts_blank_lines_crlf_and_quoted_newlines() {
        let dir = tempfile::tempdir().expect("the test input is valid");
        let path = dir.path().join("lines.csv");
        std::fs::write(&path, b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n3,4\r\n\"x\ny\",5\n6,7\n\n  ,\n8")
            .expect("the test input is valid");
        let mut reader = open_csv(&path).expect("the test input is valid");
        let mut lines = LineIndex::open(&path).expect("the test input is valid");
        let mut record = csv::ByteRecord::new();
        let mut found = Vec::new();
        while reader.read_byte_record(&mut record).expect("the test input is valid") {
            let line = lines
                .line_at(record.position().expect("the test input is valid").byte())
                .expect("the test input is valid");
            found.push((String::from_utf8_lossy(&record[0]).into_owned(), line));
        }
        let expected = [("a", 1), ("1", 2), ("3", 4), ("x\ny", 5), ("6", 7), ("  ", 9), ("8", 10)];
        let expected: Vec<(String, u64)> = expected.iter().map(|(s, l)| ((*s).to_owned(), *l)).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn problems_say_how_many_rows_are_bad_and_list_each() {
        let mut problems = Problems::new("budgets.csv", 20);
        problems.add(7, Some("amount"), Some("12,5O"), "`12,5O` is not a number".into());
        problems.add(7, Some("month"), Some("2026-13"), "`2026-13` is not a month".into());
        problems.add(9, None, None, "the same cell is on row 4".into());
        let Error::Validation(message) = problems.into_error() else { panic!("a validation error") };
        let lines: Vec<&str> = message.lines().collect();
        assert!(lines[0].starts_with("budgets.csv: 2 rows are bad"), "{message}");
        assert_eq!(lines[1], "budgets.csv: row 7, column `amount`: `12,5O` is not a number");
        assert_eq!(lines[3], "budgets.csv: row 9: the same cell is on row 4");
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(500);
        assert_eq!(shorten(&long).chars().count(), 81);
        assert_eq!(shorten("short"), "short");
    }
}
