-- PostgreSQL: a weighted tsvector over the current version of every live article, ranked with ts_rank.
CREATE TABLE kb_search (
    article_id  VARCHAR(64) PRIMARY KEY REFERENCES kb_articles (id),
    title       TEXT NOT NULL,
    symptoms    TEXT NOT NULL,
    cause       TEXT NOT NULL,
    fix         TEXT NOT NULL,
    tags        TEXT NOT NULL,
    document    tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', symptoms), 'A')
        || setweight(to_tsvector('english', tags), 'B')
        || setweight(to_tsvector('english', cause), 'C')
        || setweight(to_tsvector('english', fix), 'C')) STORED
);
CREATE INDEX kb_search_document ON kb_search USING GIN (document);
