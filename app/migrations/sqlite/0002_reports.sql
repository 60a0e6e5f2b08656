-- Reports as the server may know them: ciphertext and the least metadata that lets the integrity office
-- follow up. No IP address, user agent, cookie or time finer than the day is stored anywhere.
-- Report ids are random, and the tables are WITHOUT ROWID so that storage order is the id's order,
-- not the order in which reports arrived.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    -- Day of receipt in Lima, YYYY-MM-DD.
    received_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'received',
    -- SHA-256 (hex) of the lookup token the reporter derives from the receipt with Argon2id.
    lookup_hash TEXT NOT NULL UNIQUE,
    -- The age X25519 recipient derived from the receipt, for replies to the reporter.
    reply_recipient TEXT NOT NULL,
    -- 'browser' or 'server' (the no-JavaScript path): how far the office can trust the encryption.
    encrypted_in TEXT NOT NULL CHECK (encrypted_in IN ('browser', 'server')),
    -- The padded report document, an age v1 file.
    ciphertext BLOB NOT NULL
) WITHOUT ROWID;

-- The office keys each report was encrypted to, so retiring a key loses no report.
CREATE TABLE report_recipients (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    key_id TEXT NOT NULL REFERENCES office_keys (key_id),
    PRIMARY KEY (report_id, key_id)
) WITHOUT ROWID;

-- Attachments are age files on disk (data_dir/objects/<object_name>), fsynced before the report's
-- transaction commits. Their names and types are inside the encrypted report, not here.
CREATE TABLE report_attachments (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    object_name TEXT NOT NULL UNIQUE,
    ciphertext_len INTEGER NOT NULL,
    PRIMARY KEY (report_id, position)
) WITHOUT ROWID;
