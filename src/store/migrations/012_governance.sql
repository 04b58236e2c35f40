-- Governance: each model's answers to the classification questionnaire, its checklist of
-- controls, sign-offs and promotions, the portfolio's jurisdictions, frameworks an organisation
-- loads in place of the shipped ones, and a hash chain over the audit log.

-- The questionnaire (NULL until answered; a model with no answers is unclassified).
ALTER TABLE models ADD COLUMN purpose TEXT CHECK (purpose IN ('none', 'biometrics', 'critical_infrastructure',
    'education', 'employment', 'essential_services', 'law_enforcement', 'migration', 'justice', 'social_scoring',
    'emotion_recognition_workplace'));
ALTER TABLE models ADD COLUMN decides_about_people INTEGER CHECK (decides_about_people IN (0, 1));
ALTER TABLE models ADD COLUMN interacts_with_people INTEGER CHECK (interacts_with_people IN (0, 1));
ALTER TABLE models ADD COLUMN generates_content INTEGER CHECK (generates_content IN (0, 1));
ALTER TABLE models ADD COLUMN ai_act_role TEXT CHECK (ai_act_role IN ('provider', 'deployer'));

-- One row per model and control that someone has touched; the others are not started.
CREATE TABLE control_items (
    id              INTEGER PRIMARY KEY,
    model_id        INTEGER NOT NULL REFERENCES models (id),
    control         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done', 'not_applicable')),
    owner           TEXT,
    due             TEXT,
    evidence_kind   TEXT CHECK (evidence_kind IN ('file', 'link', 'note')),
    evidence        TEXT,
    evidence_sha256 TEXT,
    evidence_size   INTEGER,
    note            TEXT,
    reason          TEXT,
    UNIQUE (model_id, control)
);

CREATE TABLE signoffs (
    id       INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    approver TEXT NOT NULL,
    at       TEXT NOT NULL,
    note     TEXT
);
CREATE INDEX signoffs_by_model ON signoffs (model_id);

-- Every time a model reached production, and whether the gate let it (a sync that saw the
-- promotion upstream records it ungated when the checklist or sign-offs were not complete).
CREATE TABLE promotions (
    id       INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    gated    INTEGER NOT NULL CHECK (gated IN (0, 1)),
    missing  TEXT
);
CREATE INDEX promotions_by_model ON promotions (model_id);

-- Which laws apply: `eu` (EU AI Act, GDPR), `us-ca` (CCPA/CPRA); the internal policy always.
ALTER TABLE portfolio ADD COLUMN jurisdictions TEXT NOT NULL DEFAULT 'eu,us-ca';

-- A framework file an organisation loaded, replacing the shipped one of the same id.
CREATE TABLE frameworks (
    id        TEXT PRIMARY KEY,
    body      TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);

-- The audit chain: each row carries the hash of the row before it and of its own content (the
-- migration's hook fills them for the rows already there). A row copied from the portfolio a
-- restore replaced keeps the id it had there in `replaced_id`.
DROP TRIGGER audit_log_is_append_only_update;
ALTER TABLE audit_log ADD COLUMN replaced_id INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE INDEX audit_by_actor ON audit_log (actor);
