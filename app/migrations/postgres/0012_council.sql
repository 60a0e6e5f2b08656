-- Council sessions: members (Popolo people with one membership), sessions, agenda items, each
-- councillor's vote on each item, and the attendance that follows from the votes.

CREATE TABLE council_members (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    party TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('alcalde', 'regidor')),
    start_date TEXT NOT NULL,
    end_date TEXT
);

CREATE TABLE council_sessions (
    number TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ordinaria', 'extraordinaria', 'solemne')),
    date TEXT NOT NULL,
    video_url TEXT NOT NULL,
    -- The approved minutes: a stored PDF's name, or NULL.
    minutes TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX council_sessions_date ON council_sessions (date);

CREATE TABLE council_items (
    session TEXT NOT NULL REFERENCES council_sessions (number),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    topic TEXT NOT NULL,
    agreement TEXT NOT NULL,
    PRIMARY KEY (session, position)
);

CREATE TABLE council_votes (
    session TEXT NOT NULL,
    item BIGINT NOT NULL,
    member TEXT NOT NULL REFERENCES council_members (id),
    option TEXT NOT NULL CHECK (option IN ('a-favor', 'en-contra', 'abstencion', 'ausente', 'licencia')),
    PRIMARY KEY (session, item, member),
    FOREIGN KEY (session, item) REFERENCES council_items (session, position)
);

CREATE TABLE council_attendance (
    session TEXT NOT NULL REFERENCES council_sessions (number),
    member TEXT NOT NULL REFERENCES council_members (id),
    status TEXT NOT NULL CHECK (status IN ('presente', 'ausente', 'licencia')),
    PRIMARY KEY (session, member)
);
