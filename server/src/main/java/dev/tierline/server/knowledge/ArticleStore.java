package dev.tierline.server.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.protocol.Actor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Knowledge articles in the journal's database. Versions are kept; the current version of every
 * live article is in the database's own full-text index ({@code kb_search}): SQLite FTS5 ranked
 * by bm25, or a PostgreSQL weighted tsvector ranked by ts_rank. Retiring an article takes it out
 * of the index.
 */
public final class ArticleStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final int MAX_TERMS = 32;
    /** Words that say nothing about a problem; left out so "my" or "the" match nothing by themselves. */
    private static final Set<String> STOP_WORDS = Set.of("a", "an", "and", "are", "as", "at", "be", "but", "by",
            "can", "do", "does", "for", "from", "has", "have", "i", "in", "is", "it", "its", "me", "my", "no", "not",
            "of", "on", "or", "so", "that", "the", "then", "there", "this", "to", "was", "we", "when", "with", "you",
            "your");

    private final DataSource dataSource;
    private final boolean sqlite;

    public ArticleStore(DataSource dataSource, boolean sqlite) {
        this.dataSource = dataSource;
        this.sqlite = sqlite;
    }

    /** One search result: the article's current version and its rank (higher is closer). */
    public record Hit(String id, int version, String title, String symptoms, String audience, List<String> tags,
                      double rank) {}

    /** What a search asks for; {@code query} may be null to list by recency. */
    public record Query(String query, String tag, String audience, int limit) {}

    // ------------------------------------------------------------------ writes

    public Article publish(String id, Article.Content content, Actor author, String ticket, String session, long now)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO kb_articles (id, current_version, audience, "
                        + "ticket_id, session_id, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, content.audience());
                    ps.setString(3, ticket);
                    ps.setString(4, session);
                    ps.setLong(5, now);
                    ps.setLong(6, now);
                    ps.executeUpdate();
                }
                writeVersion(c, id, 1, content, author, now);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return find(id);
    }

    /**
     * Adds a version; {@code null} when there is no such article.
     *
     * @throws IllegalStateException when the article is retired
     */
    public Article edit(String id, Article.Content content, Actor author, long now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Integer current = null;
                boolean retired = false;
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT current_version, retired_at FROM kb_articles WHERE id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            current = rs.getInt(1);
                            rs.getLong(2);
                            retired = !rs.wasNull();
                        }
                    }
                }
                if (current == null) {
                    c.rollback();
                    return null;
                }
                if (retired) {
                    c.rollback();
                    throw new IllegalStateException("article " + id + " is retired; it can no longer be edited");
                }
                int version = current + 1;
                try (PreparedStatement ps = c.prepareStatement("UPDATE kb_articles SET current_version = ?, "
                        + "audience = ?, updated_at = ? WHERE id = ? AND current_version = ?")) {
                    ps.setInt(1, version);
                    ps.setString(2, content.audience());
                    ps.setLong(3, now);
                    ps.setString(4, id);
                    ps.setInt(5, current);
                    if (ps.executeUpdate() != 1) {
                        throw new IllegalStateException("article " + id + " was edited at the same time; try again");
                    }
                }
                writeVersion(c, id, version, content, author, now);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        return find(id);
    }

    /** Retires an article: kept with its history, found by no search. {@code false} when there is none. */
    public boolean retire(String id, Actor by, long now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int updated;
                try (PreparedStatement ps = c.prepareStatement("UPDATE kb_articles SET retired_at = ?, retired_by = ? "
                        + "WHERE id = ? AND retired_at IS NULL")) {
                    ps.setLong(1, now);
                    ps.setString(2, by.id());
                    ps.setString(3, id);
                    updated = ps.executeUpdate();
                }
                deleteIndexed(c, id);
                boolean exists = updated == 1;
                if (!exists) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM kb_articles WHERE id = ?")) {
                        ps.setString(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            exists = rs.next();
                        }
                    }
                }
                c.commit();
                return exists;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void writeVersion(Connection c, String id, int version, Article.Content content, Actor author, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kb_article_versions (article_id, version, title, "
                + "symptoms, cause, fix_steps, tags, audience, author_id, author_name, author_tier, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setInt(2, version);
            ps.setString(3, content.title());
            ps.setString(4, content.symptoms());
            ps.setString(5, content.cause());
            ps.setString(6, json(content.fixSteps()));
            ps.setString(7, json(content.tags()));
            ps.setString(8, content.audience());
            ps.setString(9, author.id());
            ps.setString(10, author.name());
            if (author.tier() == null) {
                ps.setNull(11, Types.VARCHAR);
            } else {
                ps.setString(11, author.tier().name());
            }
            ps.setLong(12, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM kb_article_tags WHERE article_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kb_article_tags (article_id, tag) VALUES (?, ?)")) {
            for (String tag : new LinkedHashSet<>(content.tags())) {
                ps.setString(1, id);
                ps.setString(2, tag);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        deleteIndexed(c, id);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO kb_search (article_id, title, symptoms, cause, fix, "
                + "tags) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, content.title());
            ps.setString(3, content.symptoms());
            ps.setString(4, content.cause());
            ps.setString(5, String.join("\n", content.fixSteps()));
            ps.setString(6, String.join(" ", content.tags()));
            ps.executeUpdate();
        }
    }

    private static void deleteIndexed(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM kb_search WHERE article_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ reads

    /** The article with every version, or {@code null}. */
    public Article find(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String audience;
            String ticket;
            String session;
            long created;
            long updated;
            Long retiredAt;
            String retiredBy;
            try (PreparedStatement ps = c.prepareStatement("SELECT audience, ticket_id, session_id, created_at, "
                    + "updated_at, retired_at, retired_by FROM kb_articles WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    audience = rs.getString(1);
                    ticket = rs.getString(2);
                    session = rs.getString(3);
                    created = rs.getLong(4);
                    updated = rs.getLong(5);
                    long retired = rs.getLong(6);
                    retiredAt = rs.wasNull() ? null : retired;
                    retiredBy = rs.getString(7);
                }
            }
            List<Article.Version> versions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT version, title, symptoms, cause, fix_steps, tags, "
                    + "audience, author_id, author_name, author_tier, created_at FROM kb_article_versions "
                    + "WHERE article_id = ? ORDER BY version")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(new Article.Version(rs.getInt(1), new Article.Content(rs.getString(2),
                                rs.getString(3), rs.getString(4), list(rs.getString(5)), list(rs.getString(6)),
                                rs.getString(7)), rs.getString(8), rs.getString(9), rs.getString(10), rs.getLong(11)));
                    }
                }
            }
            return new Article(id, audience, ticket, session, created, updated, retiredAt, retiredBy, versions);
        }
    }

    /**
     * Live articles matching {@code query}, best first; any of its words may match, articles
     * matching more of them (and in the title or symptoms rather than elsewhere) rank higher.
     * Without words it lists the most recently updated.
     */
    public List<Hit> search(Query query) throws SQLException {
        List<String> terms = terms(query.query());
        boolean fullText = !terms.isEmpty();
        if (query.query() != null && !fullText) {
            return List.of(); // only stop words or punctuation: nothing to look for
        }
        StringBuilder sql = new StringBuilder("SELECT a.id, v.version, v.title, v.symptoms, a.audience, v.tags, ");
        List<Object> args = new ArrayList<>();
        if (!fullText) {
            sql.append("0.0 AS score FROM kb_articles a ");
        } else if (sqlite) {
            // bm25 is lower for better matches; weights: article_id, title, symptoms, cause, fix, tags
            sql.append("-bm25(kb_search, 0.0, 8.0, 8.0, 2.0, 2.0, 4.0) AS score FROM kb_search "
                    + "JOIN kb_articles a ON a.id = kb_search.article_id ");
        } else {
            sql.append("ts_rank(s.document, to_tsquery('english', ?)) AS score FROM kb_search s "
                    + "JOIN kb_articles a ON a.id = s.article_id ");
            args.add(String.join(" | ", terms));
        }
        sql.append("JOIN kb_article_versions v ON v.article_id = a.id AND v.version = a.current_version "
                + "WHERE a.retired_at IS NULL");
        if (fullText && sqlite) {
            sql.append(" AND kb_search MATCH ?");
            args.add(String.join(" OR ", terms.stream().map(t -> '"' + t + '"').toList()));
        } else if (fullText) {
            sql.append(" AND s.document @@ to_tsquery('english', ?)");
            args.add(String.join(" | ", terms));
        }
        if (query.audience() != null) {
            sql.append(" AND a.audience = ?");
            args.add(query.audience());
        }
        if (query.tag() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM kb_article_tags t WHERE t.article_id = a.id AND t.tag = ?)");
            args.add(query.tag());
        }
        sql.append(fullText ? " ORDER BY score DESC, a.updated_at DESC, a.id" : " ORDER BY a.updated_at DESC, a.id");
        sql.append(" LIMIT ?");
        args.add(query.limit());
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<Hit> hits = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(new Hit(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            list(rs.getString(6)), rs.getDouble(7)));
                }
            }
            return hits;
        }
    }

    /** The words of a free-text query, lower-cased, without stop words; safe to quote into either engine's syntax. */
    static List<String> terms(String text) {
        if (text == null) {
            return List.of();
        }
        Set<String> terms = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find() && terms.size() < MAX_TERMS) {
            String word = m.group();
            if (word.length() > 1 && !STOP_WORDS.contains(word)) {
                terms.add(word);
            }
        }
        return List.copyOf(terms);
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored article field is not a JSON list", e);
        }
    }
}
