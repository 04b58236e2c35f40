//! Governance commands: classification, checklists, sign-offs, the promotion gate, the overview,
//! jurisdictions and framework files, the inventory as of a day, model cards, and the audit
//! chain's verification. The rules are in [`crate::governance`]; this is where requests meet them.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{ControlItem, ControlStatus, EntityKind, EvidenceKind, ModelId, Signoff, Stored};
use crate::error::{Error, Result};
use crate::governance::checklist::{Checklist, ChecklistRow};
use crate::governance::gate::GateCheck;
use crate::governance::history::InventoryRow;
use crate::governance::overview::{FrameworkInfo, Overview};
use crate::governance::{Classification, Register};
use crate::plan::period::today;
use crate::store::audit::Verification;
use crate::store::{Store, records};

/// A model, by name or id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelName {
    pub model: String,
}

fn model_id(store: &Store, text: &str) -> Result<ModelId> {
    Ok(ModelId(records::resolve(store.conn(), EntityKind::Model, text)?))
}

pub fn governance_classify(store: &mut Store, request: ModelName) -> Result<Classification> {
    let id = model_id(store, &request.model)?;
    let register = Register::load(store.conn(), Some(id))?;
    Ok(register.classify(id, &register.model(id)?.record).0)
}

pub fn governance_checklist(store: &mut Store, request: ModelName) -> Result<Checklist> {
    let id = model_id(store, &request.model)?;
    let register = Register::load(store.conn(), Some(id))?;
    Ok(register.checklist(id, &register.model(id)?.record, today()))
}

pub fn governance_gate(store: &mut Store, request: ModelName) -> Result<GateCheck> {
    let id = model_id(store, &request.model)?;
    let register = Register::load(store.conn(), Some(id))?;
    Ok(register.gate(id, &register.model(id)?.record, today()))
}

/// A file sent from the browser as evidence (browser mode has no path on the server to give).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EvidenceUpload {
    /// The file's name on the sender's machine.
    pub name: String,
    /// Its bytes, base64.
    pub base64: String,
}

/// Changes to one control of a model's checklist; absent fields stay as they are, an empty text
/// clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct GovernanceSetRequest {
    pub model: String,
    pub control: String,
    #[serde(default)]
    pub status: Option<ControlStatus>,
    #[serde(default)]
    pub owner: Option<String>,
    /// `YYYY-MM-DD`, or empty to clear.
    #[serde(default)]
    pub due: Option<String>,
    /// A file's path (fingerprinted now) or an `http(s)://` link; empty clears the evidence.
    #[serde(default)]
    pub evidence: Option<String>,
    /// A note as the evidence.
    #[serde(default)]
    pub evidence_note: Option<String>,
    #[serde(default)]
    pub evidence_upload: Option<EvidenceUpload>,
    #[serde(default)]
    pub note: Option<String>,
    /// Why the control does not apply (needed for `not_applicable`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Sets one control of a model's checklist, in one audited change, and returns its row.
pub fn governance_set(store: &mut Store, request: GovernanceSetRequest) -> Result<ChecklistRow> {
    let id = model_id(store, &request.model)?;
    let control = request.control.trim().to_owned();
    let register = Register::load(store.conn(), Some(id))?;
    let model = register.model(id)?.record.clone();
    let checklist = register.checklist(id, &model, today());
    if !checklist.rows.iter().any(|r| r.control == control) {
        let known = register.frameworks.list.iter().flat_map(|f| &f.controls).any(|c| c.id == control);
        let open: Vec<&str> = checklist.rows.iter().map(|r| r.control.as_str()).collect();
        let why = if known { "does not apply to it" } else { "is not a control of any framework" };
        return Err(Error::Validation(format!(
            "control: `{control}` {why}; {}'s checklist has: {}",
            model.name,
            if open.is_empty() { "no controls".to_owned() } else { open.join(", ") }
        )));
    }
    let existing = register.item(id, &control).cloned();
    let mut item = existing.as_ref().map(|s| s.record.clone()).unwrap_or(ControlItem {
        model_id: id,
        control: control.clone(),
        status: ControlStatus::NotStarted,
        owner: None,
        due: None,
        evidence_kind: None,
        evidence: None,
        evidence_sha256: None,
        evidence_size: None,
        note: None,
        reason: None,
    });
    let text = |value: &Option<String>, current: Option<String>| match value.as_deref().map(str::trim) {
        None => current,
        Some("") => None,
        Some(t) => Some(t.to_owned()),
    };
    if let Some(status) = request.status {
        item.status = status;
    }
    item.owner = text(&request.owner, item.owner.take());
    item.note = text(&request.note, item.note.take());
    item.reason = text(&request.reason, item.reason.take());
    if let Some(due) = request.due.as_deref().map(str::trim) {
        item.due = if due.is_empty() {
            None
        } else {
            Some(due.parse::<NaiveDate>().map_err(|_| {
                Error::Validation(format!("due: `{due}` is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31"))
            })?)
        };
    }
    let evidence = evidence_of(store.path(), &request)?;
    if let Some(evidence) = evidence {
        (item.evidence_kind, item.evidence, item.evidence_sha256, item.evidence_size) = evidence;
    }
    if item.status != ControlStatus::NotApplicable && request.status.is_some() && request.reason.is_none() {
        item.reason = None;
    }
    store.in_transaction(|tx, actor| {
        match &existing {
            Some(stored) => records::update::<ControlItem>(tx, actor, stored.id, &item)?,
            None => records::insert::<ControlItem>(tx, actor, &item)?,
        };
        Ok(())
    })?;
    let register = Register::load(store.conn(), Some(id))?;
    let checklist = register.checklist(id, &model, today());
    checklist
        .rows
        .into_iter()
        .find(|r| r.control == control)
        .ok_or_else(|| Error::Internal(format!("{control} left the checklist while being set")))
}

type EvidenceFields = (Option<EvidenceKind>, Option<String>, Option<String>, Option<i64>);

/// The evidence a request gives, fingerprinted: `None` when it gives none (the item keeps its own).
fn evidence_of(portfolio: &Path, request: &GovernanceSetRequest) -> Result<Option<EvidenceFields>> {
    if let Some(upload) = &request.evidence_upload {
        let path = store_upload(portfolio, upload)?;
        return file_evidence(&path).map(Some);
    }
    if let Some(note) = request.evidence_note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        return Ok(Some((Some(EvidenceKind::Note), Some(note.to_owned()), None, None)));
    }
    let Some(value) = request.evidence.as_deref().map(str::trim) else { return Ok(None) };
    if value.is_empty() {
        return Ok(Some((None, None, None, None)));
    }
    if value.starts_with("http://") || value.starts_with("https://") {
        return Ok(Some((Some(EvidenceKind::Link), Some(value.to_owned()), None, None)));
    }
    let path = PathBuf::from(value);
    if !path.is_file() {
        return Err(Error::Validation(format!(
            "evidence: `{value}` is neither a file that exists nor an http(s):// link; give the path of the file, \
             a link, or evidence_note=TEXT"
        )));
    }
    file_evidence(&path).map(Some)
}

/// A file's absolute path, SHA-256 and size.
fn file_evidence(path: &Path) -> Result<EvidenceFields> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size: i64 = 0;
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, "read", e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as i64;
    }
    let absolute = std::fs::canonicalize(path).map_err(|e| Error::io(path, "find", e))?;
    Ok((
        Some(EvidenceKind::File),
        Some(absolute.display().to_string()),
        Some(format!("{:x}", hasher.finalize())),
        Some(size),
    ))
}

/// The largest evidence file browser mode accepts.
pub const UPLOAD_LIMIT_BYTES: usize = 25 * 1024 * 1024;

/// Keeps an uploaded file in the folder beside the portfolio (`portfolio.db.evidence/`), named by
/// its content so that the same file uploaded twice is kept once.
fn store_upload(portfolio: &Path, upload: &EvidenceUpload) -> Result<PathBuf> {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let bytes = base64::engine::general_purpose::STANDARD.decode(upload.base64.trim()).map_err(|e| {
        Error::Validation(format!("evidence_upload: the file `{}` did not arrive whole ({e})", upload.name))
    })?;
    if bytes.len() > UPLOAD_LIMIT_BYTES {
        return Err(Error::Validation(format!(
            "evidence_upload: `{}` is {} MB; evidence files up to {} MB are kept — link to a larger one instead",
            upload.name,
            bytes.len() / (1024 * 1024),
            UPLOAD_LIMIT_BYTES / (1024 * 1024)
        )));
    }
    let safe_name: String = upload
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("evidence")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    let file_name =
        portfolio.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "portfolio".into());
    let folder = portfolio.with_file_name(format!("{file_name}.evidence"));
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, "create the folder", e))?;
    let digest = format!("{:x}", Sha256::digest(&bytes));
    let path = folder.join(format!("{}-{}", &digest[..12], safe_name.trim_start_matches('.')));
    if !path.is_file() {
        crate::io::write_whole(&path, &bytes)?;
    }
    Ok(path)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SignoffRequest {
    pub model: String,
    pub approver: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A sign-off as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SignoffView {
    pub id: i64,
    pub approver: String,
    pub at: String,
    pub note: Option<String>,
    /// Given since the last promotion, so it counts for the next one.
    pub current: bool,
}

/// A sign-off given, and where the gate stands after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SignedOff {
    pub signoff: SignoffView,
    pub gate: GateCheck,
}

/// Records a named approver's sign-off of a model for production.
pub fn governance_signoff(store: &mut Store, request: SignoffRequest) -> Result<SignedOff> {
    let id = model_id(store, &request.model)?;
    let approver = request.approver.trim().to_owned();
    if approver.is_empty() {
        return Err(Error::Validation("approver: name the person who signs off".into()));
    }
    let register = Register::load(store.conn(), Some(id))?;
    let model = register.model(id)?.record.clone();
    let gate = register.gate(id, &model, today());
    if let Some(blocked) = &gate.blocked {
        return Err(Error::Validation(format!("{} cannot be signed off: {blocked}", model.name)));
    }
    if gate.approvers.iter().any(|a| a.eq_ignore_ascii_case(&approver)) {
        return Err(Error::Conflict(format!(
            "{approver} has already signed off {} since its last promotion; a second sign-off must come from someone else",
            model.name
        )));
    }
    let signoff = Signoff {
        model_id: id,
        approver,
        at: crate::store::now_utc(),
        note: request.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
    };
    let stored = store.in_transaction(|tx, actor| records::insert::<Signoff>(tx, actor, &signoff))?;
    let register = Register::load(store.conn(), Some(id))?;
    Ok(SignedOff { signoff: signoff_view(&stored, true), gate: register.gate(id, &model, today()) })
}

fn signoff_view(s: &Stored<Signoff>, current: bool) -> SignoffView {
    SignoffView {
        id: s.id.0,
        approver: s.record.approver.clone(),
        at: s.record.at.clone(),
        note: s.record.note.clone(),
        current,
    }
}

pub fn governance_signoffs(store: &mut Store, request: ModelName) -> Result<Vec<SignoffView>> {
    let id = model_id(store, &request.model)?;
    let register = Register::load(store.conn(), Some(id))?;
    let current: Vec<i64> = register.current_signoffs(id).iter().map(|s| s.id.0).collect();
    Ok(register.all_signoffs(id).iter().map(|s| signoff_view(s, current.contains(&s.id.0))).collect())
}

pub fn governance_summary(store: &mut Store, _: super::commands::NoArguments) -> Result<Overview> {
    Ok(Register::load(store.conn(), None)?.overview(today()))
}

/// The jurisdictions to set (`eu,us-ca`); absent: only read them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct JurisdictionsRequest {
    #[serde(default)]
    pub set: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Jurisdictions {
    pub jurisdictions: Vec<String>,
    /// The words this build knows.
    pub known: Vec<String>,
}

pub fn governance_jurisdictions(store: &mut Store, request: JurisdictionsRequest) -> Result<Jurisdictions> {
    let frameworks = crate::governance::Frameworks::for_portfolio(store.conn())?;
    let known: Vec<String> = frameworks.known_jurisdictions().into_iter().map(String::from).collect();
    if let Some(text) = &request.set {
        let words: Vec<String> =
            text.split(',').map(|w| w.trim().to_ascii_lowercase()).filter(|w| !w.is_empty()).collect();
        if let Some(bad) = words.iter().find(|w| !known.contains(w)) {
            return Err(Error::Validation(format!(
                "jurisdictions: `{bad}` is not one of: {} (the internal policy applies everywhere)",
                known.join(", ")
            )));
        }
        store.in_transaction(|tx, actor| crate::store::governance::set_jurisdictions(tx, actor, &words))?;
    }
    Ok(Jurisdictions { jurisdictions: crate::store::governance::jurisdictions(store.conn())?, known })
}

pub fn governance_frameworks(store: &mut Store, _: super::commands::NoArguments) -> Result<Vec<FrameworkInfo>> {
    Ok(Register::load(store.conn(), None)?.overview(today()).frameworks)
}

/// Loads a framework file into the portfolio, in place of the shipped one with the same id.
pub fn framework_load(store: &mut Store, request: super::commands::PathRequest) -> Result<FrameworkInfo> {
    let path = &request.path;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, "read", e))?;
    let framework = crate::governance::frameworks::parse(&text)
        .map_err(|e| Error::Validation(format!("{}: {e}", path.display())))?;
    let vocabulary = &crate::governance::Frameworks::shipped().vocabulary;
    if let Some(jurisdiction) = &framework.jurisdiction
        && !vocabulary.jurisdictions.contains_key(jurisdiction)
    {
        return Err(Error::Validation(format!(
            "{}: jurisdiction `{jurisdiction}` is not one of: {}; use null for a policy that applies everywhere",
            path.display(),
            vocabulary.jurisdictions.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    store.in_transaction(|tx, actor| {
        crate::store::governance::load_framework(tx, actor, &framework.id, &framework.version, &text)
    })?;
    governance_frameworks(store, super::commands::NoArguments {})?
        .into_iter()
        .find(|f| f.id == framework.id)
        .ok_or_else(|| Error::Internal("the loaded framework is not listed".into()))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct FrameworkId {
    pub id: String,
}

/// Drops a loaded framework file; the shipped one applies again.
pub fn framework_unload(store: &mut Store, request: FrameworkId) -> Result<Vec<FrameworkInfo>> {
    store.in_transaction(|tx, actor| crate::store::governance::unload_framework(tx, actor, request.id.trim()))?;
    governance_frameworks(store, super::commands::NoArguments {})
}

pub fn audit_verify(store: &mut Store, _: super::commands::NoArguments) -> Result<Verification> {
    crate::store::audit::verify(store.conn())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InventoryRequest {
    /// The end of this day (UTC).
    pub as_of: NaiveDate,
}

pub fn inventory_as_of(store: &mut Store, request: InventoryRequest) -> Result<Vec<InventoryRow>> {
    if request.as_of > today() {
        return Err(Error::Validation(format!("as_of: {} is in the future; the record reaches today", request.as_of)));
    }
    crate::governance::history::inventory_as_of(store.conn(), request.as_of)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelCardRequest {
    pub model: String,
    /// Where to write it (`.html` or `.md`); absent: the HTML comes back in the answer.
    #[serde(default)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelCardWritten {
    pub path: Option<String>,
    /// The HTML, when no path was given.
    pub html: Option<String>,
}

pub fn model_card(store: &mut Store, request: ModelCardRequest) -> Result<ModelCardWritten> {
    let id = model_id(store, &request.model)?;
    match &request.path {
        Some(path) => {
            crate::governance::card::write(store.conn(), id, path, today())?;
            Ok(ModelCardWritten { path: Some(path.display().to_string()), html: None })
        }
        None => {
            let card = crate::governance::card::build(store.conn(), id, today())?;
            Ok(ModelCardWritten { path: None, html: Some(crate::governance::card::html(&card)) })
        }
    }
}
