-- Scenarios become named lists of changes over the baseline (see plan/scenario): each change is a
-- kind and its fields as the user wrote them (a JSON object of text values; records by name), in
-- order. The flat columns of the first release become changes where they can: a compute or vendor
-- percent is a `spend` change of every initiative from the scenario's start month. A headcount
-- delta names no role (or person), so it cannot become a hire (or a leave): the note says how to
-- add it.
CREATE TABLE scenario_changes (
    id          INTEGER PRIMARY KEY,
    scenario_id INTEGER NOT NULL REFERENCES scenarios (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 1),
    kind        TEXT NOT NULL,
    fields      TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'object'),
    UNIQUE (scenario_id, position)
);

INSERT INTO scenario_changes (scenario_id, position, kind, fields)
SELECT id, 1, 'spend',
       json_object('category', 'compute', 'start', start, 'change', printf('%+d%%', compute_change_percent))
FROM scenarios WHERE compute_change_percent <> 0;

INSERT INTO scenario_changes (scenario_id, position, kind, fields)
SELECT id, CASE WHEN compute_change_percent <> 0 THEN 2 ELSE 1 END, 'spend',
       json_object('category', 'vendor', 'start', start, 'change', printf('%+d%%', vendor_change_percent))
FROM scenarios WHERE vendor_change_percent <> 0;

ALTER TABLE scenarios RENAME COLUMN description TO note;

UPDATE scenarios
SET note = ltrim(note || char(10) || printf(
    'Headcount %+d from %s was not carried over: it names no %s. Add it with `scenario add "%s" %s`.',
    headcount_delta, start, CASE WHEN headcount_delta > 0 THEN 'role' ELSE 'person' END, name,
    CASE WHEN headcount_delta > 0 THEN printf('hire role=ROLE count=%d start=%s', headcount_delta, start)
         ELSE printf('leave person=PERSON end=%s', start) END), char(10))
WHERE headcount_delta <> 0;

ALTER TABLE scenarios DROP COLUMN start;
ALTER TABLE scenarios DROP COLUMN headcount_delta;
ALTER TABLE scenarios DROP COLUMN compute_change_percent;
ALTER TABLE scenarios DROP COLUMN vendor_change_percent;
