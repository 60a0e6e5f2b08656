-- Alerts that join the integrity registers are computed from the registers, not stored; what is stored
-- is the integrity office's reviewed explanation of each, by the alert's key, every version kept.

CREATE TABLE alert_reviews (
    -- `interes-declarado/{tender}/{official}/{section}` or `visita/{tender}/{visit}`.
    alert TEXT NOT NULL,
    version INTEGER NOT NULL,
    explanation TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (alert, version)
);

-- The visit rule finds a supplier's visits by its RUC.
CREATE INDEX visits_entity_ruc ON visits (entity_ruc, visit_date);
