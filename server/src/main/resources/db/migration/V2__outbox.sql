-- Deliveries to ticket systems and webhooks, written in the same transaction as the events they
-- report, then sent by the outbox worker until each one lands (at least once; the delivery id makes
-- a repeat harmless at the receiver).

CREATE TABLE outbox (
    id               VARCHAR(64)  PRIMARY KEY,
    sink             VARCHAR(32)  NOT NULL,
    kind             VARCHAR(32)  NOT NULL,
    ticket_id        VARCHAR(200) NOT NULL,
    session_id       VARCHAR(64)  NOT NULL,
    payload          TEXT         NOT NULL,
    created_at       BIGINT       NOT NULL,
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT       NOT NULL,
    delivered_at     BIGINT,
    external_ref     VARCHAR(200),
    last_error       TEXT
);
CREATE INDEX outbox_undelivered ON outbox (delivered_at, created_at);
