-- Faster bulk writes of actuals (a million-row FOCUS bill): `actuals.import_key` becomes a 64-bit
-- integer (the first 8 bytes of the 16-byte fingerprint, converted by this migration's hook in
-- store/mod.rs; see store/import_key.rs), and the index on month alone goes: every reader of
-- actuals by month either names the initiative (actuals_by_initiative_month) or reads most of
-- the table, where a scan is faster than the index, and each index costs every import.
DROP INDEX actuals_by_month;
