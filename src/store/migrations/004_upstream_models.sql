-- Models and model versions synced from a registry (MLflow): which connection brought them in,
-- what the registry says that the inventory has no column for, and when one disappeared upstream.
-- The models and model_versions rows keep their local fields (initiative, risk tier, notes); a
-- model gone upstream is marked here (gone_at), never deleted. Removing the connection removes
-- only these links; removing the model or version removes its link.

CREATE TABLE upstream_models (
    model_id        INTEGER PRIMARY KEY REFERENCES models (id) ON DELETE CASCADE,
    connection_id   INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    -- The registry's name, as the registry spells it.
    upstream_name   TEXT NOT NULL,
    -- The registry's tags as a JSON object.
    tags            TEXT NOT NULL DEFAULT '{}',
    -- The version whose run metrics feed the model's series (see src/sync/mlflow.rs for the rule).
    serving_version TEXT,
    -- RFC 3339 UTC: when a sync last found the model missing upstream; NULL while it is there.
    gone_at         TEXT,
    UNIQUE (connection_id, upstream_name)
);

CREATE TABLE upstream_model_versions (
    model_version_id INTEGER PRIMARY KEY REFERENCES model_versions (id) ON DELETE CASCADE,
    connection_id    INTEGER NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    -- READY, PENDING_REGISTRATION or FAILED_REGISTRATION.
    status           TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '{}',
    run_link         TEXT,
    source           TEXT,
    gone_at          TEXT
);
CREATE INDEX upstream_model_versions_by_connection ON upstream_model_versions (connection_id);
