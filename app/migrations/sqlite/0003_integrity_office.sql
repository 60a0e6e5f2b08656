-- The integrity office's work on each case: triaged category, status dates (days, Lima time), the
-- conversation with the reporter, officer accounts and sessions, and the audit log.

-- Set by the office after triage; the reporter's own category stays inside the encrypted report.
ALTER TABLE reports ADD COLUMN category TEXT;
ALTER TABLE reports ADD COLUMN acknowledged_on TEXT;
-- The first feedback to the reporter (a reply on the portal, or recorded by an officer).
ALTER TABLE reports ADD COLUMN feedback_on TEXT;
ALTER TABLE reports ADD COLUMN closed_on TEXT;

-- Replies from the office and further messages from the reporter: age files, like reports, and a day.
CREATE TABLE case_messages (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    author TEXT NOT NULL CHECK (author IN ('office', 'reporter')),
    sent_on TEXT NOT NULL,
    ciphertext BLOB NOT NULL,
    UNIQUE (report_id, position)
) WITHOUT ROWID;

CREATE TABLE message_attachments (
    message_id TEXT NOT NULL REFERENCES case_messages (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    object_name TEXT NOT NULL UNIQUE,
    ciphertext_len INTEGER NOT NULL,
    PRIMARY KEY (message_id, position)
) WITHOUT ROWID;

-- Officers sign in with a password (Argon2id, PHC string) and a TOTP code. The last accepted TOTP time
-- step is kept so a code cannot be used twice.
CREATE TABLE officers (
    username TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    totp_secret TEXT NOT NULL,
    last_totp_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

-- Failed sign-ins by the user name typed (known or not, so the lockout says nothing about which names
-- exist). Times are Unix seconds.
CREATE TABLE login_failures (
    username TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is stored; a stolen database opens no session.
CREATE TABLE officer_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL REFERENCES officers (username) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- A hash chain (see envelope::audit): each entry's hash covers its fields and the previous hash.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
