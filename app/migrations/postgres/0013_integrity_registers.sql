-- Public integrity registers: the officials they name, the visits registry and official agendas
-- (Law 28024, DS 120-2019-PCM), and interest affidavits (DJI) with their versions. Relatives beyond the
-- spouse and the first degree are kept in a table of their own that no public query reads.

CREATE TABLE officials (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    -- The organic unit (Gerencia de Obras Públicas…): a tender's requesting area is matched to it.
    area TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT
);

CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL,
    registered_on TEXT NOT NULL,
    visit_date TEXT NOT NULL,
    visitor TEXT NOT NULL,
    document TEXT NOT NULL,
    entity TEXT NOT NULL,
    -- The represented entity's RUC, when it has one: what the alerts join on.
    entity_ruc TEXT NOT NULL,
    official TEXT NOT NULL REFERENCES officials (id),
    position TEXT NOT NULL,
    place TEXT NOT NULL,
    entry_time TEXT NOT NULL,
    exit_time TEXT NOT NULL,
    reason TEXT NOT NULL,
    remarks TEXT NOT NULL,
    -- Registered on a later day than the visit.
    late BIGINT NOT NULL CHECK (late IN (0, 1)),
    -- Lowercase, accents folded: what the full-text search reads.
    search TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX visits_date ON visits (visit_date);
CREATE INDEX visits_official ON visits (official, visit_date);

CREATE TABLE agenda_entries (
    id TEXT PRIMARY KEY NOT NULL,
    official TEXT NOT NULL REFERENCES officials (id),
    date TEXT NOT NULL,
    time TEXT NOT NULL,
    place TEXT NOT NULL,
    subject TEXT NOT NULL,
    participants TEXT NOT NULL,
    represents TEXT NOT NULL,
    -- An act of interest management (gestión de intereses, DS 120-2019-PCM).
    lobbying BIGINT NOT NULL CHECK (lobbying IN (0, 1)),
    search TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX agenda_entries_date ON agenda_entries (date);

CREATE TABLE affidavits (
    id TEXT PRIMARY KEY NOT NULL,
    official TEXT NOT NULL REFERENCES officials (id),
    kind TEXT NOT NULL CHECK (kind IN ('inicio', 'anual', 'cese')),
    presented_on TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (official, version)
);

-- The public sections: companies and shares, boards, jobs and consultancies, organisations, parties,
-- and relatives who are the spouse or of the first degree.
CREATE TABLE affidavit_entries (
    affidavit TEXT NOT NULL REFERENCES affidavits (id),
    section TEXT NOT NULL CHECK (section IN ('empresas', 'directorios', 'empleos', 'organizaciones', 'partidos', 'parientes')),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    -- A company's or entity's RUC; for a relative, their employer's.
    ruc TEXT NOT NULL,
    -- The role, position or post; for a relative, their employer.
    detail TEXT NOT NULL,
    -- Relatives only: conyuge, conviviente, padre, madre, hijo, hija.
    relationship TEXT NOT NULL,
    -- Companies: the share in hundredths of a percent (12.5 % = 1250).
    share_bp BIGINT,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    PRIMARY KEY (affidavit, section, position)
);

-- Relatives beyond the first degree: kept for the alerts, never published.
CREATE TABLE affidavit_private_relatives (
    affidavit TEXT NOT NULL REFERENCES affidavits (id),
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    relationship TEXT NOT NULL,
    employer TEXT NOT NULL,
    employer_ruc TEXT NOT NULL,
    PRIMARY KEY (affidavit, position)
);
