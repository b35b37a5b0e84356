-- SQLite: an FTS5 index over the current version of every live article, ranked with bm25.
CREATE VIRTUAL TABLE kb_search USING fts5(
    article_id UNINDEXED, title, symptoms, cause, fix, tags,
    tokenize = 'porter unicode61'
);
