-- Deletion is whole: a deleted household's members, assignments, visits and problems are deleted
-- with it, as tombstones carrying the household's deletion (its deleted_at, updated_at and
-- origin), so they travel in packages and every laptop reaches the same rows. A row arriving
-- live (an insert or a merge reviving it) under a deleted household is deleted at once: no
-- write, through the app or a merge, can leave a live row under a deleted household.
-- Rows already left live under a deleted household by earlier versions are deleted here.
UPDATE members SET deleted_at = h.deleted_at, updated_at = h.updated_at, origin = h.origin
  FROM households h WHERE h.id = members.household_id AND h.deleted_at IS NOT NULL AND members.deleted_at IS NULL;
UPDATE assignments SET deleted_at = h.deleted_at, updated_at = h.updated_at, origin = h.origin
  FROM households h WHERE h.id = assignments.household_id AND h.deleted_at IS NOT NULL AND assignments.deleted_at IS NULL;
UPDATE visits SET deleted_at = h.deleted_at, updated_at = h.updated_at, origin = h.origin
  FROM households h WHERE h.id = visits.household_id AND h.deleted_at IS NOT NULL AND visits.deleted_at IS NULL;
UPDATE problems SET deleted_at = h.deleted_at, updated_at = h.updated_at, origin = h.origin
  FROM households h WHERE h.id = problems.household_id AND h.deleted_at IS NOT NULL AND problems.deleted_at IS NULL;
DELETE FROM visit_drafts WHERE household_id IN (SELECT id FROM households WHERE deleted_at IS NOT NULL);

CREATE TRIGGER households_deleted_whole AFTER UPDATE OF deleted_at ON households
WHEN NEW.deleted_at IS NOT NULL AND OLD.deleted_at IS NULL
BEGIN
    UPDATE members SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    UPDATE assignments SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    UPDATE visits SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    UPDATE problems SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    DELETE FROM visit_drafts WHERE household_id = NEW.id;
END;

CREATE TRIGGER households_inserted_deleted AFTER INSERT ON households
WHEN NEW.deleted_at IS NOT NULL
BEGIN
    UPDATE members SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    UPDATE assignments SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    UPDATE visits SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
    UPDATE problems SET deleted_at = NEW.deleted_at, updated_at = NEW.updated_at, origin = NEW.origin
     WHERE household_id = NEW.id AND deleted_at IS NULL;
END;

CREATE TRIGGER members_inserted_under_deleted AFTER INSERT ON members
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE members SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER members_revived_under_deleted AFTER UPDATE OF deleted_at, household_id ON members
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE members SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER assignments_inserted_under_deleted AFTER INSERT ON assignments
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE assignments SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER assignments_revived_under_deleted AFTER UPDATE OF deleted_at, household_id ON assignments
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE assignments SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER visits_inserted_under_deleted AFTER INSERT ON visits
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE visits SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER visits_revived_under_deleted AFTER UPDATE OF deleted_at, household_id ON visits
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE visits SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER problems_inserted_under_deleted AFTER INSERT ON problems
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE problems SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;

CREATE TRIGGER problems_revived_under_deleted AFTER UPDATE OF deleted_at, household_id ON problems
WHEN NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM households h WHERE h.id = NEW.household_id AND h.deleted_at IS NOT NULL)
BEGIN
    UPDATE problems SET (deleted_at, updated_at, origin) =
        (SELECT h.deleted_at, h.updated_at, h.origin FROM households h WHERE h.id = NEW.household_id)
     WHERE id = NEW.id;
END;
