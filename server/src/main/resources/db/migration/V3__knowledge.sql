-- Knowledge articles: one row per article (its current version, audience, links and retirement),
-- every version kept with its author and tier, and the tags for filtering. The full-text index is
-- the database's own and differs per vendor: see db/migration-sqlite and db/migration-postgresql.

CREATE TABLE kb_articles (
    id               VARCHAR(64)  PRIMARY KEY,
    current_version  INTEGER      NOT NULL,
    audience         VARCHAR(20)  NOT NULL,
    ticket_id        VARCHAR(200),
    session_id       VARCHAR(64),
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    retired_at       BIGINT,
    retired_by       VARCHAR(200)
);

CREATE TABLE kb_article_versions (
    article_id   VARCHAR(64)  NOT NULL REFERENCES kb_articles (id),
    version      INTEGER      NOT NULL,
    title        TEXT         NOT NULL,
    symptoms     TEXT         NOT NULL,
    cause        TEXT         NOT NULL,
    fix_steps    TEXT         NOT NULL,
    tags         TEXT         NOT NULL,
    audience     VARCHAR(20)  NOT NULL,
    author_id    VARCHAR(200) NOT NULL,
    author_name  TEXT,
    author_tier  VARCHAR(4),
    created_at   BIGINT       NOT NULL,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE kb_article_tags (
    article_id  VARCHAR(64)  NOT NULL REFERENCES kb_articles (id),
    tag         VARCHAR(100) NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX kb_article_tags_by_tag ON kb_article_tags (tag);
