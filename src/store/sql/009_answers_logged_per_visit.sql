-- From here on a visit's answers are logged together: one audit entry per visit written
-- (`row_id` the visit, `changes` {item: {column: [old, new]}}, `row_hash` over all its answers)
-- instead of one per answer. The entries already in the log stay as they are; `check` reads both.
-- The schema moves so that earlier builds, which would misread such entries, refuse this
-- database and its packages. The time the change happened is kept.
INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_answers_per_visit_since', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
