-- Checklist templates, visits with their answers, drafts, the problem ledger and attachments.

-- A template is immutable once stored: a changed file is a new row (its content hash differs).
-- `version` is the label the file gives itself; identity is the hash.
CREATE TABLE checklist_templates (
    id           TEXT PRIMARY KEY,
    code         TEXT NOT NULL,          -- e.g. 'monthly', 'verify', 'secretary'
    version      TEXT NOT NULL,
    name         TEXT NOT NULL,
    body         TEXT NOT NULL,          -- the TOML text as loaded
    content_hash TEXT NOT NULL,          -- sha256 of body, hex
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    origin       TEXT NOT NULL,
    deleted_at   TEXT
);
CREATE UNIQUE INDEX checklist_templates_hash ON checklist_templates(content_hash);
CREATE INDEX checklist_templates_code ON checklist_templates(code, created_at);

CREATE TABLE visits (
    id                TEXT PRIMARY KEY,
    household_id      TEXT NOT NULL REFERENCES households(id),
    cadre_id          TEXT NOT NULL REFERENCES cadres(id),
    visit_date        TEXT NOT NULL,                 -- YYYY-MM-DD
    kind              TEXT NOT NULL,                 -- 每月走访 / 信息核实 / 书记遍访 / 陪同督查
    template_id       TEXT NOT NULL REFERENCES checklist_templates(id),
    measures          TEXT NOT NULL DEFAULT '',      -- 本次帮扶措施
    difficulties      TEXT NOT NULL DEFAULT '',      -- 解决的具体困难
    household_income  REAL,                          -- 家庭年纯收入（元）
    income_per_capita REAL,                          -- 年人均纯收入（元）
    satisfaction      TEXT,                          -- 满意 / 基本满意 / 不满意
    review_status     TEXT NOT NULL DEFAULT '待审核', -- 待审核 / 已审核 / 已退回
    reviewed_by       TEXT REFERENCES cadres(id),
    reviewed_at       TEXT,
    review_comment    TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    origin            TEXT NOT NULL,
    deleted_at        TEXT
);
CREATE INDEX visits_household ON visits(household_id, visit_date);
CREATE INDEX visits_date ON visits(visit_date);
CREATE INDEX visits_cadre ON visits(cadre_id, visit_date);

-- Answers travel with their visit (a merge replaces a visit's answers with the newer visit's),
-- so they are keyed by visit and item and carry no stamps of their own.
CREATE TABLE visit_answers (
    visit_id   TEXT NOT NULL REFERENCES visits(id),
    item_code  TEXT NOT NULL,
    value      TEXT NOT NULL,            -- 是 / 否 / 不适用, a choice, a number or free text
    is_problem INTEGER NOT NULL DEFAULT 0,
    proposal   TEXT,                     -- for problems: 待确认 / 已确认 / 已忽略
    note       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (visit_id, item_code)
) WITHOUT ROWID;
CREATE INDEX visit_answers_problems ON visit_answers(is_problem) WHERE is_problem = 1;

-- What is typed in an unsaved visit form, kept so a crash loses nothing. Local to this laptop.
CREATE TABLE visit_drafts (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    visit_id     TEXT,                   -- set when editing a saved visit
    body         TEXT NOT NULL,          -- JSON of the form
    updated_at   TEXT NOT NULL
);
CREATE INDEX visit_drafts_household ON visit_drafts(household_id);

-- 问题台账: a problem of a household (or of the whole village when household_id is NULL).
CREATE TABLE problems (
    id                 TEXT PRIMARY KEY,
    village_id         TEXT NOT NULL REFERENCES villages(id),
    household_id       TEXT REFERENCES households(id),
    visit_id           TEXT REFERENCES visits(id),
    item_code          TEXT,
    group_name         TEXT NOT NULL,            -- 两不愁 / 义务教育 / 基本医疗 / ...
    description        TEXT NOT NULL,
    found_date         TEXT NOT NULL,
    responsible_person TEXT NOT NULL DEFAULT '',
    responsible_unit   TEXT NOT NULL DEFAULT '',
    deadline           TEXT,
    measures           TEXT NOT NULL DEFAULT '',
    progress           TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT '待整改', -- 待整改 → 整改中 → 已整改 → 已销号
    rectified_date     TEXT,
    closed_by          TEXT REFERENCES cadres(id),
    closed_date        TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    origin             TEXT NOT NULL,
    deleted_at         TEXT
);
CREATE INDEX problems_village ON problems(village_id, status);
CREATE INDEX problems_household ON problems(household_id);
CREATE INDEX problems_visit ON problems(visit_id);

-- Every change of a problem: who, when, what.
CREATE TABLE problem_events (
    id          TEXT PRIMARY KEY,
    problem_id  TEXT NOT NULL REFERENCES problems(id),
    at          TEXT NOT NULL,                   -- RFC 3339 time
    actor_id    TEXT REFERENCES cadres(id),
    actor_name  TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,                   -- 登记 / 状态 / 修改 / 进展
    from_status TEXT,
    to_status   TEXT,
    note        TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    origin      TEXT NOT NULL,
    deleted_at  TEXT
);
CREATE INDEX problem_events_problem ON problem_events(problem_id, at);

-- Photos and signatures of visits (and problems).
CREATE TABLE attachments (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL,                    -- a visit or problem id
    kind       TEXT NOT NULL,                    -- 照片 / 户签名 / 干部签名
    mime       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    origin     TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX attachments_owner ON attachments(owner_id);
