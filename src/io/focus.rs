//! Cloud and SaaS bills in the FinOps FOCUS format (FOCUS 1.0–1.2 cost-and-usage exports from
//! AWS, Azure, Google Cloud, OCI and SaaS vendors), imported as actuals with `source = focus`.
//!
//! # Reading the file
//! Columns are found by name (ignoring case), in any order; columns this importer does not use are
//! ignored, since FOCUS has dozens and providers add `x_` columns of their own. A UTF-8 byte-order
//! mark, CRLF line ends, blank lines, rows shorter than the header and the literal `null` (read as
//! empty) are all normal in real exports and accepted. Rows are numbered by their line in the file;
//! the header is row 1.
//!
//! # From a FOCUS row to an actual
//! | Actual        | FOCUS column(s)                                                                  |
//! |---------------|----------------------------------------------------------------------------------|
//! | month         | `ChargePeriodStart`, as a UTC month. ISO 8601 (`2025-05-01T00:00:00Z`, `2025-05-01`, `2025-05-01 00:00:00`, offsets such as `+02:00`) or US `M/D/YY` / `M/D/YYYY` (`5/1/25` is May 2025; two-digit years are 20YY) |
//! | amount        | `BilledCost` (default) or `EffectiveCost` ([`CostColumn`]); any precision, rounded half to even to the currency's minor unit with [`Money::parse_rounded`]. A leading `$`, `€`, `£` or `¥` and thousands commas (spreadsheet formatting) are tolerated |
//! | currency      | `BillingCurrency`. Without that column the base currency is assumed and the report says so; an empty cell on a row that costs something is an error |
//! | category      | `ServiceCategory`, mapped by the table below                                      |
//! | initiative    | The `Tags` JSON object's key [`FocusOptions::tag_key`] (key matched ignoring case); its value names the initiative, ignoring case and treating spaces, `-` and `_` alike (Google Cloud labels cannot hold spaces or capitals) |
//! | tag           | That tag's value, whether or not it matched an initiative                        |
//! | provider      | `ProviderName`, else `ServiceProviderName` (FOCUS 1.3), else `InvoiceIssuerName`  |
//! | service       | `ServiceName`                                                                     |
//! | resource      | `ResourceId`, else `ResourceName`                                                 |
//! | note          | `ChargeCategory: ChargeDescription` for charges that are not plain `Usage` (purchases, credits, taxes, adjustments), cut to 120 characters; none for usage, which service and resource already describe |
//!
//! `ServiceCategory` → category (FOCUS's allowed values, compared ignoring case):
//!
//! | ServiceCategory                                | category  |
//! |------------------------------------------------|-----------|
//! | AI and Machine Learning, Compute, Analytics    | compute   |
//! | Storage, Databases (also the singular Database) | storage   |
//! | anything else, or no column                    | other     |
//!
//! Analytics is compute on purpose: FOCUS puts data processing and query engines there (EMR,
//! Dataproc, Databricks, Synapse, BigQuery, Athena), which in an ML portfolio is the feature and
//! training-data pipeline — spend that belongs next to training compute in a budget, not in
//! "other". The storage such services bill under Analytics lands in compute too; FOCUS gives no
//! reliable way to split it out.
//!
//! # What lands where
//! Every row is imported; none is dropped. A row with no Tags column, an empty or invalid Tags
//! value, no such tag key, or a tag naming no initiative lands in the Unallocated bucket
//! (`initiative_id` NULL) and is counted in [`ImportReport::unallocated`]. Invalid Tags JSON is not
//! an error — billing data is messy — but the report's notes say how many rows had it, and which tag
//! values matched no initiative.
//!
//! Rows of every `ChargeCategory` are charges and are imported as they are: usage, purchases
//! (including commitment purchases, upfront or recurring), taxes, credits and adjustments (negative
//! amounts). The cost column decides what a row is worth: with `BilledCost` a commitment purchase
//! carries its price and the usage it covers costs 0; with `EffectiveCost` the purchase is 0 and the
//! amortised cost sits on the usage. Choose one column per portfolio, or the same spend is counted
//! twice.
//!
//! # Importing twice
//! Each row's `import_key` is xxh3-128 of the row's raw fields (length-prefixed, trailing empty
//! fields left out) and of how many identical rows precede it in the file: two identical charges
//! in one file are two charges, and the same file imported again adds nothing. An overlapping
//! export adds only its new rows. A re-imported row that sits in Unallocated but whose tag now
//! names an initiative (one created since) moves to that initiative and counts as written.
//!
//! # Speed
//! A million-row export must import in a few seconds on two cores. The file is read in one pass on
//! a second thread (one reused `ByteRecord`, column positions looked up once, initiative names
//! loaded once, Tags parsed only when present and without building a map), which hands checked
//! rows over in reusable batches sorted by `import_key`. The calling thread inserts them with one
//! cached prepared statement, all in one transaction with one audit row, and a larger SQLite page
//! cache for the duration: hash-ordered keys inserted in file order would land all over the index
//! B-tree, and sorted batches halve the time. Row numbers for messages come from re-reading the
//! file, only when there is something to report. SQLite's own B-tree work is what is left; see
//! `cargo bench` (`focus_import`) before changing any of this.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::path::Path;
use std::str::FromStr;
use std::sync::mpsc::{self, Receiver, SyncSender};

use chrono::{Datelike, NaiveDate, TimeDelta};
use rusqlite::{CachedStatement, Connection, OptionalExtension};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::{
    Currencies, IMPORT_ERROR_LIMIT, ImportKey, ImportKind, ImportReport, LineIndex, NameIndex, Occurrences,
    PREVIEW_ERROR_LIMIT, PREVIEW_ROW_LIMIT, Preview, PreviewRow, Problems, amount_problem, begin_import, csv_error,
    file_name, finish_import, not_utf8, open_csv, push_field, shorten, trim_bytes,
};
use crate::domain::{ActualSource, AmountError, Category, Currency, DomainError, InitiativeId, Money, Month};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::actuals::{ActualWriter, BulkActual, OnRepeat};

/// How a FOCUS file is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct FocusOptions {
    /// The tag key whose value names the initiative (matched ignoring case). Default `initiative`.
    pub tag_key: String,
    /// Which cost column is the amount. Default `BilledCost`.
    pub cost_column: CostColumn,
}

impl Default for FocusOptions {
    fn default() -> FocusOptions {
        FocusOptions { tag_key: "initiative".to_owned(), cost_column: CostColumn::BilledCost }
    }
}

/// The FOCUS column an actual's amount comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CostColumn {
    /// What the invoice charges: commitment purchases at their price, covered usage at 0.
    #[default]
    BilledCost,
    /// The amortised cost: purchases spread over the usage they cover, discounts applied.
    EffectiveCost,
}

impl CostColumn {
    /// The column's name in a FOCUS file.
    pub fn column_name(self) -> &'static str {
        match self {
            CostColumn::BilledCost => "BilledCost",
            CostColumn::EffectiveCost => "EffectiveCost",
        }
    }
}

impl fmt::Display for CostColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.column_name())
    }
}

impl FromStr for CostColumn {
    type Err = DomainError;
    /// `billed`, `BilledCost`, `billed_cost` or `billed-cost`; likewise for `effective`.
    fn from_str(s: &str) -> Result<CostColumn, DomainError> {
        let word: String = s.trim().chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
        match word.as_str() {
            "billed" | "billedcost" => Ok(CostColumn::BilledCost),
            "effective" | "effectivecost" => Ok(CostColumn::EffectiveCost),
            _ => Err(DomainError::invalid("cost_column", format!("`{s}` is not one of: billed, effective"))),
        }
    }
}

/// Imports a FOCUS export as actuals, all or nothing; rows imported before are skipped.
pub fn import_focus(store: &mut Store, path: &Path, options: &FocusOptions) -> Result<ImportReport> {
    let cache = LargerPageCache::set(store.conn())?;
    let imported = store.in_transaction(|tx, actor| {
        let import_id = begin_import(tx, actor, ImportKind::Focus, &file_name(path))?;
        let mut writer = Writer { actuals: ActualWriter::new(tx, OnRepeat::Keep)?, import_id };
        let scan = scan(tx, path, options, IMPORT_ERROR_LIMIT, &mut writer)?;
        drop(writer);
        if !scan.problems.is_empty() {
            return Err(scan.problems.into_error());
        }
        let report = ImportReport {
            kind: ImportKind::Focus,
            file: scan.file,
            rows: scan.rows,
            written: scan.written,
            duplicates: scan.accepted - scan.written,
            unallocated: scan.unallocated,
            notes: scan.notes,
        };
        finish_import(tx, actor, import_id, &report)?;
        Ok(report)
    });
    cache.restore(store.conn());
    imported
}

/// SQLite's page cache ceiling while a FOCUS file is imported, in KiB. The default (2 MB) keeps
/// evicting and re-reading the index pages every batch touches; 20 MB holds the integer key index
/// of a million-row bill and keeps the whole import under 64 MiB (58 MB measured, with the seen
/// rows and two batches; 128 MB of cache was no faster once the keys were integers). Pages are
/// allocated only as the import needs them.
const IMPORT_CACHE_KIB: i64 = 20 * 1024;

/// Raises the connection's page cache for an import, remembering the setting to put back.
#[derive(Debug)]
struct LargerPageCache {
    previous: Option<i64>,
}

impl LargerPageCache {
    fn set(conn: &Connection) -> Result<LargerPageCache> {
        let previous: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
        // Negative values are KiB, positive ones pages (of at most 64 KiB).
        let previous_kib = if previous < 0 { -previous } else { previous.saturating_mul(64) };
        if previous_kib >= IMPORT_CACHE_KIB {
            return Ok(LargerPageCache { previous: None });
        }
        conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
        Ok(LargerPageCache { previous: Some(previous) })
    }

    fn restore(self, conn: &Connection) {
        if let Some(previous) = self.previous {
            // Only memory use depends on it, and the import is already committed or rolled back:
            // a failure here must not turn a finished import into an error.
            let _ = conn.pragma_update(None, "cache_size", previous);
        }
    }
}

/// What [`import_focus`] would do, without writing anything.
pub fn preview_focus(conn: &Connection, path: &Path, options: &FocusOptions) -> Result<Preview> {
    // One read transaction for the whole file, rather than one per row.
    let _snapshot = Snapshot::begin(conn)?;
    let mut previewer = Previewer {
        lookup: conn.prepare_cached("SELECT initiative_id IS NULL FROM actuals WHERE import_key = ?1")?,
        candidates: Vec::new(),
        complete: false,
    };
    let scan = scan(conn, path, options, PREVIEW_ERROR_LIMIT, &mut previewer)?;
    Ok(Preview {
        kind: ImportKind::Focus,
        sample: previewer.sample(path)?,
        kpi_values: Vec::new(),
        file: scan.file,
        rows: scan.rows,
        would_write: scan.written,
        duplicates: scan.accepted - scan.written,
        unallocated: scan.unallocated,
        stopped_early: scan.problems.is_full(),
        errors: scan.problems.errors,
        notes: scan.notes,
    })
}

/// The month of a FOCUS timestamp, in UTC: ISO 8601 with or without time and offset, or the US
/// `M/D/YY` / `M/D/YYYY` form (optionally followed by a time of day, which is ignored).
pub fn charge_month(text: &str) -> Option<Month> {
    let s = text.trim().as_bytes();
    if s.len() >= 10 && s[4] == b'-' && s[7] == b'-' {
        iso_month(s)
    } else if s.contains(&b'/') {
        us_month(s)
    } else {
        None
    }
}

/// The category of spend for a FOCUS `ServiceCategory` (see the table in the module docs).
pub fn category_of_service(service_category: &str) -> Category {
    const COMPUTE: [&str; 3] = ["AI and Machine Learning", "Compute", "Analytics"];
    const STORAGE: [&str; 3] = ["Storage", "Databases", "Database"];
    let s = service_category.trim();
    if COMPUTE.iter().any(|c| c.eq_ignore_ascii_case(s)) {
        Category::Compute
    } else if STORAGE.iter().any(|c| c.eq_ignore_ascii_case(s)) {
        Category::Storage
    } else {
        Category::Other
    }
}

/// Rows per batch handed from the reading thread to the writing one. Each batch is inserted in
/// `import_key` order, which turns a million scattered B-tree inserts into sweeps: measured here,
/// 1M rows took 4.7 s in batches of 50,000 against 9.6 s in file order. Two batches are alive at
/// once (one filling, one writing; the channel holds none), about 5 MB each at this size.
const BATCH_ROWS: usize = 24_576;
/// A batch is also sent once its text passes this many bytes (rows with huge cells).
const BATCH_TEXT: usize = 4 << 20;

const PROVIDER: usize = 0;
const SERVICE: usize = 1;
const RESOURCE: usize = 2;
const TAG: usize = 3;
const NOTE: usize = 4;

/// One checked row, ready to write; its text lives in its [`Batch`].
#[derive(Clone, Copy, Debug)]
struct Charge {
    /// Where the row starts in the file (for its line number, should a preview show it).
    offset: u64,
    key: ImportKey,
    initiative_id: Option<i64>,
    month: Month,
    /// `month` as `YYYY-MM`, formatted once on the reading thread.
    month_text: [u8; 7],
    category: Category,
    amount: Money,
    /// Provider, service, resource, tag and note, as byte ranges of the batch's text.
    text: [Option<(u32, u32)>; 5],
}

/// Rows on their way from the reading thread to the writing one. Batches go back to the reader
/// to be refilled, so a million rows need no allocation each.
#[derive(Debug, Default)]
struct Batch {
    charges: Vec<Charge>,
    text: String,
}

impl Batch {
    fn is_full(&self) -> bool {
        self.charges.len() >= BATCH_ROWS || self.text.len() >= BATCH_TEXT
    }

    fn clear(&mut self) {
        self.charges.clear();
        self.text.clear();
    }

    fn keep(&mut self, text: Option<&str>) -> Option<(u32, u32)> {
        let text = text?;
        let start = u32::try_from(self.text.len()).ok()?;
        self.text.push_str(text);
        Some((start, u32::try_from(self.text.len()).ok()?))
    }

    fn text(&self, charge: &Charge, which: usize) -> Option<&str> {
        charge.text[which].and_then(|(start, end)| self.text.get(start as usize..end as usize))
    }
}

/// Where checked rows go: the database, or a preview. Sinks run on the calling thread.
trait Sink {
    /// Whether rows are still wanted once the file is known to be bad.
    const AFTER_ERRORS: bool;
    /// Takes a row; returns whether it was (or would be) written.
    fn accept(&mut self, batch: &Batch, charge: &Charge, initiatives: &NameIndex) -> Result<bool>;
    /// Called after each batch.
    fn end_batch(&mut self) {}
}

struct Writer<'c> {
    actuals: ActualWriter<'c>,
    import_id: i64,
}

impl Sink for Writer<'_> {
    // A bad file is rolled back anyway; writing more of it is wasted work.
    const AFTER_ERRORS: bool = false;

    fn accept(&mut self, batch: &Batch, c: &Charge, _: &NameIndex) -> Result<bool> {
        // A row imported before may sit in Unallocated from before its initiative existed: the
        // writer moves it (and counts it written).
        self.actuals.write(&BulkActual {
            initiative: c.initiative_id.map(InitiativeId),
            month: std::str::from_utf8(&c.month_text).unwrap_or_default(),
            category: c.category,
            amount: c.amount,
            source: ActualSource::Focus,
            vendor: None,
            model: None,
            provider: batch.text(c, PROVIDER),
            service: batch.text(c, SERVICE),
            resource: batch.text(c, RESOURCE),
            tag: batch.text(c, TAG),
            note: batch.text(c, NOTE),
            key: c.key,
            import_id: Some(self.import_id),
        })
    }
}

struct Previewer<'c> {
    lookup: CachedStatement<'c>,
    /// Rows that would be written, by their offset in the file; each batch is in key order, so
    /// the first rows of the file are known once a batch ends with enough of them.
    candidates: Vec<(u64, PreviewRow)>,
    complete: bool,
}

impl Sink for Previewer<'_> {
    const AFTER_ERRORS: bool = true;

    fn accept(&mut self, batch: &Batch, c: &Charge, initiatives: &NameIndex) -> Result<bool> {
        let stored_unallocated: Option<bool> = self.lookup.query_row([c.key], |r| r.get(0)).optional()?;
        let would_write = match stored_unallocated {
            None => true,
            Some(unallocated) => unallocated && c.initiative_id.is_some(),
        };
        if would_write && !self.complete {
            let initiative = c.initiative_id.and_then(|id| initiatives.name(id));
            let mut row = PreviewRow::new(0, initiative, c.month, c.category, c.amount);
            row.source = Some(ActualSource::Focus);
            row.provider = batch.text(c, PROVIDER).map(str::to_owned);
            row.service = batch.text(c, SERVICE).map(str::to_owned);
            row.resource = batch.text(c, RESOURCE).map(str::to_owned);
            row.tag = batch.text(c, TAG).map(str::to_owned);
            row.note = batch.text(c, NOTE).map(str::to_owned);
            self.candidates.push((c.offset, row));
        }
        Ok(would_write)
    }

    fn end_batch(&mut self) {
        self.candidates.sort_unstable_by_key(|(offset, _)| *offset);
        self.candidates.truncate(PREVIEW_ROW_LIMIT);
        self.complete = self.candidates.len() == PREVIEW_ROW_LIMIT;
    }
}

impl Previewer<'_> {
    /// The sample rows, numbered by their lines in the file.
    fn sample(&mut self, path: &Path) -> Result<Vec<PreviewRow>> {
        self.end_batch();
        let mut lines = LineIndex::open(path)?;
        let mut sample = Vec::with_capacity(self.candidates.len());
        for (offset, mut row) in self.candidates.drain(..) {
            row.row = lines.line_at(offset)?;
            sample.push(row);
        }
        Ok(sample)
    }
}

/// A read transaction held for the life of the value (a savepoint, so it nests in a caller's).
struct Snapshot<'c>(&'c Connection);

impl<'c> Snapshot<'c> {
    fn begin(conn: &'c Connection) -> Result<Snapshot<'c>> {
        conn.execute_batch("SAVEPOINT focus_preview")?;
        Ok(Snapshot(conn))
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // Nothing was written, so there is nothing to lose if releasing fails.
        let _ = self.0.execute_batch("RELEASE focus_preview");
    }
}

/// What one pass over the file found.
#[derive(Debug)]
struct Scan {
    file: String,
    rows: usize,
    /// Good rows handed to the sink.
    accepted: usize,
    written: usize,
    unallocated: usize,
    notes: Vec<String>,
    problems: Problems,
}

/// Where the columns this importer reads are in the file.
#[derive(Clone, Copy, Debug)]
struct Columns {
    header_len: usize,
    charge_start: usize,
    cost: usize,
    currency: Option<usize>,
    service_category: Option<usize>,
    tags: Option<usize>,
    providers: [Option<usize>; 3],
    service: Option<usize>,
    resources: [Option<usize>; 2],
    charge_category: Option<usize>,
    charge_description: Option<usize>,
}

impl Columns {
    fn from_header(names: &[String], options: &FocusOptions, problems: &mut Problems) -> Option<Columns> {
        let find = |name: &str| names.iter().position(|n| n.eq_ignore_ascii_case(name));
        let mut required = |name: &str, why: &str| {
            let found = find(name);
            if found.is_none() {
                problems.add(1, Some(name), None, format!("is missing from the header; {why}"));
            }
            found
        };
        let charge_start = required(
            "ChargePeriodStart",
            "a FOCUS export names the start of each charge's period there (is this a FOCUS file?)",
        );
        let other = match options.cost_column {
            CostColumn::BilledCost => CostColumn::EffectiveCost,
            CostColumn::EffectiveCost => CostColumn::BilledCost,
        };
        let why = if find(other.column_name()).is_some() {
            format!("the file has {other}; import with that cost column instead")
        } else {
            "a FOCUS export has the cost of each charge there (is this a FOCUS file?)".to_owned()
        };
        let cost = required(options.cost_column.column_name(), &why);
        Some(Columns {
            header_len: names.len(),
            charge_start: charge_start?,
            cost: cost?,
            currency: find("BillingCurrency"),
            service_category: find("ServiceCategory"),
            tags: find("Tags"),
            providers: [find("ProviderName"), find("ServiceProviderName"), find("InvoiceIssuerName")],
            service: find("ServiceName"),
            resources: [find("ResourceId"), find("ResourceName")],
            charge_category: find("ChargeCategory"),
            charge_description: find("ChargeDescription"),
        })
    }
}

/// Reads the file: the header here, the rows on a second thread that parses and checks them while
/// this one hands them to `sink` (on two cores, reading and SQLite run side by side).
fn scan<S: Sink>(conn: &Connection, path: &Path, options: &FocusOptions, limit: usize, sink: &mut S) -> Result<Scan> {
    let file = file_name(path);
    let mut problems = Problems::new(&file, limit);
    let mut reader = open_csv(path)?;
    let mut header = csv::ByteRecord::new();
    let has_header = reader.read_byte_record(&mut header).map_err(|e| csv_error(path, e))?;
    let mut names = Vec::with_capacity(header.len());
    for raw in header.iter() {
        match std::str::from_utf8(trim_bytes(raw)) {
            Ok(name) => names.push(name.to_owned()),
            Err(_) => {
                problems.add(1, None, None, format!("the header has a column name that {}", not_utf8(raw)));
                names.push(String::new());
            }
        }
    }
    let empty = |problems: Problems| Scan {
        file: file.clone(),
        rows: 0,
        accepted: 0,
        written: 0,
        unallocated: 0,
        notes: Vec::new(),
        problems,
    };
    if !has_header {
        problems.add(
            1,
            None,
            None,
            "the file is empty; a FOCUS export starts with a header row naming its columns".into(),
        );
        return Ok(empty(problems));
    }
    let columns = Columns::from_header(&names, options, &mut problems);
    let Some(columns) = columns.filter(|_| problems.is_empty()) else {
        return Ok(empty(problems));
    };

    let initiatives = NameIndex::load(conn, "initiatives")?;
    let rows = RowReader {
        columns,
        names,
        tag_key: options.tag_key.trim().to_owned(),
        cost_name: options.cost_column.column_name(),
        currencies: Currencies::load(conn)?,
        currency_cache: Vec::new(),
        initiatives: &initiatives,
        lines: LineIndex::open(path)?,
        problems,
        rows_after_errors: S::AFTER_ERRORS,
        occurrences: Occurrences::default(),
        key_buf: Vec::with_capacity(4096),
        scratch: String::new(),
        note_buf: String::new(),
        rows: 0,
        untagged: 0,
        invalid_tags: 0,
        unknown_tags: HashMap::new(),
    };
    let (mut accepted, mut written, mut unallocated) = (0, 0, 0);
    let rows = std::thread::scope(|scope| -> Result<RowReader<'_>> {
        let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(0);
        let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
        let reading = scope.spawn(move || rows.run(reader, path, &full_tx, &empty_rx));
        let mut failure = None;
        'batches: while let Ok(mut batch) = full_rx.recv() {
            for charge in &batch.charges {
                match sink.accept(&batch, charge, &initiatives) {
                    Ok(true) => {
                        written += 1;
                        if charge.initiative_id.is_none() {
                            unallocated += 1;
                        }
                    }
                    Ok(false) => {}
                    Err(e) => {
                        failure = Some(e);
                        break 'batches;
                    }
                }
            }
            accepted += batch.charges.len();
            sink.end_batch();
            batch.clear();
            // The reader may have finished already; then the batch is simply dropped.
            let _ = empty_tx.send(batch);
        }
        // Stops a reader still sending (after a failure here), so joining cannot wait forever.
        drop(full_rx);
        let joined = reading.join();
        if let Some(e) = failure {
            return Err(e);
        }
        joined.map_err(|_| Error::Internal("the thread reading the FOCUS file stopped unexpectedly".into()))?
    })?;
    let notes = rows.notes(options);
    Ok(Scan { file, rows: rows.rows, accepted, written, unallocated, notes, problems: rows.problems })
}

/// Reads and checks rows, on its own thread.
struct RowReader<'a> {
    columns: Columns,
    /// The header as the file spells it.
    names: Vec<String>,
    tag_key: String,
    cost_name: &'static str,
    currencies: Currencies,
    /// Currency codes seen so far (a file rarely has more than one or two).
    currency_cache: Vec<(Vec<u8>, Currency)>,
    initiatives: &'a NameIndex,
    lines: LineIndex,
    problems: Problems,
    rows_after_errors: bool,
    occurrences: Occurrences,
    key_buf: Vec<u8>,
    scratch: String,
    note_buf: String,
    rows: usize,
    untagged: usize,
    invalid_tags: usize,
    /// Tag values that matched no initiative, and on how many rows.
    unknown_tags: HashMap<String, usize>,
}

/// Distinct unknown tag values remembered for the report; past this, they are only counted.
const UNKNOWN_TAGS_REMEMBERED: usize = 1000;
const NOTE_MAX_CHARS: usize = 120;

impl RowReader<'_> {
    /// Reads every row, sending full batches (sorted by key) to `full` and refilling the ones
    /// `empty` returns.
    fn run(
        mut self,
        mut reader: csv::Reader<File>,
        path: &Path,
        full: &SyncSender<Batch>,
        empty: &Receiver<Batch>,
    ) -> Result<Self> {
        let mut record = csv::ByteRecord::new();
        let mut batch = Batch::default();
        while !self.problems.is_full() && reader.read_byte_record(&mut record).map_err(|e| csv_error(path, e))? {
            self.row(&record, &mut batch)?;
            if batch.is_full() {
                batch.charges.sort_unstable_by_key(|charge| charge.key);
                let next = empty.try_recv().unwrap_or_default();
                if full.send(std::mem::replace(&mut batch, next)).is_err() {
                    // The writer stopped; it reports why.
                    return Ok(self);
                }
            }
        }
        if !batch.charges.is_empty() {
            batch.charges.sort_unstable_by_key(|charge| charge.key);
            let _ = full.send(batch);
        }
        Ok(self)
    }

    fn row(&mut self, record: &csv::ByteRecord, batch: &mut Batch) -> Result<()> {
        // A record of empty fields is a blank line; trailing empty fields are not part of the row.
        let Some(last) = record.iter().rposition(|f| !trim_bytes(f).is_empty()) else {
            return Ok(());
        };
        self.rows += 1;
        let offset = record.position().map_or(0, |p| p.byte());
        let before = self.problems.errors.len();
        let cols = self.columns;

        if last >= cols.header_len {
            let problem = format!(
                "has {} fields but the header has {}; the row does not line up with the header",
                last + 1,
                cols.header_len
            );
            self.bad(offset, None, None, problem)?;
        }

        let month = match self.text(record, offset, Some(cols.charge_start))? {
            None => None,
            Some("") => {
                let problem = "is empty; every charge needs the start of its charge period".to_owned();
                self.bad(offset, Some(cols.charge_start), Some(""), problem)?;
                None
            }
            Some(text) => {
                let month = charge_month(text);
                if month.is_none() {
                    let problem = format!(
                        "`{}` is not a date; FOCUS dates look like 2025-05-01T00:00:00Z (ISO 8601) or 5/1/2025",
                        shorten(text)
                    );
                    self.bad(offset, Some(cols.charge_start), Some(text), problem)?;
                }
                month
            }
        };

        let cost = self.text(record, offset, Some(cols.cost))?;
        let base = self.currencies.base;
        let currency = match cols.currency {
            None => Some(base),
            Some(column) => match self.text(record, offset, Some(column))? {
                None => None,
                Some("") => {
                    let costs_something = cost
                        .filter(|c| !c.is_empty())
                        .is_some_and(|c| Money::parse_rounded(&clean_amount(c), base).map_or(true, |m| m.minor != 0));
                    if costs_something {
                        let problem = format!(
                            "is empty, but the row costs {}; a charge needs the currency it is billed in",
                            shorten(cost.unwrap_or_default())
                        );
                        self.bad(offset, Some(column), Some(""), problem)?;
                        None
                    } else {
                        Some(base)
                    }
                }
                Some(code) => self.currency(code, offset, column)?,
            },
        };

        let amount = match (cost, currency) {
            (None, _) => None,
            (Some(""), _) => {
                let problem = format!("is empty; every FOCUS row needs its {}", self.cost_name);
                self.bad(offset, Some(cols.cost), Some(""), problem)?;
                None
            }
            (Some(text), Some(currency)) => match Money::parse_rounded(&clean_amount(text), currency) {
                Ok(amount) => Some(amount),
                Err(e) => {
                    self.bad(offset, Some(cols.cost), Some(text), amount_problem(text, &e))?;
                    None
                }
            },
            (Some(text), None) => {
                // The currency is wrong too; still say whether this is a number at all.
                if let Err(e @ AmountError::NotANumber(_)) = Money::parse_rounded(&clean_amount(text), base) {
                    self.bad(offset, Some(cols.cost), Some(text), amount_problem(text, &e))?;
                }
                None
            }
        };

        let category = category_of_service(self.text(record, offset, cols.service_category)?.unwrap_or(""));
        let tag: Option<Cow<'_, str>> = match cols.tags {
            None => None,
            Some(column) => match self.text(record, offset, Some(column))? {
                None | Some("") => None,
                Some(json) => match tag_value(json, &self.tag_key) {
                    Ok(value) => value.filter(|v| !v.trim().is_empty()),
                    Err(_) => {
                        self.invalid_tags += 1;
                        None
                    }
                },
            },
        };
        let provider = self.first_text(record, offset, &cols.providers)?;
        let service = self.first_text(record, offset, &[cols.service])?;
        let resource = self.first_text(record, offset, &cols.resources)?;
        let charge_category = self.first_text(record, offset, &[cols.charge_category])?;
        let description = self.first_text(record, offset, &[cols.charge_description])?;

        if self.problems.errors.len() != before || (!self.rows_after_errors && !self.problems.is_empty()) {
            return Ok(());
        }
        let (Some(month), Some(amount)) = (month, amount) else {
            return Ok(());
        };

        let initiative_id = match tag.as_deref() {
            None => {
                self.untagged += 1;
                None
            }
            Some(value) => {
                let found = self.initiatives.find_loosely(value, &mut self.scratch);
                if found.is_none() {
                    self.remember_unknown_tag(value.trim());
                }
                found
            }
        };

        self.key_buf.clear();
        for field in record.iter().take(last + 1) {
            push_field(&mut self.key_buf, field);
        }
        let key = self.occurrences.key(xxhash_rust::xxh3::xxh3_128(&self.key_buf));
        let note = build_note(&mut self.note_buf, charge_category, description);
        let text = [
            batch.keep(provider),
            batch.keep(service),
            batch.keep(resource),
            batch.keep(tag.as_deref()),
            batch.keep(note),
        ];
        batch.charges.push(Charge {
            offset,
            key,
            initiative_id,
            month,
            month_text: month_text(month),
            category,
            amount,
            text,
        });
        Ok(())
    }

    /// A cell as text: `Some("")` when absent, empty or `null`; `None` (a problem recorded) when it
    /// is not UTF-8.
    fn text<'r>(&mut self, record: &'r csv::ByteRecord, offset: u64, column: Option<usize>) -> Result<Option<&'r str>> {
        let raw = column.and_then(|i| record.get(i)).map_or(&b""[..], trim_bytes);
        if raw.eq_ignore_ascii_case(b"null") {
            return Ok(Some(""));
        }
        match std::str::from_utf8(raw) {
            Ok(text) => Ok(Some(text)),
            Err(_) => {
                self.bad(offset, column, None, not_utf8(raw))?;
                Ok(None)
            }
        }
    }

    /// The first non-empty cell of `columns`, in order.
    fn first_text<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        offset: u64,
        columns: &[Option<usize>],
    ) -> Result<Option<&'r str>> {
        for &column in columns {
            if let Some(text) = self.text(record, offset, column)?.filter(|t| !t.is_empty()) {
                return Ok(Some(text));
            }
        }
        Ok(None)
    }

    /// The currency of a `BillingCurrency` code. Codes are parsed once each; the exchange rate is
    /// checked on every row, so each row without one is reported.
    fn currency(&mut self, code: &str, offset: u64, column: usize) -> Result<Option<Currency>> {
        let currency = match self.currency_cache.iter().find(|(c, _)| c == code.as_bytes()) {
            Some((_, currency)) => *currency,
            None => match Currency::from_str(code) {
                Ok(currency) => {
                    self.currency_cache.push((code.as_bytes().to_vec(), currency));
                    currency
                }
                Err(e) => {
                    self.bad(offset, Some(column), Some(code), e.message)?;
                    return Ok(None);
                }
            },
        };
        match self.currencies.check(currency) {
            None => Ok(Some(currency)),
            Some(problem) => {
                self.bad(offset, Some(column), Some(code), problem)?;
                Ok(None)
            }
        }
    }

    fn bad(&mut self, offset: u64, column: Option<usize>, value: Option<&str>, problem: String) -> Result<()> {
        let line = self.lines.line_at(offset)?;
        let column = column.and_then(|i| self.names.get(i)).map(String::as_str);
        self.problems.add(line, column, value, problem);
        Ok(())
    }

    fn remember_unknown_tag(&mut self, value: &str) {
        if let Some(count) = self.unknown_tags.get_mut(value) {
            *count += 1;
        } else if self.unknown_tags.len() < UNKNOWN_TAGS_REMEMBERED {
            self.unknown_tags.insert(value.to_owned(), 1);
        }
    }

    fn notes(&self, options: &FocusOptions) -> Vec<String> {
        let mut notes = vec![format!(
            "amounts are the {} column, rounded half to even to the currency's smallest unit",
            self.cost_name
        )];
        let rows = |n: usize| {
            if n == 1 { "1 row".to_owned() } else { format!("{n} rows") }
        };
        let go = |n: usize| if n == 1 { "it goes" } else { "they go" };
        if self.columns.currency.is_none() {
            notes.push(format!(
                "no BillingCurrency column; amounts taken as {} (the base currency)",
                self.currencies.base
            ));
        }
        let key = &options.tag_key;
        if self.columns.tags.is_none() {
            notes.push("no Tags column; every row goes to Unallocated".to_owned());
            return notes;
        }
        if self.invalid_tags > 0 {
            notes.push(format!(
                "{} had a Tags value that is not a JSON object; {} to Unallocated",
                rows(self.invalid_tags),
                go(self.invalid_tags)
            ));
        }
        let without_key = self.untagged.saturating_sub(self.invalid_tags);
        if without_key > 0 {
            notes.push(format!("{} had no `{key}` tag; {} to Unallocated", rows(without_key), go(without_key)));
        }
        if !self.unknown_tags.is_empty() {
            let mut unknown: Vec<(&String, &usize)> = self.unknown_tags.iter().collect();
            unknown.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let total: usize = unknown.iter().map(|(_, n)| **n).sum();
            let listed: Vec<String> = unknown.iter().take(5).map(|(v, n)| format!("`{}` ({n})", shorten(v))).collect();
            let more = if unknown.len() > 5 { format!(" and {} more", unknown.len() - 5) } else { String::new() };
            notes.push(format!(
                "{} had a tag `{key}` whose value names no initiative: {}{more}; {} to Unallocated. Add those \
                 initiatives and import the file again to move the rows to them",
                rows(total),
                listed.join(", "),
                go(total)
            ));
        }
        notes
    }
}

/// `YYYY-MM` as bytes (months run from 1900 to 9999, so the year has four digits).
fn month_text(month: Month) -> [u8; 7] {
    let (year, m) = (month.year().unsigned_abs(), month.month());
    let digit = |n: u32| b'0' + (n % 10) as u8;
    [digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), b'-', digit(m / 10), digit(m)]
}

/// `Purchase: Upfront payment ...` for charges that are not plain usage; none for usage, whose
/// service and resource already say what it was (and whose descriptions, repeated on every row of
/// a large bill, would be most of the stored text).
fn build_note<'b>(buf: &'b mut String, category: Option<&str>, description: Option<&str>) -> Option<&'b str> {
    buf.clear();
    let category = category.filter(|c| !c.eq_ignore_ascii_case("usage"))?;
    buf.push_str(category);
    if let Some(description) = description {
        buf.push_str(": ");
        buf.push_str(description);
    }
    if let Some((cut, _)) = buf.char_indices().nth(NOTE_MAX_CHARS) {
        buf.truncate(cut);
        buf.push('…');
    }
    (!buf.is_empty()).then_some(buf.as_str())
}

/// Strips spreadsheet formatting from a cost: `"$10,000.00 "` → `10,000.00` (thousands commas
/// are left to [`Money::parse_rounded`], which checks their grouping).
fn clean_amount(text: &str) -> Cow<'_, str> {
    const SYMBOLS: [char; 4] = ['$', '€', '£', '¥'];
    let text = text.trim();
    if let Some(rest) = text.strip_prefix(SYMBOLS) {
        return Cow::Borrowed(rest.trim_start());
    }
    for sign in ['-', '+'] {
        if let Some(rest) = text.strip_prefix(sign).and_then(|r| r.strip_prefix(SYMBOLS)) {
            return Cow::Owned(format!("{sign}{}", rest.trim_start()));
        }
    }
    Cow::Borrowed(text)
}

fn iso_month(s: &[u8]) -> Option<Month> {
    let date = NaiveDate::from_ymd_opt(digits(&s[0..4])? as i32, digits(&s[5..7])?, digits(&s[8..10])?)?;
    let Some((separator, time)) = s[10..].split_first() else {
        return month_of(date);
    };
    if !matches!(separator, b'T' | b't' | b' ') {
        return None;
    }
    let hour = digits(time.get(0..2)?)?;
    let minute = (time.get(2) == Some(&b':')).then(|| digits(time.get(3..5)?)).flatten()?;
    let mut second = 0;
    let mut end = 5;
    if time.get(end) == Some(&b':') {
        second = digits(time.get(end + 1..end + 3)?)?;
        end += 3;
        if matches!(time.get(end), Some(b'.' | b',')) {
            end += 1;
            while time.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_minutes = match trim_bytes(&time[end..]) {
        b"" | b"Z" | b"z" | b"UTC" | b"utc" => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let (h, m) = match zone {
                [_, _] => (digits(zone)?, 0),
                [h1, h2, b':', m1, m2] => (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?),
                [_, _, _, _] => (digits(&zone[..2])?, digits(&zone[2..])?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = i64::from(h * 60 + m);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    if offset_minutes == 0 {
        return month_of(date);
    }
    let local = date.and_hms_opt(hour, minute, second.min(59))?;
    month_of(local.checked_sub_signed(TimeDelta::minutes(offset_minutes))?.date())
}

fn us_month(s: &[u8]) -> Option<Month> {
    let (date, time) = match s.iter().position(|&b| b == b' ') {
        Some(space) => (&s[..space], trim_bytes(&s[space..])),
        None => (s, &b""[..]),
    };
    let looks_like_time = |t: &[u8]| {
        t.first().is_some_and(u8::is_ascii_digit) && t.iter().all(|b| b.is_ascii_digit() || b":. APMapm".contains(b))
    };
    if !time.is_empty() && !looks_like_time(time) {
        return None;
    }
    let mut parts = date.split(|&b| b == b'/');
    let (month, day, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !(1..=2).contains(&month.len()) || !(1..=2).contains(&day.len()) {
        return None;
    }
    let year = match year.len() {
        2 => 2000 + digits(year)? as i32,
        4 => digits(year)? as i32,
        _ => return None,
    };
    month_of(NaiveDate::from_ymd_opt(year, digits(month)?, digits(day)?)?)
}

fn month_of(date: NaiveDate) -> Option<Month> {
    Month::new(date.year(), date.month()).ok()
}

/// A short run of ASCII digits as a number.
fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// The value of tag `key` (ignoring case) in a FOCUS `Tags` JSON object, read without building a
/// map: other keys' values are skipped, and the value is borrowed when it has no escapes. String
/// and number values count; `true` (a tag without a value), `null` and nested values do not.
/// Anything but a JSON object is an error.
fn tag_value<'j>(json: &'j str, key: &str) -> Result<Option<Cow<'j, str>>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = FindTag { key }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

struct FindTag<'k> {
    key: &'k str,
}

impl<'de> DeserializeSeed<'de> for FindTag<'_> {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindTag<'_> {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of tags")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(self.key))? {
            if matches && found.is_none() {
                found = map.next_value::<TagText<'de>>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Deserialises a map key to whether it is the wanted key.
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(if key.is_ascii() && self.0.is_ascii() {
            key.trim().eq_ignore_ascii_case(self.0)
        } else {
            key.trim().to_lowercase() == self.0.to_lowercase()
        })
    }
}

/// A tag's value as text, when it has one.
struct TagText<'de>(Option<Cow<'de, str>>);

impl<'de> Deserialize<'de> for TagText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagTextVisitor)
    }
}

struct TagTextVisitor;

impl<'de> Visitor<'de> for TagTextVisitor {
    type Value = TagText<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tag value")
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(TagText(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(TagText(Some(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(TagText(Some(Cow::Owned(v))))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(TagText(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(TagText(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(TagText(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(TagText(None))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(TagText(None))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(TagText(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(TagText(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TagText(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Option<String> {
        charge_month(text).map(|m| m.to_string())
    }

    #[test]
    fn iso_timestamps_give_their_utc_month() {
        assert_eq!(month("2023-01-01T00:00:00Z").as_deref(), Some("2023-01"));
        assert_eq!(month("2023-01-31").as_deref(), Some("2023-01"));
        assert_eq!(month("2023-01-31 23:59:59").as_deref(), Some("2023-01"));
        assert_eq!(month("2023-01-31T23:59:59.123Z").as_deref(), Some("2023-01"));
        assert_eq!(month("2023-01-01 00:00:00 UTC").as_deref(), Some("2023-01"));
        // Local midnight on the 1st east of Greenwich is still the previous month in UTC.
        assert_eq!(month("2023-02-01T01:00:00+02:00").as_deref(), Some("2023-01"));
        assert_eq!(month("2023-01-31T20:00:00-0500").as_deref(), Some("2023-02"));
        assert_eq!(month("2023-01-31T20:00:00-05").as_deref(), Some("2023-02"));
        assert_eq!(month("2023-06-15T12:00:00+00:00").as_deref(), Some("2023-06"));
    }

    #[test]
    fn us_dates_give_their_month() {
        assert_eq!(month("5/1/25").as_deref(), Some("2025-05"));
        assert_eq!(month("5/1/2025").as_deref(), Some("2025-05"));
        assert_eq!(month("12/31/25").as_deref(), Some("2025-12"));
        assert_eq!(month("4/1/26 0:00").as_deref(), Some("2026-04"));
        assert_eq!(month("4/1/2026 12:00:00 AM").as_deref(), Some("2026-04"));
    }

    #[test]
    fn things_that_are_not_dates_are_refused() {
        for text in [
            "",
            "2023-13-01",
            "2023-02-30",
            "2023-02-01T30:00:00Z",
            "2023-01-01X",
            "2023-01-01T00:00:00+25:00",
            "13/1/25",
            "5/1/125",
            "5/1",
            "5/1/25 tomorrow",
            "yesterday",
            "2023/01/01",
        ] {
            assert_eq!(month(text), None, "`{text}` should not be a date");
        }
    }

    #[test]
    fn service_categories_map_to_spend_categories() {
        let cases = [
            ("AI and Machine Learning", Category::Compute),
            ("compute", Category::Compute),
            ("Analytics", Category::Compute),
            ("Storage", Category::Storage),
            ("Databases", Category::Storage),
            ("Database", Category::Storage),
            ("Networking", Category::Other),
            ("Business Applications", Category::Other),
            ("", Category::Other),
        ];
        for (service, expected) in cases {
            assert_eq!(category_of_service(service), expected, "{service}");
        }
    }

    #[test]
    fn tag_values_are_found_ignoring_key_case() {
        let json = r#"{"team": "ml", "Initiative": "Fraud detection", "initiative": "other"}"#;
        assert_eq!(tag_value(json, "initiative").expect("the test input is valid").as_deref(), Some("Fraud detection"));
        assert!(
            matches!(tag_value(json, "initiative").expect("the test input is valid"), Some(Cow::Borrowed(_))),
            "no escapes: borrowed"
        );
        assert_eq!(
            tag_value(r#"{"initiative": "caf\u00e9"}"#, "initiative").expect("the test input is valid").as_deref(),
            Some("café")
        );
        assert_eq!(
            tag_value(r#"{"initiative": 42}"#, "initiative").expect("the test input is valid").as_deref(),
            Some("42")
        );
        assert_eq!(tag_value(r#"{"initiative": true}"#, "initiative").expect("the test input is valid"), None);
        assert_eq!(
            tag_value(r#"{"initiative": null, "x": {"y": [1]}}"#, "initiative").expect("the test input is valid"),
            None
        );
        assert_eq!(tag_value("{}", "initiative").expect("the test input is valid"), None);
    }

    #[test]
    fn tags_that_are_not_a_json_object_are_errors() {
        for json in ["initiative=fraud", "[1, 2]", "\"fraud\"", "{\"initiative\": \"x\"", "{} trailing"] {
            assert!(tag_value(json, "initiative").is_err(), "`{json}` should be refused");
        }
    }

    #[test]
    fn spreadsheet_formatted_costs_are_cleaned() {
        assert_eq!(clean_amount("\"$10,000.00 \"".trim_matches('"')), "10,000.00");
        assert_eq!(clean_amount(" $100.00 "), "100.00");
        assert_eq!(clean_amount("-$5.25"), "-5.25");
        assert_eq!(clean_amount("0.00 "), "0.00");
        assert_eq!(
            Money::parse_rounded(&clean_amount("$10,000.005"), Currency::USD).expect("the test input is valid").minor,
            1_000_000
        );
    }

    #[test]
    fn notes_are_kept_for_charges_other_than_usage_and_are_short() {
        let mut buf = String::new();
        assert_eq!(build_note(&mut buf, Some("Usage"), Some("Monthly usage charge")), None);
        assert_eq!(build_note(&mut buf, Some("Purchase"), Some("Upfront")), Some("Purchase: Upfront"));
        assert_eq!(build_note(&mut buf, Some("Credit"), None), Some("Credit"));
        assert_eq!(build_note(&mut buf, None, Some("Monthly usage charge")), None);
        let long = "x".repeat(300);
        assert_eq!(build_note(&mut buf, Some("Tax"), Some(&long)).map(|n| n.chars().count()), Some(NOTE_MAX_CHARS + 1));
    }

    #[test]
    fn cost_columns_parse_from_short_words() {
        assert_eq!("effective".parse::<CostColumn>().expect("the test input is valid"), CostColumn::EffectiveCost);
        assert_eq!("BilledCost".parse::<CostColumn>().expect("the test input is valid"), CostColumn::BilledCost);
        assert_eq!("effective_cost".parse::<CostColumn>().expect("the test input is valid"), CostColumn::EffectiveCost);
        assert!("list".parse::<CostColumn>().is_err());
    }
}
