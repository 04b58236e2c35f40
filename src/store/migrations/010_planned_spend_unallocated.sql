-- Planned spend for Unallocated: an applied scenario that stops an initiative keeps its people in
-- people cost, unassigned, until they leave or are allocated again. Such a row has no initiative
-- and `unallocated` = 1; a row with no initiative and `unallocated` = 0 still reaches every one.
ALTER TABLE planned_spend ADD COLUMN unallocated INTEGER NOT NULL DEFAULT 0 CHECK (unallocated IN (0, 1));
