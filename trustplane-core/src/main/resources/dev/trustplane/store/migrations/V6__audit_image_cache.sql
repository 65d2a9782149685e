-- The audit's judgement of each running digest (ADR 013), reused while its context (origins and their
-- signers, trusted root, revocations, vulnerability database, abandonment age) is unchanged and it is fresh.
CREATE TABLE audit_images (
    repository VARCHAR(500) NOT NULL,
    digest VARCHAR(140) NOT NULL,
    context VARCHAR(64) NOT NULL,
    data TEXT NOT NULL,
    checked_at_ms BIGINT NOT NULL,
    PRIMARY KEY (repository, digest, context)
);
