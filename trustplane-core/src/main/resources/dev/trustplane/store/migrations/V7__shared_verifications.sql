-- The replicas' shared second-level verification cache (ADR 021). Portable SQL: runs unchanged on SQLite and PostgreSQL.
-- cache_key is the SHA-256 of the full cache key (image digest, what was asked, the attestor's trust,
-- the credentials' fingerprint, the revocation list's version); only verified results are stored.
CREATE TABLE verification_results (
    cache_key VARCHAR(64) PRIMARY KEY,
    report TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
CREATE INDEX verification_results_expiry ON verification_results (expires_at_ms);
