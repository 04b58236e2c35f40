-- The planning core's settings and marks (one set of figures): the first month of the fiscal year
-- (1 = January), the overspend below which nothing is flagged for attention (minor units of the
-- base currency; NULL = 1,000 units), and actuals a person marked one-off (counted as spend, left
-- out of forecasts).
ALTER TABLE portfolio ADD COLUMN fiscal_year_start INTEGER NOT NULL DEFAULT 1
    CHECK (fiscal_year_start BETWEEN 1 AND 12);
ALTER TABLE portfolio ADD COLUMN attention_floor_minor INTEGER CHECK (attention_floor_minor >= 0);
ALTER TABLE actuals ADD COLUMN one_off INTEGER NOT NULL DEFAULT 0 CHECK (one_off IN (0, 1));
