-- Treasury: taxpayers with the check value printed on their yearly booklet, their tax items, and
-- payments through the provider. Money is integer céntimos. An item is paid once, ever: a row of
-- item_payments per paid item, its primary key the item.

CREATE TABLE taxpayers (
    code TEXT PRIMARY KEY NOT NULL,
    -- SHA-256 of the check value, hex.
    check_hash TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE tax_items (
    id TEXT PRIMARY KEY NOT NULL,
    taxpayer TEXT NOT NULL REFERENCES taxpayers (code),
    property TEXT NOT NULL,
    concept TEXT NOT NULL CHECK (concept IN ('predial', 'barrido', 'recojo', 'parques', 'serenazgo', 'multa')),
    year INTEGER NOT NULL,
    period INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    principal INTEGER NOT NULL CHECK (principal >= 0),
    adjustment INTEGER NOT NULL CHECK (adjustment >= 0),
    discount INTEGER NOT NULL CHECK (discount >= 0),
    UNIQUE (taxpayer, property, concept, year, period)
);
CREATE INDEX tax_items_taxpayer ON tax_items (taxpayer);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    taxpayer TEXT NOT NULL REFERENCES taxpayers (code),
    method TEXT NOT NULL CHECK (method IN ('card', 'cash')),
    amount INTEGER NOT NULL CHECK (amount > 0),
    status TEXT NOT NULL
        CHECK (status IN ('pending', 'paid', 'duplicate', 'refunded', 'declined', 'expired', 'failed')),
    provider_charge TEXT UNIQUE,
    cash_code TEXT,
    expires_at TEXT,
    created_at TEXT NOT NULL,
    paid_at TEXT,
    -- The highest notification sequence applied: an older one arriving late changes nothing.
    provider_sequence INTEGER NOT NULL DEFAULT 0,
    receipt_code TEXT,
    refunded_at TEXT
);
CREATE INDEX payments_status ON payments (status);

-- What a payment covers, with each item's amount as charged.
CREATE TABLE payment_items (
    payment_id TEXT NOT NULL REFERENCES payments (id),
    item_id TEXT NOT NULL REFERENCES tax_items (id),
    amount INTEGER NOT NULL,
    PRIMARY KEY (payment_id, item_id)
) WITHOUT ROWID;

-- The one payment that paid each item.
CREATE TABLE item_payments (
    item_id TEXT PRIMARY KEY NOT NULL REFERENCES tax_items (id),
    payment_id TEXT NOT NULL REFERENCES payments (id)
) WITHOUT ROWID;
