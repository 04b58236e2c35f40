-- KPI values and the fully loaded cost of each model.
--
-- A KPI says how often it is measured (`cadence`, for staleness), how far outside its target band
-- still counts as amber (`amber_margin`, in the KPI's unit; NULL = 5% of the target crossed),
-- whether it is starred (its chart goes into the report), and, for a computed KPI, its formula.
ALTER TABLE kpis ADD COLUMN cadence TEXT NOT NULL DEFAULT 'monthly'
    CHECK (cadence IN ('daily', 'weekly', 'monthly', 'quarterly'));
ALTER TABLE kpis ADD COLUMN amber_margin REAL CHECK (amber_margin >= 0);
ALTER TABLE kpis ADD COLUMN starred INTEGER NOT NULL DEFAULT 0 CHECK (starred IN (0, 1));
ALTER TABLE kpis ADD COLUMN formula TEXT CHECK (formula IN ('cost_per_1000_predictions', 'roi'));

-- Values a person typed or imported, one a day per KPI. Synced values stay in the metric tables
-- and computed ones are computed; the planning core merges all four.
CREATE TABLE kpi_values (
    id     INTEGER PRIMARY KEY,
    kpi_id INTEGER NOT NULL REFERENCES kpis (id),
    date   TEXT NOT NULL,
    value  REAL NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('typed', 'imported')),
    note   TEXT,
    UNIQUE (kpi_id, date)
);

-- What an initiative is expected to be worth a year (for ROI and payback).
ALTER TABLE initiatives ADD COLUMN annual_benefit_minor INTEGER;
ALTER TABLE initiatives ADD COLUMN annual_benefit_currency TEXT;

-- An allocation may name the model the person works on.
ALTER TABLE allocations ADD COLUMN model_id INTEGER REFERENCES models (id);

-- A contract's spend may follow models: `share` percent of it to each linked model.
CREATE TABLE contract_models (
    id          INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    model_id    INTEGER NOT NULL REFERENCES models (id),
    share       INTEGER NOT NULL CHECK (share BETWEEN 1 AND 100),
    UNIQUE (contract_id, model_id)
);
CREATE INDEX contract_models_by_model ON contract_models (model_id);
