-- What a saved visit left open and who typed it in: `unanswered` counts the applicable checklist
-- items left unanswered when it was saved (0: complete); `recorded_by` is the cadre chosen as
-- 我是… when it was saved, when that is not the cadre who visited (NULL: the visitor themself).
ALTER TABLE visits ADD COLUMN unanswered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN recorded_by TEXT;
