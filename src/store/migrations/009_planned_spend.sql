-- Planned spend: what an applied scenario's spend and contract changes become, so that after
-- `scenario apply` the baseline's forecast is what the scenario showed. Each row changes the
-- forecast of one initiative's category (or every initiative's, when initiative_id is NULL) from
-- `first` through `last` (open-ended when NULL), in exactly one way: a percent (hundredths of a
-- percent), an amount a month, or a total spread evenly over the months of a term (a contract).
CREATE TABLE planned_spend (
    id                  INTEGER PRIMARY KEY,
    scenario            TEXT NOT NULL,
    initiative_id       INTEGER REFERENCES initiatives (id) ON DELETE CASCADE,
    category            TEXT NOT NULL,
    first               TEXT NOT NULL,
    last                TEXT,
    percent_hundredths  INTEGER,
    amount_minor        INTEGER,
    spread_total_minor  INTEGER,
    term_first          TEXT,
    term_last           TEXT,
    CHECK ((percent_hundredths IS NOT NULL) + (amount_minor IS NOT NULL) + (spread_total_minor IS NOT NULL) = 1),
    CHECK (spread_total_minor IS NULL OR (term_first IS NOT NULL AND term_last IS NOT NULL))
);
