-- The first schema: every table of the portfolio.
-- Money is two columns: <name>_minor (integer minor units) and <name>_currency (ISO 4217 code).
-- Months are 'YYYY-MM' text, dates 'YYYY-MM-DD', instants RFC 3339 UTC text.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE portfolio (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    base_currency TEXT NOT NULL CHECK (length(base_currency) = 3),
    created_at    TEXT NOT NULL
);

CREATE TABLE fx_rates (
    currency   TEXT PRIMARY KEY CHECK (length(currency) = 3),
    rate       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE initiatives (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    objective TEXT NOT NULL DEFAULT '',
    owner     TEXT NOT NULL DEFAULT '',
    status    TEXT NOT NULL,
    priority  INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    start     TEXT NOT NULL,
    "end"     TEXT
);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    file        TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    written     INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    actor       TEXT NOT NULL
);

CREATE TABLE budget_lines (
    id              INTEGER PRIMARY KEY,
    initiative_id   INTEGER NOT NULL REFERENCES initiatives (id),
    month           TEXT NOT NULL,
    category        TEXT NOT NULL,
    amount_minor    INTEGER NOT NULL,
    amount_currency TEXT NOT NULL,
    note            TEXT,
    UNIQUE (initiative_id, month, category)
);

CREATE TABLE roles (
    id                          INTEGER PRIMARY KEY,
    name                        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    base_salary_minor           INTEGER NOT NULL,
    base_salary_currency        TEXT NOT NULL,
    loaded_annual_cost_minor    INTEGER NOT NULL,
    loaded_annual_cost_currency TEXT NOT NULL
);

CREATE TABLE people (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    email    TEXT,
    role_id  INTEGER NOT NULL REFERENCES roles (id),
    location TEXT,
    start    TEXT NOT NULL,
    "end"    TEXT
);
CREATE INDEX people_by_name ON people (name COLLATE NOCASE);

CREATE TABLE allocations (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id),
    percent       INTEGER NOT NULL CHECK (percent BETWEEN 1 AND 100),
    start         TEXT NOT NULL,
    "end"         TEXT
);
CREATE INDEX allocations_by_person ON allocations (person_id);
CREATE INDEX allocations_by_initiative ON allocations (initiative_id);

CREATE TABLE requisitions (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    role_id       INTEGER NOT NULL REFERENCES roles (id),
    initiative_id INTEGER REFERENCES initiatives (id),
    start         TEXT NOT NULL,
    status        TEXT NOT NULL
);

CREATE TABLE vendors (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    category TEXT NOT NULL,
    contact  TEXT,
    website  TEXT
);

CREATE TABLE models (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description     TEXT NOT NULL DEFAULT '',
    owner           TEXT NOT NULL DEFAULT '',
    initiative_id   INTEGER REFERENCES initiatives (id),
    stage           TEXT NOT NULL,
    risk_tier       TEXT NOT NULL,
    data_categories TEXT NOT NULL DEFAULT '[]',
    deployment      TEXT,
    notes           TEXT
);
CREATE INDEX models_by_initiative ON models (initiative_id);

CREATE TABLE model_versions (
    id       INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models (id),
    version  TEXT NOT NULL,
    stage    TEXT NOT NULL,
    aliases  TEXT NOT NULL DEFAULT '[]',
    run_id   TEXT,
    notes    TEXT,
    UNIQUE (model_id, version)
);

CREATE TABLE actuals (
    id              INTEGER PRIMARY KEY,
    initiative_id   INTEGER REFERENCES initiatives (id),
    month           TEXT NOT NULL,
    category        TEXT NOT NULL,
    amount_minor    INTEGER NOT NULL,
    amount_currency TEXT NOT NULL,
    source          TEXT NOT NULL,
    vendor_id       INTEGER REFERENCES vendors (id),
    model_id        INTEGER REFERENCES models (id),
    note            TEXT,
    provider        TEXT,
    service         TEXT,
    resource        TEXT,
    tag             TEXT,
    -- Set by imports: a fingerprint of the source row, so that importing a file twice adds nothing.
    import_key      BLOB UNIQUE,
    import_id       INTEGER REFERENCES imports (id)
);
CREATE INDEX actuals_by_initiative_month ON actuals (initiative_id, month);
CREATE INDEX actuals_by_month ON actuals (month);

CREATE TABLE contracts (
    id             INTEGER PRIMARY KEY,
    vendor_id      INTEGER NOT NULL REFERENCES vendors (id),
    title          TEXT NOT NULL,
    initiative_id  INTEGER REFERENCES initiatives (id),
    value_minor    INTEGER NOT NULL,
    value_currency TEXT NOT NULL,
    start          TEXT NOT NULL,
    "end"          TEXT NOT NULL,
    notice_days    INTEGER NOT NULL,
    auto_renew     INTEGER NOT NULL
);

CREATE TABLE vendor_reviews (
    id        INTEGER PRIMARY KEY,
    vendor_id INTEGER NOT NULL REFERENCES vendors (id),
    date      TEXT NOT NULL,
    reviewer  TEXT NOT NULL,
    score     INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    notes     TEXT
);

CREATE TABLE kpis (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    initiative_id INTEGER REFERENCES initiatives (id),
    model_id      INTEGER REFERENCES models (id),
    metric_key    TEXT,
    unit          TEXT NOT NULL,
    direction     TEXT NOT NULL,
    target_low    REAL,
    target_high   REAL
);

CREATE TABLE scenarios (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description            TEXT NOT NULL DEFAULT '',
    start                  TEXT NOT NULL,
    headcount_delta        INTEGER NOT NULL DEFAULT 0,
    compute_change_percent INTEGER NOT NULL DEFAULT 0,
    vendor_change_percent  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE connections (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind                 TEXT NOT NULL,
    base_url             TEXT NOT NULL,
    auth                 TEXT NOT NULL,
    username             TEXT,
    ca_file              TEXT,
    insecure_skip_verify INTEGER NOT NULL DEFAULT 0,
    interval_minutes     INTEGER NOT NULL
);

-- Live metrics: one series per model and key, raw samples, and hourly/daily rollups.
CREATE TABLE metric_series (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES models (id),
    connection_id INTEGER REFERENCES connections (id),
    key           TEXT NOT NULL,
    unit          TEXT NOT NULL,
    query         TEXT NOT NULL DEFAULT '',
    UNIQUE (model_id, key)
);

CREATE TABLE metric_samples (
    series_id INTEGER NOT NULL REFERENCES metric_series (id),
    ts        INTEGER NOT NULL,
    value     REAL,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

CREATE TABLE metric_rollups (
    series_id INTEGER NOT NULL REFERENCES metric_series (id),
    grain     TEXT NOT NULL CHECK (grain IN ('hour', 'day')),
    bucket    INTEGER NOT NULL,
    count     INTEGER NOT NULL,
    sum       REAL NOT NULL,
    min       REAL NOT NULL,
    max       REAL NOT NULL,
    last      REAL NOT NULL,
    PRIMARY KEY (series_id, grain, bucket)
) WITHOUT ROWID;

CREATE TABLE sync_runs (
    id            INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections (id),
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL,
    fetched       INTEGER NOT NULL DEFAULT 0,
    written       INTEGER NOT NULL DEFAULT 0,
    error         TEXT
);

-- Every change, append-only: who, when, what, and the record before and after as JSON.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id INTEGER,
    action    TEXT NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
