-- The integrity office's age recipients, as configured over time. A report records the key ids it
-- was encrypted to, so a key id is never reused for another key and retired keys are kept.
CREATE TABLE office_keys (
    key_id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    recipient TEXT NOT NULL UNIQUE,
    -- Days (YYYY-MM-DD, Lima time): no finer time is kept anywhere in the portal.
    first_configured_on TEXT NOT NULL,
    retired_on TEXT
);
