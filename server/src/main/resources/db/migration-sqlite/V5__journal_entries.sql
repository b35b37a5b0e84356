-- SQLite: the entries of sessions not yet sealed, as the journal appends them. No index by
-- session: the per-session primary key of transcript_entries dirtied about one index page per
-- session in every group commit, two thirds of what an entry cost to write. The journal keeps
-- where each live session's rows are (their ids) and moves a sealed session's rows into
-- transcript_entries, in seq order, a few hundred at a time; reads look in both tables.
-- INTEGER PRIMARY KEY is the table's rowid itself: appending costs no second b-tree.
CREATE TABLE journal_entries (
    id          INTEGER      PRIMARY KEY,
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
