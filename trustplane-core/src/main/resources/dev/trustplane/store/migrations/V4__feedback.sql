-- Feedback (ADR 012): rebuild requests for catalog images, tickets for everything else, and the
-- outbox that delivers tickets to sinks with retries. Portable SQL: SQLite and PostgreSQL.

CREATE TABLE catalog_rebuild_requests (
    id VARCHAR(36) PRIMARY KEY,
    image VARCHAR(200) NOT NULL,
    reason TEXT NOT NULL,
    cause_key VARCHAR(64) NOT NULL,
    requested_at_ms BIGINT NOT NULL,
    handled_at_ms BIGINT,
    outcome TEXT
);
CREATE INDEX catalog_rebuild_requests_pending ON catalog_rebuild_requests (handled_at_ms, image);

-- One ticket per (image, cause): opened once, updated on repeats, resolved when the cause is gone.
CREATE TABLE feedback_tickets (
    ticket_key VARCHAR(64) PRIMARY KEY,
    origin VARCHAR(16) NOT NULL,
    image TEXT NOT NULL,
    cause VARCHAR(400) NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    occurrences BIGINT NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    resolved_at_ms BIGINT
);

-- Where each ticket lives in each sink (an issue number, a Jira key).
CREATE TABLE feedback_links (
    ticket_key VARCHAR(64) NOT NULL,
    sink VARCHAR(200) NOT NULL,
    external_ref VARCHAR(400) NOT NULL,
    PRIMARY KEY (ticket_key, sink)
);

-- The outbox: every create / comment / close for every sink, delivered in order per ticket and
-- sink, retried with backoff while the sink is down; never deleted (delivered_at_ms says when).
CREATE TABLE feedback_deliveries (
    id VARCHAR(36) PRIMARY KEY,
    ticket_key VARCHAR(64) NOT NULL,
    sink VARCHAR(200) NOT NULL,
    action VARCHAR(16) NOT NULL,
    text TEXT,
    created_at_ms BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    last_error TEXT,
    delivered_at_ms BIGINT
);
CREATE INDEX feedback_deliveries_pending ON feedback_deliveries (delivered_at_ms, next_attempt_ms);
