-- report_attachments.position was the only 32-bit integer column; SQLite's INTEGER is 64 bits, as is
-- every other integer column here. The same type on both databases (see the migrations test).
ALTER TABLE report_attachments ALTER COLUMN position TYPE BIGINT;

-- Ciphertext does not compress: PostgreSQL's default storage (EXTENDED) tries pglz on every value over
-- 2 KB before giving up, which was CPU in every report's insert. EXTERNAL keeps out-of-line storage
-- without the attempt (applies to rows written from now on).
ALTER TABLE report_ciphertexts ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
ALTER TABLE case_messages ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
