-- Placeholder for migration 005 (photos and signatures, issue 12), which lands from another
-- branch: the lead replaces this file with it when both are merged. It changes nothing.
SELECT 1;
