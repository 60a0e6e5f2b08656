-- A report's ciphertext moves out of `reports` into a table of its own, keyed by a random 64-bit slot.
-- In a WITHOUT ROWID table every row is a key of its B-tree, and SQLite reads a key that overflows its
-- page whole (16 KiB and more for a report) at each comparison of a seek: storing a group of reports
-- read every record it passed, about 0.7 ms of the writer's time a report. In a rowid table a seek
-- compares integers. The slot is random, like the report ids, so rows are stored in no arrival order.
CREATE TABLE report_ciphertexts (
    slot INTEGER PRIMARY KEY,
    report_id TEXT NOT NULL UNIQUE REFERENCES reports (id) ON DELETE CASCADE,
    -- The padded report document, an age v1 file.
    ciphertext BLOB NOT NULL
);

INSERT INTO report_ciphertexts (slot, report_id, ciphertext) SELECT random(), id, ciphertext FROM reports;

ALTER TABLE reports DROP COLUMN ciphertext;
