-- Admission ledger and tickets (ADR 007). Portable SQL: runs unchanged on SQLite and PostgreSQL.
CREATE TABLE admission_decisions (
    id VARCHAR(36) PRIMARY KEY,
    decided_at_ms BIGINT NOT NULL,
    request_uid VARCHAR(256) NOT NULL,
    phase VARCHAR(16) NOT NULL,
    operation VARCHAR(16) NOT NULL,
    dry_run SMALLINT NOT NULL,
    namespace VARCHAR(253),
    kind VARCHAR(128) NOT NULL,
    name VARCHAR(253),
    container VARCHAR(400),
    image TEXT,
    digest VARCHAR(140),
    signers TEXT,
    policy VARCHAR(400),
    rule_name VARCHAR(400),
    policy_hash VARCHAR(80),
    verdict VARCHAR(8) NOT NULL,
    mode VARCHAR(8),
    allowed SMALLINT NOT NULL,
    message TEXT
);
CREATE INDEX admission_decisions_time ON admission_decisions (decided_at_ms);
CREATE INDEX admission_decisions_digest ON admission_decisions (digest);
CREATE INDEX admission_decisions_workload ON admission_decisions (namespace, kind, name);

CREATE TABLE admission_tickets (
    ticket_key VARCHAR(64) PRIMARY KEY,
    image TEXT NOT NULL,
    policy VARCHAR(400) NOT NULL,
    rule_name VARCHAR(400),
    status VARCHAR(16) NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    occurrences BIGINT NOT NULL,
    digest VARCHAR(140),
    last_namespace VARCHAR(253),
    last_kind VARCHAR(128),
    last_name VARCHAR(253),
    last_message TEXT,
    last_posted_ms BIGINT
);
