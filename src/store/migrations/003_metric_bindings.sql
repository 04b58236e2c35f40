-- Metric bindings and cluster sync state.
-- A metric series is a model's metric bound to a query; these columns make it a binding: how often
-- its points are taken (step), when its value is bad (threshold, bad_when), and how far sync got.
ALTER TABLE metric_series ADD COLUMN step_seconds INTEGER NOT NULL DEFAULT 60 CHECK (step_seconds BETWEEN 1 AND 86400);
ALTER TABLE metric_series ADD COLUMN threshold REAL;
ALTER TABLE metric_series ADD COLUMN bad_when TEXT CHECK (bad_when IN ('above', 'below'));
-- The timestamp (seconds since the epoch) of the newest point synced; the next sync starts there.
ALTER TABLE metric_series ADD COLUMN synced_until INTEGER;
CREATE INDEX metric_series_by_connection ON metric_series (connection_id);

-- OpenCost attribution: allocations whose label `label` has the value `value` belong to the model.
-- synced_until: the start of the last (partial) UTC day synced for the mapping; the next sync starts
-- there. NULL until the first sync, and again after the mapping moves to another model.
CREATE TABLE cost_mappings (
    id            INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES connections (id),
    label         TEXT NOT NULL,
    value         TEXT NOT NULL,
    model_id      INTEGER NOT NULL REFERENCES models (id),
    synced_until  INTEGER,
    UNIQUE (connection_id, label, value)
);
CREATE INDEX cost_mappings_by_model ON cost_mappings (model_id);

CREATE INDEX sync_runs_by_connection ON sync_runs (connection_id, id);
