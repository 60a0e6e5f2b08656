-- Same schema as migrations/sqlite/0004_incidents.sql (see the comments there); BIGINT here.
CREATE TABLE incidents (
    source_id TEXT PRIMARY KEY NOT NULL,
    occurred_at TEXT NOT NULL,
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    incident_type TEXT NOT NULL,
    subtype TEXT,
    zone BIGINT NOT NULL,
    module TEXT
);
CREATE INDEX incidents_by_month ON incidents (month);
CREATE INDEX incidents_by_time ON incidents (occurred_at, source_id);

CREATE TABLE incident_counts (
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    incident_type TEXT NOT NULL,
    subtype TEXT NOT NULL,
    zone BIGINT NOT NULL,
    module TEXT NOT NULL,
    incidents BIGINT NOT NULL,
    PRIMARY KEY (month, channel, incident_type, subtype, zone, module)
);

CREATE TABLE incident_dataset (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO incident_dataset (id, version, updated_at) VALUES (1, 0, '');
