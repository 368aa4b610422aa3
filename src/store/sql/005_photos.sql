-- Photos and signatures on visits. The bytes live in the photo file beside the database
-- (`<stem>.photos.db`, attached as `photos`), keyed by content hash; these rows keep what the
-- screens read. `bytes` (from 002) stays empty: nothing ever wrote it.
ALTER TABLE attachments ADD COLUMN size INTEGER NOT NULL DEFAULT 0;    -- bytes of the stored JPEG/PNG
ALTER TABLE attachments ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN file_name TEXT NOT NULL DEFAULT '';  -- as it was added
ALTER TABLE attachments ADD COLUMN signer TEXT NOT NULL DEFAULT '';     -- who signed (户主 or a member's name)
ALTER TABLE attachments ADD COLUMN strokes TEXT NOT NULL DEFAULT '';    -- a signature's strokes, JSON
CREATE INDEX attachments_sha ON attachments(sha256);
