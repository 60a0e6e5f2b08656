-- Central Alerta incidents for the transparency portal: the raw records as imported, and their counts
-- by month and dimension, which every statistics view is computed from.

-- One incident. `source_id` is the source system's id: a re-import updates instead of duplicating.
-- Codes are those of the statistics crate's catalogue (statistics/INCIDENTS_CSV.md).
CREATE TABLE incidents (
    source_id TEXT PRIMARY KEY NOT NULL,
    -- Lima local time, YYYY-MM-DDTHH:MM.
    occurred_at TEXT NOT NULL,
    -- YYYY-MM, the month the counts are kept by.
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    incident_type TEXT NOT NULL,
    subtype TEXT,
    zone INTEGER NOT NULL,
    module TEXT
);
CREATE INDEX incidents_by_month ON incidents (month);
-- The full data set is downloaded in time order, streamed straight from this index.
CREATE INDEX incidents_by_time ON incidents (occurred_at, source_id);

-- Incidents by month and every dimension ('' where a record has no subtype or module). Rebuilt for the
-- months an import touches, in the import's transaction.
CREATE TABLE incident_counts (
    month TEXT NOT NULL,
    channel TEXT NOT NULL,
    incident_type TEXT NOT NULL,
    subtype TEXT NOT NULL,
    zone INTEGER NOT NULL,
    module TEXT NOT NULL,
    incidents INTEGER NOT NULL,
    PRIMARY KEY (month, channel, incident_type, subtype, zone, module)
) WITHOUT ROWID;

-- Bumped by every import that changes anything: servers reload their in-memory copy of the counts when
-- it moves, so several instances stay consistent.
CREATE TABLE incident_dataset (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO incident_dataset (id, version, updated_at) VALUES (1, 0, '');
