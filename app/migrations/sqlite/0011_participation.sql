-- Participation: the neighbour census, polls with their questions and keys, the register of tokens
-- taken, and ballots. Nothing links a ballot to a resident: no time on tokens or ballots, no reference
-- between them, and no rowid (the two tables are WITHOUT ROWID, kept in the order of a DNI and of a
-- random code, never of arrival). See app/src/participation/storage.rs.

CREATE TABLE census_residents (
    dni TEXT PRIMARY KEY NOT NULL,
    names TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    zone TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE polls (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- '' for the whole census.
    zone TEXT NOT NULL,
    -- UTC, YYYY-MM-DDTHH:MM:SSZ.
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    -- The poll's RSA key: SPKI PEM (published) and PKCS#8 PEM (signs tokens blindly).
    public_key TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- 1 once closed and sealed: no ballot after it; the counts below are the publication's.
    sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1)),
    census_size INTEGER NOT NULL DEFAULT 0,
    tokens_issued INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE poll_questions (
    poll TEXT NOT NULL REFERENCES polls (id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('unica', 'varias', 'presupuesto')),
    max_choices INTEGER NOT NULL,
    budget_cents INTEGER NOT NULL,
    PRIMARY KEY (poll, position)
);

CREATE TABLE poll_options (
    poll TEXT NOT NULL,
    question INTEGER NOT NULL,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    cost_cents INTEGER NOT NULL,
    PRIMARY KEY (poll, question, position),
    FOREIGN KEY (poll, question) REFERENCES poll_questions (poll, position)
);

-- Who took a token: the DNI, and the SHA-256 of the blinded message (a retry gets the same signature).
CREATE TABLE poll_tokens (
    poll TEXT NOT NULL REFERENCES polls (id),
    dni TEXT NOT NULL,
    blinded_hash TEXT NOT NULL,
    PRIMARY KEY (poll, dni)
) WITHOUT ROWID;

-- A ballot: a random code, the token with its signature, the choices (JSON). Nothing else.
CREATE TABLE ballots (
    code TEXT PRIMARY KEY NOT NULL,
    poll TEXT NOT NULL REFERENCES polls (id),
    token TEXT NOT NULL,
    randomizer TEXT NOT NULL,
    signature TEXT NOT NULL,
    choices TEXT NOT NULL,
    UNIQUE (poll, token)
) WITHOUT ROWID;
