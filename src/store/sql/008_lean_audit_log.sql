-- The audit log without the two indexes every write paid for and nothing needed: the unique
-- index on `hash` (random keys: each entry touched a page of its own) and the index on `at`.
-- An entry is still known by its hash on every laptop; a merge finds it through its device's
-- chain, `(device, seq)`, and compares the hash there. SQLite cannot drop a column's UNIQUE, so
-- the table is copied once, keeping every entry and its order `n`.
CREATE TABLE audit_log_lean (
    n         INTEGER PRIMARY KEY,
    hash      TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,                 -- RFC 3339, UTC
    device    TEXT NOT NULL,
    person_id TEXT NOT NULL DEFAULT '',
    person    TEXT NOT NULL DEFAULT '',      -- the cadre's name as it was
    tbl       TEXT NOT NULL,
    row_id    TEXT NOT NULL,                 -- the row's key (visit_id/item_code for answers)
    action    TEXT NOT NULL,                 -- insert / update / delete
    changes   TEXT NOT NULL,                 -- JSON {column: [old, new]} of the changed columns
    row_hash  TEXT NOT NULL,                 -- SHA-256 of the row's new content ('' when deleted)
    local     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO audit_log_lean (n, hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash, local)
    SELECT n, hash, prev_hash, seq, at, device, person_id, person, tbl, row_id, action, changes, row_hash, local
      FROM audit_log ORDER BY n;
DROP TABLE audit_log;
ALTER TABLE audit_log_lean RENAME TO audit_log;
CREATE INDEX audit_log_row ON audit_log(tbl, row_id, n);
CREATE INDEX audit_log_chain ON audit_log(device, seq);
