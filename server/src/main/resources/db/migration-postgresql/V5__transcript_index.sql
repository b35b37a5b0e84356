-- PostgreSQL: the same tables as SQLite's V5 (see there why). The entries' ids are numbered by the
-- journal's one writer, which holds while one node writes the database.
CREATE TABLE transcript_log (
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
INSERT INTO transcript_log (id, session_id, seq, ts, actor, audience, type, body, prev_hash, hash)
    SELECT ROW_NUMBER() OVER (ORDER BY session_id, seq), session_id, seq, ts, actor, audience, type, body,
           prev_hash, hash
    FROM transcript_entries;

CREATE TABLE transcript_index (
    session_id  VARCHAR(64)  NOT NULL REFERENCES sessions (id),
    seq         BIGINT       NOT NULL,
    entry_id    BIGINT       NOT NULL,
    PRIMARY KEY (session_id, seq)
);
INSERT INTO transcript_index (session_id, seq, entry_id) SELECT session_id, seq, id FROM transcript_log;

DROP TABLE transcript_entries;
ALTER TABLE transcript_log RENAME TO transcript_entries;
-- constraints keep their old names through a rename: name them after the table they now belong to
ALTER TABLE transcript_entries RENAME CONSTRAINT transcript_log_pkey TO transcript_entries_pkey;
ALTER TABLE transcript_entries RENAME CONSTRAINT transcript_log_session_id_fkey TO transcript_entries_session_id_fkey;

ALTER TABLE sessions ADD COLUMN first_entry BIGINT;
ALTER TABLE sessions ADD COLUMN indexed_seq BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET
    indexed_seq = COALESCE((SELECT MAX(seq) FROM transcript_index i WHERE i.session_id = sessions.id), 0),
    first_entry = (SELECT MIN(entry_id) FROM transcript_index i WHERE i.session_id = sessions.id);
