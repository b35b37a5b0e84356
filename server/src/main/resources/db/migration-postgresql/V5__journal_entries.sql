-- PostgreSQL: the same table as on SQLite (see its V5), with a plain BIGINT key: the journal's
-- one writer numbers the rows itself, which holds while one node writes the database.
CREATE TABLE journal_entries (
    id          BIGINT       PRIMARY KEY,
    session_id  VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    seq         BIGINT       NOT NULL,
    ts          BIGINT       NOT NULL,
    actor       TEXT         NOT NULL,
    audience    VARCHAR(200) NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    body        TEXT         NOT NULL,
    prev_hash   VARCHAR(64)  NOT NULL,
    hash        VARCHAR(64)  NOT NULL
);
