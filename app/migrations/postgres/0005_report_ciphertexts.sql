-- Same schema as migrations/sqlite/0005_report_ciphertexts.sql (see the comments there).
CREATE TABLE report_ciphertexts (
    slot BIGINT PRIMARY KEY,
    report_id TEXT NOT NULL UNIQUE REFERENCES reports (id) ON DELETE CASCADE,
    ciphertext BYTEA NOT NULL
);

INSERT INTO report_ciphertexts (slot, report_id, ciphertext)
    SELECT (random() * 9.2e18 - 4.6e18)::BIGINT, id, ciphertext FROM reports;

ALTER TABLE reports DROP COLUMN ciphertext;
