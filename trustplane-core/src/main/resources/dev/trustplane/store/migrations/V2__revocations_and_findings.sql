-- Revoked signers and drift findings (ADR 011). Portable SQL: runs unchanged on SQLite and PostgreSQL.
CREATE TABLE trust_revocations (
    id BIGINT PRIMARY KEY,
    key_hint VARCHAR(100),
    public_key TEXT,
    subject TEXT,
    issuer TEXT,
    since_ms BIGINT,
    reason TEXT NOT NULL,
    revoked_at_ms BIGINT NOT NULL,
    revoked_by VARCHAR(200),
    unrevoked_at_ms BIGINT,
    unrevoke_reason TEXT
);

-- One row per kind of trust state; version moves with every change, so caches keyed to it expire at once.
CREATE TABLE trust_state (
    name VARCHAR(64) PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO trust_state (name, version) VALUES ('revocations', 0);

CREATE TABLE fleet_findings (
    finding_key VARCHAR(64) PRIMARY KEY,
    kind VARCHAR(32) NOT NULL,
    namespace VARCHAR(253) NOT NULL,
    workload_kind VARCHAR(128) NOT NULL,
    workload VARCHAR(253) NOT NULL,
    container VARCHAR(400) NOT NULL,
    image TEXT,
    running_digest VARCHAR(140),
    admitted_digest VARCHAR(140),
    tag_digest VARCHAR(140),
    signers TEXT,
    message TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    resolved_at_ms BIGINT,
    suppressed_reason TEXT,
    suppressed_until_ms BIGINT
);
CREATE INDEX fleet_findings_status ON fleet_findings (status, kind);
CREATE INDEX fleet_findings_workload ON fleet_findings (namespace, workload_kind, workload);

-- Each drift pass: when, how much it saw, and which checks could not run (never read as "no findings").
CREATE TABLE fleet_passes (
    id VARCHAR(36) PRIMARY KEY,
    started_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT NOT NULL,
    workloads INTEGER NOT NULL,
    containers INTEGER NOT NULL,
    open_findings INTEGER NOT NULL,
    incomplete TEXT
);
