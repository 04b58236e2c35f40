-- What kind of failure ended a sync run (the API's error codes: network, auth, ...), beside its
-- message, so the app can tell "the cluster is unreachable" (offline) from "the answer was wrong".
ALTER TABLE sync_runs ADD COLUMN error_code TEXT;
