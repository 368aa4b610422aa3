-- Who changed what: an append-only, hash-chained log of every write the app makes, and the PINs
-- that confirm sign-off.
--
-- Entries are written by TEMP triggers the app creates on each connection it opens (so a SQLite
-- tool outside the app writes none, which is what `zoufang check` catches). Each device keeps
-- its own chain: `seq` counts its entries from 1 and `prev_hash` is the hash of its previous
-- one, so entries merged from other laptops stay verifiable. `hash` identifies an entry on every
-- laptop (merging the same entries twice adds nothing); `n` and `local` are this database's own:
-- the order entries arrived in, and whether this database's own writes made them (the last
-- local entry of a row is the state `check` compares the row with).
CREATE TABLE audit_log (
    n         INTEGER PRIMARY KEY,
    hash      TEXT NOT NULL UNIQUE,
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
CREATE INDEX audit_log_row ON audit_log(tbl, row_id, n);
CREATE INDEX audit_log_chain ON audit_log(device, seq);
CREATE INDEX audit_log_at ON audit_log(at);

-- Rows that exist before the log count as its baseline: a row with no entry is as it was then,
-- unless it was stamped after this moment (written since by something that kept no log).
INSERT INTO meta(key, value) VALUES ('audit_log_since', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;

-- PINs for sign-off: an Argon2id hash (PHC string), never the PIN. They stay on this laptop.
CREATE TABLE cadre_pins (
    cadre_id TEXT PRIMARY KEY REFERENCES cadres(id),
    hash     TEXT NOT NULL,
    set_at   TEXT NOT NULL
) WITHOUT ROWID;
