-- Same schema as migrations/sqlite/0010_civil_registry.sql (see the comments there); BIGINT here.
-- PostgreSQL changes the payment tables in place.

ALTER TABLE payments ALTER COLUMN taxpayer DROP NOT NULL;
ALTER TABLE payments ADD COLUMN request TEXT;
ALTER TABLE payments ADD CONSTRAINT payments_payer CHECK (taxpayer IS NOT NULL OR request IS NOT NULL);
ALTER TABLE payment_items DROP CONSTRAINT payment_items_item_id_fkey;
ALTER TABLE item_payments DROP CONSTRAINT item_payments_item_id_fkey;
CREATE INDEX payments_request ON payments (request);

CREATE TABLE civil_records (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('nacimiento', 'matrimonio', 'defuncion')),
    record_number TEXT NOT NULL,
    event_date TEXT NOT NULL,
    names TEXT NOT NULL,
    reserve TEXT CHECK (reserve IN ('adopcion', 'mandato-judicial', 'en-rectificacion')),
    UNIQUE (kind, record_number)
);

CREATE TABLE certificate_request_counters (
    year BIGINT PRIMARY KEY NOT NULL,
    last BIGINT NOT NULL
);

CREATE TABLE certificate_requests (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    code_hash TEXT NOT NULL,
    record_id TEXT NOT NULL REFERENCES civil_records (id),
    applicant_id_type TEXT NOT NULL CHECK (applicant_id_type IN ('dni', 'ce')),
    applicant_id TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_email TEXT NOT NULL,
    relationship TEXT NOT NULL,
    fee BIGINT NOT NULL CHECK (fee > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE certificates (
    request_id TEXT PRIMARY KEY NOT NULL REFERENCES certificate_requests (id),
    code TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
