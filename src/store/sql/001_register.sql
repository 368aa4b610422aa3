-- The register: villages, groups, households, members, cadres and assignments.
-- Every row that travels between laptops has a UUIDv7 key, updated_at, origin and a tombstone.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE villages (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    township         TEXT NOT NULL DEFAULT '',
    county           TEXT NOT NULL DEFAULT '',
    income_threshold REAL NOT NULL DEFAULT 4000,
    updated_at       TEXT NOT NULL,
    origin           TEXT NOT NULL,
    deleted_at       TEXT
);

CREATE TABLE village_groups (
    id         TEXT PRIMARY KEY,
    village_id TEXT NOT NULL REFERENCES villages(id),
    name       TEXT NOT NULL,
    sort       INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    origin     TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX village_groups_name ON village_groups(village_id, name) WHERE deleted_at IS NULL;

CREATE TABLE households (
    id            TEXT PRIMARY KEY,
    village_id    TEXT NOT NULL REFERENCES villages(id),
    group_id      TEXT REFERENCES village_groups(id),
    code          TEXT NOT NULL DEFAULT '',
    head_name     TEXT NOT NULL,
    category      TEXT,
    poverty_cause TEXT,
    labour        TEXT,
    phone         TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    origin        TEXT NOT NULL,
    deleted_at    TEXT
);
CREATE UNIQUE INDEX households_code ON households(code) WHERE code <> '' AND deleted_at IS NULL;
CREATE INDEX households_village ON households(village_id, group_id);

CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    name         TEXT NOT NULL,
    id_number    TEXT NOT NULL DEFAULT '',
    relation     TEXT NOT NULL,
    health       TEXT NOT NULL,
    disability   TEXT NOT NULL DEFAULT '',
    labour       TEXT NOT NULL,
    schooling    TEXT NOT NULL,
    work         TEXT NOT NULL,
    work_place   TEXT NOT NULL DEFAULT '',
    work_contact TEXT NOT NULL DEFAULT '',
    sort         INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL,
    origin       TEXT NOT NULL,
    deleted_at   TEXT
);
CREATE UNIQUE INDEX members_id_number ON members(id_number) WHERE id_number <> '' AND deleted_at IS NULL;
CREATE INDEX members_household ON members(household_id);

CREATE TABLE cadres (
    id          TEXT PRIMARY KEY,
    village_id  TEXT REFERENCES villages(id),
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL,
    archived_at TEXT,
    updated_at  TEXT NOT NULL,
    origin      TEXT NOT NULL,
    deleted_at  TEXT
);

CREATE TABLE assignments (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    cadre_id     TEXT NOT NULL REFERENCES cadres(id),
    start_date   TEXT NOT NULL,
    end_date     TEXT,
    updated_at   TEXT NOT NULL,
    origin       TEXT NOT NULL,
    deleted_at   TEXT
);
CREATE INDEX assignments_household ON assignments(household_id, end_date);
CREATE INDEX assignments_cadre ON assignments(cadre_id, end_date);
