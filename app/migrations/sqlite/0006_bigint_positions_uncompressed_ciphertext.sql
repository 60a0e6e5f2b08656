-- PostgreSQL's 0006 widens report_attachments.position to BIGINT and stops it trying to compress
-- ciphertext; SQLite's INTEGER is 64 bits already and it never compresses. This file keeps the two
-- folders at the same versions.
SELECT 1;
