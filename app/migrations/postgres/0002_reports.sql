-- Same schema as migrations/sqlite/0002_reports.sql (see the comments there); BYTEA and BIGINT here.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    received_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'received',
    lookup_hash TEXT NOT NULL UNIQUE,
    reply_recipient TEXT NOT NULL,
    encrypted_in TEXT NOT NULL CHECK (encrypted_in IN ('browser', 'server')),
    ciphertext BYTEA NOT NULL
);

CREATE TABLE report_recipients (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    key_id TEXT NOT NULL REFERENCES office_keys (key_id),
    PRIMARY KEY (report_id, key_id)
);

CREATE TABLE report_attachments (
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    object_name TEXT NOT NULL UNIQUE,
    ciphertext_len BIGINT NOT NULL,
    PRIMARY KEY (report_id, position)
);
