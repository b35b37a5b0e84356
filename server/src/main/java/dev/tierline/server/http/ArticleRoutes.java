package dev.tierline.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Tier;
import dev.tierline.server.knowledge.Article;
import dev.tierline.server.knowledge.ArticleStore;
import dev.tierline.server.recording.JournalStore;
import dev.tierline.server.security.Secrets;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Knowledge articles over REST, for technicians (L4 vendors: public articles, read-only): a draft prefilled from an ended session, publish,
 * edit (a new version), retire, read with every version, and full-text search.
 */
final class ArticleRoutes {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_TITLE = 200;
    private static final int MAX_TEXT = 20_000;
    private static final int MAX_TAGS = 20;
    private static final int MAX_RESULTS = 50;

    private final ArticleStore articles;
    private final JournalStore journal;
    private final ObjectMapper json;

    ArticleRoutes(ArticleStore articles, JournalStore journal, ObjectMapper json) {
        this.articles = articles;
        this.journal = journal;
        this.json = json;
    }

    /** Whether {@code parts} (the path under /api/) is one of these routes. */
    static boolean handles(String[] parts) {
        return parts[0].equals("articles")
                || parts.length == 3 && parts[0].equals("sessions") && parts[2].equals("article-draft");
    }

    HttpApi.Response route(FullHttpRequest request, String[] parts, Map<String, List<String>> query, Actor actor)
            throws SQLException {
        if (!actor.isTechnician()) {
            return HttpApi.Response.error(HttpResponseStatus.FORBIDDEN, "forbidden", "technicians only");
        }
        HttpMethod method = request.method();
        if (actor.tier() == Tier.L4) {
            return outsideSupport(method, parts, query);
        }
        if (parts[0].equals("sessions")) {
            return method.equals(HttpMethod.GET) ? draft(actor, parts[1]) : notAllowed("GET");
        }
        if (parts.length == 1) {
            return method.equals(HttpMethod.GET) ? search(query)
                    : method.equals(HttpMethod.POST) ? publish(actor, body(request)) : notAllowed("GET or POST");
        }
        if (parts.length == 2) {
            return method.equals(HttpMethod.GET) ? read(parts[1])
                    : method.equals(HttpMethod.PUT) ? edit(actor, parts[1], body(request)) : notAllowed("GET or PUT");
        }
        if (parts.length == 3 && parts[2].equals("retire")) {
            return method.equals(HttpMethod.POST) ? retire(actor, parts[1]) : notAllowed("POST");
        }
        return HttpApi.Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no route /api/" + String.join("/", parts));
    }

    /**
     * L4 (outside support) reads and searches public articles only, and does not write: vendors
     * never see the internal knowledge base.
     */
    private HttpApi.Response outsideSupport(HttpMethod method, String[] parts, Map<String, List<String>> query)
            throws SQLException {
        String forbidden = "L4 technicians read and search public articles only";
        if (!method.equals(HttpMethod.GET) || parts[0].equals("sessions") || parts.length > 2
                || "technicians".equals(param(query, "audience"))) {
            return HttpApi.Response.error(HttpResponseStatus.FORBIDDEN, "forbidden", forbidden);
        }
        if (parts.length == 2) {
            Article article = articles.find(parts[1]);
            return article == null || !article.audience().equals("public") ? noArticle(parts[1])
                    : HttpApi.Response.json(HttpResponseStatus.OK, article(article), json);
        }
        Map<String, List<String>> publicOnly = new java.util.HashMap<>(query);
        publicOnly.put("audience", List.of("public"));
        return search(publicOnly);
    }

    /** A draft from an ended session the technician took part in: its title, summary, notes and resolution. */
    private HttpApi.Response draft(Actor actor, String session) throws SQLException {
        JournalStore.SessionRow row = journal.session(session);
        if (row == null) {
            return HttpApi.Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no recorded session " + session);
        }
        if (!journal.tookPartIn(row.ticket(), actor.id())) {
            return HttpApi.Response.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "only technicians who worked on ticket " + row.ticket() + " can draft from its sessions");
        }
        if (row.endedAt() == null) {
            return HttpApi.Response.error(HttpResponseStatus.CONFLICT, "conflict",
                    "session " + session + " has not ended yet");
        }
        String summary = null;
        String resolution = "";
        List<String> notes = new ArrayList<>();
        for (JournalStore.Entry entry : journal.entries(session)) {
            JsonNode body = tree(entry.body());
            switch (entry.type()) {
                case "session.opened" -> summary = body.path("summary").asText(null);
                case "note.added" -> notes.add(body.path("text").asText());
                case "session.ended" -> resolution = body.path("resolution").asText("");
                default -> {
                }
            }
        }
        ObjectNode draft = F.objectNode().put("title", row.title() == null ? row.ticket() : row.title())
                .put("symptoms", summary != null ? summary : row.title() == null ? "" : row.title())
                .put("cause", String.join("\n", notes));
        ArrayNode fix = draft.putArray("fixSteps");
        if (!resolution.isBlank()) {
            fix.add(resolution);
        }
        ArrayNode tags = draft.putArray("tags");
        if (row.topic() != null) {
            tags.add(row.topic().toLowerCase(Locale.ROOT));
        }
        draft.put("audience", "technicians").put("ticket", row.ticket()).put("session", session)
                .put("outcome", row.outcome());
        draft.set("links", links(row.ticket(), session));
        return HttpApi.Response.json(HttpResponseStatus.OK, draft, json);
    }

    private HttpApi.Response publish(Actor actor, JsonNode body) throws SQLException {
        Article.Content content = content(body, null);
        String session = text(body, "session", 64);
        String ticket = null;
        if (session != null) {
            JournalStore.SessionRow row = journal.session(session);
            if (row == null) {
                return HttpApi.Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no recorded session " + session);
            }
            if (row.endedAt() == null) {
                return HttpApi.Response.error(HttpResponseStatus.CONFLICT, "conflict",
                        "session " + session + " has not ended yet");
            }
            if (!journal.tookPartIn(row.ticket(), actor.id())) {
                return HttpApi.Response.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                        "only technicians who worked on ticket " + row.ticket() + " can publish from its sessions");
            }
            ticket = row.ticket();
        }
        Article article = articles.publish(Secrets.id("kb-"), content, actor, ticket, session, System.currentTimeMillis());
        return HttpApi.Response.json(HttpResponseStatus.CREATED, article(article), json);
    }

    private HttpApi.Response edit(Actor actor, String id, JsonNode body) throws SQLException {
        Article existing = articles.find(id);
        if (existing == null) {
            return noArticle(id);
        }
        try {
            Article edited = articles.edit(id, content(body, existing.current().content()), actor,
                    System.currentTimeMillis());
            return edited == null ? noArticle(id) : HttpApi.Response.json(HttpResponseStatus.OK, article(edited), json);
        } catch (IllegalStateException e) {
            return HttpApi.Response.error(HttpResponseStatus.CONFLICT, "conflict", e.getMessage());
        }
    }

    private HttpApi.Response retire(Actor actor, String id) throws SQLException {
        if (!articles.retire(id, actor, System.currentTimeMillis())) {
            return noArticle(id);
        }
        return HttpApi.Response.json(HttpResponseStatus.OK, article(articles.find(id)), json);
    }

    private HttpApi.Response read(String id) throws SQLException {
        Article article = articles.find(id);
        return article == null ? noArticle(id) : HttpApi.Response.json(HttpResponseStatus.OK, article(article), json);
    }

    private HttpApi.Response search(Map<String, List<String>> query) throws SQLException {
        String audience = param(query, "audience");
        if (audience != null && !Article.AUDIENCES.contains(audience)) {
            throw new IllegalArgumentException("audience must be technicians or public");
        }
        String limitText = param(query, "limit");
        int limit;
        try {
            limit = limitText == null ? 20 : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a whole number");
        }
        if (limit < 1 || limit > MAX_RESULTS) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_RESULTS);
        }
        String tag = param(query, "tag");
        List<ArticleStore.Hit> hits = articles.search(new ArticleStore.Query(param(query, "q"),
                tag == null ? null : tag.toLowerCase(Locale.ROOT), audience, limit));
        ArrayNode results = F.arrayNode();
        for (ArticleStore.Hit hit : hits) {
            ObjectNode row = json.valueToTree(dev.tierline.server.knowledge.KnowledgeBase.hit(hit));
            row.put("rank", hit.rank());
            results.add(row);
        }
        ObjectNode body = F.objectNode();
        body.set("results", results);
        return HttpApi.Response.json(HttpResponseStatus.OK, body, json);
    }

    // ------------------------------------------------------------------ JSON in and out

    private ObjectNode article(Article article) {
        Article.Version current = article.current();
        ObjectNode out = F.objectNode().put("id", article.id()).put("version", current.version());
        content(out, current.content());
        out.put("ticket", article.ticket()).put("session", article.session());
        if (article.session() != null) {
            out.set("links", links(article.ticket(), article.session()));
        }
        out.put("createdAt", Instant.ofEpochMilli(article.createdAt()).toString())
                .put("updatedAt", Instant.ofEpochMilli(article.updatedAt()).toString())
                .put("retired", article.retired());
        if (article.retired()) {
            out.put("retiredAt", Instant.ofEpochMilli(article.retiredAt()).toString()).put("retiredBy", article.retiredBy());
        }
        ArrayNode versions = out.putArray("versions");
        for (Article.Version v : article.versions()) {
            ObjectNode row = versions.addObject().put("version", v.version());
            content(row, v.content());
            row.putObject("author").put("id", v.authorId()).put("name", v.authorName()).put("tier", v.authorTier());
            row.put("createdAt", Instant.ofEpochMilli(v.createdAt()).toString());
        }
        return out;
    }

    private static void content(ObjectNode out, Article.Content c) {
        out.put("title", c.title()).put("symptoms", c.symptoms()).put("cause", c.cause());
        c.fixSteps().forEach(out.putArray("fixSteps")::add);
        c.tags().forEach(out.putArray("tags")::add);
        out.put("audience", c.audience());
    }

    private static ObjectNode links(String ticket, String session) {
        return F.objectNode().put("ticketHistory", "/api/tickets/" + ticket + "/history")
                .put("transcript", "/api/sessions/" + session + "/transcript");
    }

    /** The article's fields from a request body; absent fields keep {@code previous}'s (when editing). */
    private static Article.Content content(JsonNode body, Article.Content previous) {
        String title = orPrevious(text(body, "title", MAX_TITLE), previous == null ? null : previous.title(), "title");
        String symptoms = orPrevious(text(body, "symptoms", MAX_TEXT), previous == null ? null : previous.symptoms(),
                "symptoms");
        String cause = text(body, "cause", MAX_TEXT);
        cause = cause != null ? cause : previous == null ? "" : previous.cause();
        List<String> fixSteps = strings(body, "fixSteps", MAX_TEXT, 100);
        fixSteps = fixSteps != null ? fixSteps : previous == null ? null : previous.fixSteps();
        if (fixSteps == null || fixSteps.isEmpty()) {
            throw new IllegalArgumentException("fixSteps must be a non-empty list of steps");
        }
        List<String> tags = strings(body, "tags", 50, MAX_TAGS);
        tags = tags != null ? new ArrayList<>(new LinkedHashSet<>(tags.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList()))
                : previous == null ? List.of() : previous.tags();
        String audience = orPrevious(text(body, "audience", 20), previous == null ? null : previous.audience(), "audience");
        if (!Article.AUDIENCES.contains(audience)) {
            throw new IllegalArgumentException("audience must be technicians or public");
        }
        return new Article.Content(title, symptoms, cause, fixSteps, tags, audience);
    }

    private static String orPrevious(String value, String previous, String field) {
        if (value != null) {
            return value;
        }
        if (previous == null) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return previous;
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        String value = node.asText().strip();
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        return value;
    }

    private static List<String> strings(JsonNode body, String field, int maxLength, int maxCount) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() > maxCount) {
            throw new IllegalArgumentException(field + " must be a list of at most " + maxCount + " strings");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().strip().length() > maxLength) {
                throw new IllegalArgumentException(field + " items must be non-empty strings of at most "
                        + maxLength + " characters");
            }
            values.add(item.asText().strip());
        }
        return values;
    }

    private JsonNode body(FullHttpRequest request) {
        try {
            JsonNode body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("body must be a JSON object");
            }
            return body;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("body must be JSON");
        }
    }

    private JsonNode tree(String text) {
        try {
            return json.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored transcript entry is unreadable", e);
        }
    }

    private static String param(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static HttpApi.Response noArticle(String id) {
        return HttpApi.Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no article " + id);
    }

    private static HttpApi.Response notAllowed(String methods) {
        return HttpApi.Response.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request", "use " + methods);
    }
}
