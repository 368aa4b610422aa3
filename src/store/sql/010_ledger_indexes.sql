-- Schema 10 (numbered after the lead's 009): the ledger's and the dashboard's month coverage asks,
-- for each household and month, whether anyone (and whether its cadre) visited it. The visit's
-- household, date and cadre in one index over the visits not deleted answers both questions
-- from the index alone, without reading each visit's row (issue 15: half the coverage time).
CREATE INDEX visits_household_live ON visits(household_id, visit_date, cadre_id) WHERE deleted_at IS NULL;
