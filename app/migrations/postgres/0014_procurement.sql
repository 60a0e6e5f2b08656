-- Requests for quotation with sealed bids: the tender (its items, its committee, the age recipient of
-- the key its committee holds in shares), the bids (who bid and the SHA-256 of the ciphertext; never
-- what), and what the committee publishes after the opening.

CREATE TABLE tenders (
    number TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    -- The requesting area, as the officials register names it.
    area TEXT NOT NULL,
    estimated_cents BIGINT NOT NULL CHECK (estimated_cents > 0),
    published_at TEXT NOT NULL,
    -- UTC, RFC 3339: the server's clock decides.
    deadline TEXT NOT NULL,
    recipient TEXT NOT NULL,
    threshold BIGINT NOT NULL,
    -- After the opening: the key, the comparison table (CSV as the committee tool wrote it), the award.
    opened_at TEXT,
    secret_key TEXT,
    comparison TEXT,
    award_ruc TEXT,
    award_name TEXT,
    award_cents BIGINT,
    award_reasons TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE tender_items (
    tender TEXT NOT NULL REFERENCES tenders (number),
    position BIGINT NOT NULL,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL,
    specification TEXT NOT NULL,
    PRIMARY KEY (tender, position)
);

CREATE TABLE tender_committee (
    tender TEXT NOT NULL REFERENCES tenders (number),
    official TEXT NOT NULL REFERENCES officials (id),
    PRIMARY KEY (tender, official)
);

CREATE TABLE bids (
    id TEXT PRIMARY KEY NOT NULL,
    tender TEXT NOT NULL REFERENCES tenders (number),
    supplier_ruc TEXT NOT NULL,
    supplier_name TEXT NOT NULL,
    -- The stored ciphertext's name and its SHA-256 (hex): the supplier's receipt.
    object TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (tender, supplier_ruc)
);
