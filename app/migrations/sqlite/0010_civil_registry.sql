-- Civil registry: the records the municipality keeps, requests for certified copies, and the
-- certificates issued (each with the exact signed code its QR carries).
--
-- A certificate's fee is paid through the treasury's payments, so a payment now pays either a
-- taxpayer's tax items or one request: its taxpayer may be empty (the request's number is in
-- `request`), and an item is a tax item's id or a request's id. SQLite cannot drop NOT NULL or a
-- foreign key in place: the three payment tables are rebuilt, children first, so no foreign key ever
-- points at a dropped table; the renames carry the references along.

CREATE TABLE payments_v2 (
    id TEXT PRIMARY KEY NOT NULL,
    taxpayer TEXT REFERENCES taxpayers (code),
    method TEXT NOT NULL CHECK (method IN ('card', 'cash')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    status TEXT NOT NULL
        CHECK (status IN ('pending', 'paid', 'duplicate', 'refunded', 'declined', 'expired', 'failed')),
    provider_charge TEXT UNIQUE,
    cash_code TEXT,
    expires_at TEXT,
    created_at TEXT NOT NULL,
    paid_at TEXT,
    provider_sequence INTEGER NOT NULL DEFAULT 0,
    receipt_code TEXT,
    refunded_at TEXT,
    -- The certificate request it pays, for a payment without a taxpayer.
    request TEXT,
    CONSTRAINT payments_payer CHECK (taxpayer IS NOT NULL OR request IS NOT NULL)
);
INSERT INTO payments_v2 (id, taxpayer, method, amount, status, provider_charge, cash_code, expires_at, created_at,
                         paid_at, provider_sequence, receipt_code, refunded_at)
    SELECT id, taxpayer, method, amount, status, provider_charge, cash_code, expires_at, created_at,
           paid_at, provider_sequence, receipt_code, refunded_at FROM payments;

CREATE TABLE payment_items_v2 (
    payment_id TEXT NOT NULL REFERENCES payments_v2 (id),
    item_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (payment_id, item_id)
) WITHOUT ROWID;
INSERT INTO payment_items_v2 (payment_id, item_id, amount) SELECT payment_id, item_id, amount FROM payment_items;

CREATE TABLE item_payments_v2 (
    item_id TEXT PRIMARY KEY NOT NULL,
    payment_id TEXT NOT NULL REFERENCES payments_v2 (id)
) WITHOUT ROWID;
INSERT INTO item_payments_v2 (item_id, payment_id) SELECT item_id, payment_id FROM item_payments;

DROP TABLE item_payments;
DROP TABLE payment_items;
DROP TABLE payments;
ALTER TABLE payments_v2 RENAME TO payments;
ALTER TABLE payment_items_v2 RENAME TO payment_items;
ALTER TABLE item_payments_v2 RENAME TO item_payments;
CREATE INDEX payments_status ON payments (status);
CREATE INDEX payments_request ON payments (request);

CREATE TABLE civil_records (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('nacimiento', 'matrimonio', 'defuncion')),
    -- The record's number in the registry's books (número de acta).
    record_number TEXT NOT NULL,
    event_date TEXT NOT NULL,
    names TEXT NOT NULL,
    -- Why it is not issued online, or NULL.
    reserve TEXT CHECK (reserve IN ('adopcion', 'mandato-judicial', 'en-rectificacion')),
    UNIQUE (kind, record_number)
);

-- One number a year: RC-2026-000001, ...
CREATE TABLE certificate_request_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last INTEGER NOT NULL
);

CREATE TABLE certificate_requests (
    -- The payment item's id.
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    -- SHA-256 of the verification code, hex.
    code_hash TEXT NOT NULL,
    record_id TEXT NOT NULL REFERENCES civil_records (id),
    applicant_id_type TEXT NOT NULL CHECK (applicant_id_type IN ('dni', 'ce')),
    applicant_id TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_email TEXT NOT NULL,
    relationship TEXT NOT NULL,
    fee INTEGER NOT NULL CHECK (fee > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE certificates (
    request_id TEXT PRIMARY KEY NOT NULL REFERENCES certificate_requests (id),
    -- The signed code, exactly as the QR carries it.
    code TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
