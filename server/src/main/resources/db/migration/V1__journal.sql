-- One schema for SQLite (embedded default) and PostgreSQL. Times are epoch milliseconds so that
-- ranges sort and compare the same on both; the ISO text lives inside each entry's JSON.

CREATE TABLE tickets (
    id          VARCHAR(200) PRIMARY KEY,
    created_at  BIGINT       NOT NULL
);

CREATE TABLE sessions (
    id          VARCHAR(64)  PRIMARY KEY,
    ticket_id   VARCHAR(200) NOT NULL REFERENCES tickets (id),
    title       TEXT,
    topic       VARCHAR(200),
    opened_at   BIGINT       NOT NULL,
    ended_at    BIGINT,
    outcome     VARCHAR(40),
    last_seq    BIGINT       NOT NULL DEFAULT 0,
    head_hash   VARCHAR(64),
    key_id      VARCHAR(64),
    signature   TEXT,
    sealed_at   BIGINT
);
CREATE INDEX sessions_ticket ON sessions (ticket_id);
CREATE INDEX sessions_opened ON sessions (opened_at);

CREATE TABLE session_participants (
    session_id      VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    participant_id  VARCHAR(200) NOT NULL,
    name            TEXT,
    role            VARCHAR(20)  NOT NULL,
    tier            VARCHAR(4),
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX participants_by_id ON session_participants (participant_id);

-- The transcript: one row per recorded event, chained by SHA-256 (hash covers prev_hash and the
-- canonical JSON of the event).
CREATE TABLE transcript_entries (
    session_id  VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    seq         BIGINT       NOT NULL,
    ts          BIGINT       NOT NULL,
    actor       TEXT         NOT NULL,
    audience    VARCHAR(200) NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    body        TEXT         NOT NULL,
    prev_hash   VARCHAR(64)  NOT NULL,
    hash        VARCHAR(64)  NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE ticket_history (
    ticket_id   VARCHAR(200) NOT NULL REFERENCES tickets (id),
    session_id  VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    created_at  BIGINT       NOT NULL,
    entry       TEXT         NOT NULL,
    PRIMARY KEY (ticket_id, session_id)
);
