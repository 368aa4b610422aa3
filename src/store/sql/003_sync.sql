-- What this laptop has received from each other laptop, per village: the newest `updated_at` of
-- that laptop's rows it has seen, directly or through a third laptop's package. A merge uses it to
-- tell a row changed on both sides since they last met (a conflict) from one changed on one side.
-- Local to this laptop: it never travels.
CREATE TABLE sync_state (
    device_id      TEXT NOT NULL,
    village_id     TEXT NOT NULL REFERENCES villages(id),
    received_up_to TEXT NOT NULL,
    merged_at      TEXT NOT NULL,
    PRIMARY KEY (device_id, village_id)
) WITHOUT ROWID;
