-- The virtual front desk (mesa de partes): procedures and offices, expedientes with their timeline and
-- documents, and the holiday calendar their working-day deadlines count with. Days are Lima days
-- (YYYY-MM-DD); times of staff actions are UTC, RFC 3339.

-- The offices a case moves between.
CREATE TABLE offices (
    code TEXT PRIMARY KEY NOT NULL,
    name_es TEXT NOT NULL,
    name_en TEXT NOT NULL
);

-- The procedures a neighbour may file (the municipality's TUPA): each with its time limit in working
-- days, and what the applicant's silence rule is when the limit passes unanswered.
CREATE TABLE procedures (
    code TEXT PRIMARY KEY NOT NULL,
    name_es TEXT NOT NULL,
    name_en TEXT NOT NULL,
    working_days INTEGER NOT NULL CHECK (working_days > 0),
    silence TEXT NOT NULL CHECK (silence IN ('positive', 'negative')),
    office TEXT NOT NULL REFERENCES offices (code),
    legal_basis TEXT NOT NULL
);

-- One number a year: 2026-000001, 2026-000002, ...
CREATE TABLE expediente_counters (
    year INTEGER PRIMARY KEY NOT NULL,
    last INTEGER NOT NULL
);

CREATE TABLE expedientes (
    number TEXT PRIMARY KEY NOT NULL,
    -- SHA-256 of the verification code, hex.
    code_hash TEXT NOT NULL,
    procedure_code TEXT NOT NULL REFERENCES procedures (code),
    applicant_id_type TEXT NOT NULL CHECK (applicant_id_type IN ('dni', 'ruc', 'ce')),
    applicant_id TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_address TEXT NOT NULL,
    applicant_email TEXT NOT NULL,
    subject TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'desk')),
    filed_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('filed', 'received', 'in_process', 'observed', 'resolved', 'archived')),
    office TEXT NOT NULL REFERENCES offices (code),
    closed_on TEXT
);
CREATE INDEX expedientes_state ON expedientes (state);

-- What happened to a case, in order.
CREATE TABLE expediente_events (
    number TEXT NOT NULL REFERENCES expedientes (number),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('filed', 'received', 'forwarded', 'observed', 'corrected', 'resolved', 'archived')),
    on_day TEXT NOT NULL,
    office TEXT NOT NULL REFERENCES offices (code),
    note TEXT NOT NULL,
    -- For an observation: working days to correct it.
    days INTEGER,
    actor TEXT NOT NULL,
    PRIMARY KEY (number, position)
) WITHOUT ROWID;

-- Filed PDFs: the filing's, an applicant's corrections, the office's response. The bytes are in the
-- portal's file store under `object`.
CREATE TABLE expediente_documents (
    id TEXT PRIMARY KEY NOT NULL,
    number TEXT NOT NULL REFERENCES expedientes (number),
    event_position INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    object TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE INDEX expediente_documents_number ON expediente_documents (number);

-- Days no deadline counts besides weekends. `national` marks the preloaded ones.
CREATE TABLE holidays (
    day TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    national INTEGER NOT NULL
);
-- The years whose national holidays were preloaded, so a holiday the staff removed stays removed.
CREATE TABLE holiday_years (
    year INTEGER PRIMARY KEY NOT NULL
);

-- A first list, from the kinds of procedure Miraflores publishes in its TUPA; the municipality edits
-- it with SQL or a later migration.
INSERT INTO offices (code, name_es, name_en) VALUES
    ('MP', 'Mesa de partes (Trámite documentario)', 'Front desk (document registry)'),
    ('SG', 'Secretaría General', 'General Secretariat'),
    ('GAT', 'Gerencia de Administración Tributaria', 'Tax Administration'),
    ('GDU', 'Gerencia de Desarrollo Urbano', 'Urban Development'),
    ('SLC', 'Subgerencia de Licencias y Comercialización', 'Licences and Trade'),
    ('GPV', 'Gerencia de Participación Vecinal', 'Neighbourhood Participation'),
    ('GAJ', 'Gerencia de Asesoría Jurídica', 'Legal Counsel');

INSERT INTO procedures (code, name_es, name_en, working_days, silence, office, legal_basis) VALUES
    ('AIP-01', 'Acceso a la información pública', 'Access to public information', 10, 'negative', 'SG',
     'Ley 27806, TUO aprobado por D.S. 021-2019-JUS, art. 11'),
    ('LF-01', 'Licencia de funcionamiento para establecimientos de riesgo bajo o medio',
     'Operating licence for low- or medium-risk premises', 4, 'positive', 'SLC',
     'Ley 28976, TUO aprobado por D.S. 163-2020-PCM, art. 8'),
    ('AP-01', 'Autorización de anuncio publicitario', 'Permit for an advertising sign', 5, 'positive', 'SLC',
     'Ordenanza municipal de anuncios; Ley 27444, TUO art. 37'),
    ('CN-01', 'Certificado de numeración', 'House-number certificate', 5, 'positive', 'GDU',
     'Ley 27972, Orgánica de Municipalidades, art. 79'),
    ('RT-01', 'Reclamo tributario', 'Tax claim', 90, 'negative', 'GAT',
     'Código Tributario, TUO aprobado por D.S. 133-2013-EF, art. 142'),
    ('RR-01', 'Recurso de reconsideración', 'Request for reconsideration', 30, 'negative', 'GAJ',
     'Ley 27444, TUO aprobado por D.S. 004-2019-JUS, arts. 219 y 218.2'),
    ('SG-01', 'Solicitud general', 'General request', 30, 'negative', 'MP',
     'Ley 27444, TUO aprobado por D.S. 004-2019-JUS, art. 39');
