-- Indexes for the per-vendor and per-model cost views and for month-range budget queries.
CREATE INDEX actuals_by_vendor ON actuals (vendor_id) WHERE vendor_id IS NOT NULL;
CREATE INDEX actuals_by_model ON actuals (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX budget_lines_by_month ON budget_lines (month);
