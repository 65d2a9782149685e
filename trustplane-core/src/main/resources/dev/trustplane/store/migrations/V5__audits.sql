-- Fleet audits (ADR 013): every audit run and each workload's grade, so the next audit shows the trend.
CREATE TABLE audit_runs (
    id VARCHAR(36) PRIMARY KEY,
    taken_at_ms BIGINT NOT NULL,
    source TEXT NOT NULL,
    workloads INTEGER NOT NULL,
    digests INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX audit_runs_time ON audit_runs (taken_at_ms);

CREATE TABLE audit_rows (
    run_id VARCHAR(36) NOT NULL,
    workload VARCHAR(800) NOT NULL,
    score INTEGER NOT NULL,
    grade VARCHAR(2) NOT NULL,
    PRIMARY KEY (run_id, workload)
);
