package dev.tierline.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.server.knowledge.ArticleStore;
import dev.tierline.server.ops.ServiceDeskFigures;
import dev.tierline.server.tickets.Delivery;
import dev.tierline.server.tickets.OutboxStore;
import dev.tierline.server.recording.EntryCodec;
import dev.tierline.server.recording.JournalStore;
import dev.tierline.server.recording.TranscriptFormats;
import dev.tierline.server.recording.TranscriptSigner;
import dev.tierline.server.recording.TranscriptVerifier;
import dev.tierline.server.security.AuthenticationException;
import dev.tierline.server.security.Authenticator;
import dev.tierline.server.security.DevTokenIssuer;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api}: public transcript-signing keys, ticket history, the
 * auditor's session search, transcripts and verification, and knowledge articles ({@link ArticleRoutes}). Requests run on a small pool of their
 * own, so database reads never block an event loop.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_PAGE = 500;

    private final JournalStore store;
    private final TranscriptSigner signer;
    private final Authenticator authenticator;
    private final ProtocolCodec codec;
    private final OutboxStore outbox;
    private final DevTokenIssuer devTokens;
    private final ObjectMapper json = new ObjectMapper();
    private final ArticleRoutes articles;
    private final ExecutorService executor;

    public HttpApi(JournalStore store, TranscriptSigner signer, Authenticator authenticator, ProtocolCodec codec,
                   OutboxStore outbox, ArticleStore articles, DevTokenIssuer devTokens, int threads) {
        this.articles = new ArticleRoutes(articles, store, json);
        this.devTokens = devTokens;
        this.codec = codec;
        this.outbox = outbox;
        this.store = store;
        this.signer = signer;
        this.authenticator = authenticator;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tierline-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public boolean handles(String path) {
        return path.startsWith("/api/");
    }

    /** Answers on the API pool; the request is retained until then. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        request.retain();
        try {
            executor.execute(() -> {
                try {
                    send(ctx, request, route(request));
                } catch (RuntimeException e) {
                    log.error("API request {} failed", request.uri(), e);
                    send(ctx, request, Response.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", "internal error"));
                } finally {
                    request.release();
                }
            });
        } catch (RejectedExecutionException e) {
            request.release();
            send(ctx, request, Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "shutting down"));
        }
    }

    record Response(HttpResponseStatus status, String contentType, byte[] body) {
        static Response json(HttpResponseStatus status, Object body, ObjectMapper mapper) {
            try {
                return new Response(status, "application/json", mapper.writeValueAsBytes(body));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Response text(String contentType, String body) {
            return new Response(HttpResponseStatus.OK, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        static Response error(HttpResponseStatus status, String code, String message) {
            String body = JsonNodeFactory.instance.objectNode().put("code", code).put("message", message).toString();
            return new Response(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private Response route(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String[] parts = uri.path().substring("/api/".length()).split("/");
        if (parts.length == 2 && parts[0].equals("dev") && parts[1].equals("tokens")) {
            return devToken(request);
        }
        if (ArticleRoutes.handles(parts)) {
            return articles(request, uri, parts);
        }
        if (!request.method().equals(HttpMethod.GET)) {
            return Response.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request", "only GET is served here");
        }
        if (parts.length == 1 && parts[0].equals("keys")) {
            return keys();
        }
        Actor actor;
        try {
            actor = authenticate(request);
        } catch (AuthenticationException e) {
            return Response.error(HttpResponseStatus.UNAUTHORIZED, "unauthenticated", e.getMessage());
        }
        try {
            if (parts.length == 3 && parts[0].equals("tickets") && parts[2].equals("history")) {
                return history(actor, parts[1]);
            }
            if (parts.length == 1 && parts[0].equals("figures")) {
                return figures(actor, uri.parameters());
            }
            if (actor.role() != Role.AUDITOR) {
                return Response.error(HttpResponseStatus.FORBIDDEN, "forbidden", "auditors only");
            }
            if (parts.length == 1 && parts[0].equals("sessions")) {
                return search(uri.parameters());
            }
            if (parts.length == 1 && parts[0].equals("deliveries")) {
                return deliveries(uri.parameters());
            }
            if (parts.length == 3 && parts[0].equals("sessions") && parts[2].equals("transcript")) {
                return transcript(parts[1], format(request, uri.parameters()));
            }
            if (parts.length == 4 && parts[0].equals("sessions") && parts[2].equals("transcript") && parts[3].equals("verify")) {
                return verify(parts[1]);
            }
        } catch (SQLException e) {
            log.error("journal read failed for {}", request.uri(), e);
            return Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "the journal cannot be read now");
        } catch (IllegalArgumentException e) {
            return Response.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
        return Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no route " + uri.path());
    }

    /** Knowledge articles: technicians read, search, publish, edit and retire them (GET, POST, PUT). */
    private Response articles(FullHttpRequest request, QueryStringDecoder uri, String[] parts) {
        try {
            return articles.route(request, parts, uri.parameters(), authenticate(request));
        } catch (AuthenticationException e) {
            return Response.error(HttpResponseStatus.UNAUTHORIZED, "unauthenticated", e.getMessage());
        } catch (SQLException e) {
            log.error("knowledge base access failed for {}", request.uri(), e);
            return Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the knowledge base cannot be read or written now");
        } catch (IllegalArgumentException e) {
            return Response.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
    }

    /**
     * Dev mode only: {@code POST /api/dev/tokens {"role":"technician","tier":"L2","name":"Ann"}} mints a
     * development token, so the console's start page can offer one-click sign-in for every role.
     * Without dev mode the route does not exist.
     */
    private Response devToken(FullHttpRequest request) {
        if (devTokens == null) {
            return Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no route /api/dev/tokens (dev mode is off)");
        }
        if (!request.method().equals(HttpMethod.POST)) {
            return Response.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_request", "use POST");
        }
        try {
            JsonNode body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
            String name = body.path("name").asText("").strip();
            if (name.isEmpty() || name.length() > 80) {
                throw new IllegalArgumentException("name must be 1-80 characters");
            }
            Role role = Role.fromWire(body.path("role").asText());
            if (role == Role.SYSTEM) {
                throw new IllegalArgumentException("role must be technician, end_user or auditor");
            }
            String tier = body.path("tier").asText(null);
            String id = body.path("id").asText(role.wire().charAt(0) + "-"
                    + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            Actor actor = new Actor(id, name, role, tier == null || tier.isEmpty() ? null : dev.tierline.protocol.Tier.parse(tier));
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("token", devTokens.mint(actor, java.time.Duration.ofHours(8)));
            out.set("actor", json.valueToTree(actor));
            return Response.json(HttpResponseStatus.OK, out, json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Response.error(HttpResponseStatus.BAD_REQUEST, "bad_request", "body must be JSON");
        } catch (IllegalArgumentException | dev.tierline.protocol.ProtocolException e) {
            return Response.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
        }
    }

    private Actor authenticate(FullHttpRequest request) throws AuthenticationException {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AuthenticationException("send Authorization: Bearer <token>");
        }
        return authenticator.bearer(header.substring(7).trim());
    }

    private Response keys() {
        ArrayNode keys = JsonNodeFactory.instance.arrayNode();
        signer.publicKeys().forEach((id, key) -> keys.addObject().put("kid", id).put("alg", "Ed25519")
                .put("active", id.equals(signer.activeKeyId()))
                .put("publicKey", java.util.Base64.getEncoder().encodeToString(key))
                .put("pem", TranscriptSigner.toPem(key)));
        return Response.json(HttpResponseStatus.OK, JsonNodeFactory.instance.objectNode().set("keys", keys), json);
    }

    /** Auditors read any ticket's history; technicians only that of tickets they worked on. */
    private Response history(Actor actor, String ticket) throws SQLException {
        boolean allowed = actor.role() == Role.AUDITOR
                || actor.role() == Role.TECHNICIAN && store.tookPartIn(ticket, actor.id());
        if (!allowed) {
            return Response.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "auditors, and technicians who worked on this ticket, only");
        }
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        for (JournalStore.HistoryRow row : store.history(ticket)) {
            try {
                entries.add(json.readTree(row.entry()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("stored history entry is unreadable", e);
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("ticket", ticket);
        body.set("entries", entries);
        return Response.json(HttpResponseStatus.OK, body, json);
    }

    /**
     * Service-desk figures for sessions opened in [from, to) (default: the last 30 days), folded
     * from their recorded events: the same fold the live meters use. For leads: auditors and
     * L1-L3 technicians.
     */
    private Response figures(Actor actor, Map<String, List<String>> query) throws SQLException {
        boolean allowed = actor.role() == Role.AUDITOR || actor.isTechnician() && actor.tier().isInternal();
        if (!allowed) {
            return Response.error(HttpResponseStatus.FORBIDDEN, "forbidden", "auditors and L1-L3 technicians only");
        }
        Long to = time(query, "to");
        Long from = time(query, "from");
        long toMillis = to == null ? System.currentTimeMillis() : to;
        long fromMillis = from == null ? toMillis - java.time.Duration.ofDays(30).toMillis() : from;
        ServiceDeskFigures figures = ServiceDeskFigures.report();
        int offset = 0;
        List<JournalStore.SessionRow> page;
        do {
            page = store.search(null, null, fromMillis, toMillis, MAX_PAGE, offset);
            for (JournalStore.SessionRow row : page) {
                for (JournalStore.Entry entry : store.entries(row.id())) {
                    figures.accept(EntryCodec.event(entry, codec));
                }
            }
            offset += page.size();
        } while (page.size() == MAX_PAGE);
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("from", Instant.ofEpochMilli(fromMillis).toString()).put("to", Instant.ofEpochMilli(toMillis).toString());
        body.setAll(figures.toJson());
        return Response.json(HttpResponseStatus.OK, body, json);
    }

    /** Deliveries to ticket systems and webhooks: {@code state=stuck} (default), {@code pending} or {@code delivered}. */
    private Response deliveries(Map<String, List<String>> query) throws SQLException {
        String state = param(query, "state") == null ? "stuck" : param(query, "state");
        int limit = intParam(query, "limit", 100);
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (Delivery d : outbox.list(state, limit)) {
            ObjectNode row = rows.addObject().put("id", d.id()).put("sink", d.sink()).put("kind", d.kind())
                    .put("ticket", d.ticket()).put("session", d.session())
                    .put("createdAt", Instant.ofEpochMilli(d.createdAt()).toString()).put("attempts", d.attempts());
            if (d.deliveredAt() != null) {
                row.put("deliveredAt", Instant.ofEpochMilli(d.deliveredAt()).toString());
                if (d.externalRef() != null) {
                    row.put("externalRef", d.externalRef());
                }
            } else {
                row.put("nextAttemptAt", Instant.ofEpochMilli(d.nextAttemptAt()).toString());
                if (d.lastError() != null) {
                    row.put("lastError", d.lastError());
                }
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("state", state);
        body.set("deliveries", rows);
        return Response.json(HttpResponseStatus.OK, body, json);
    }

    private Response search(Map<String, List<String>> query) throws SQLException {
        int limit = intParam(query, "limit", 50);
        int offset = intParam(query, "offset", 0);
        if (limit < 1 || limit > MAX_PAGE || offset < 0) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE + " and offset >= 0");
        }
        List<JournalStore.SessionRow> rows = store.search(param(query, "ticket"), param(query, "participant"),
                time(query, "from"), time(query, "to"), limit, offset);
        ArrayNode sessions = JsonNodeFactory.instance.arrayNode();
        for (JournalStore.SessionRow row : rows) {
            ObjectNode s = sessions.addObject().put("session", row.id()).put("ticket", row.ticket())
                    .put("title", row.title()).put("openedAt", Instant.ofEpochMilli(row.openedAt()).toString())
                    .put("lastSeq", row.lastSeq()).put("sealed", row.signature() != null);
            if (row.topic() != null) {
                s.put("topic", row.topic());
            }
            if (row.endedAt() != null) {
                s.put("endedAt", Instant.ofEpochMilli(row.endedAt()).toString()).put("outcome", row.outcome());
            }
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("sessions", sessions);
        body.put("limit", limit).put("offset", offset);
        if (rows.size() == limit) {
            body.put("nextOffset", offset + limit);
        }
        return Response.json(HttpResponseStatus.OK, body, json);
    }

    private Response transcript(String session, String format) throws SQLException {
        JournalStore.SessionRow row = store.session(session);
        if (row == null) {
            return Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no recorded session " + session);
        }
        List<JournalStore.Entry> entries = store.entries(session);
        return switch (format) {
            case "text" -> Response.text("text/plain; charset=utf-8", TranscriptFormats.text(entries, row));
            case "html" -> Response.text("text/html; charset=utf-8", TranscriptFormats.html(entries, row));
            default -> Response.text("application/x-ndjson",
                    String.join("\n", TranscriptFormats.jsonLines(entries, row)) + "\n");
        };
    }

    private Response verify(String session) throws SQLException {
        JournalStore.SessionRow row = store.session(session);
        if (row == null) {
            return Response.error(HttpResponseStatus.NOT_FOUND, "not_found", "no recorded session " + session);
        }
        TranscriptVerifier.Result result = TranscriptVerifier.verify(
                TranscriptFormats.jsonLines(store.entries(session), row), signer.publicKeys());
        return Response.json(HttpResponseStatus.OK, Map.of("session", session, "valid", result.valid(),
                "sealed", result.sealed(), "entries", result.entries(), "headHash", result.headHash(),
                "keyId", String.valueOf(result.keyId()), "problems", result.problems()), json);
    }

    /** {@code ?format=} wins; otherwise the Accept header; JSON Lines by default. */
    private static String format(FullHttpRequest request, Map<String, List<String>> query) {
        String format = param(query, "format");
        if (format != null) {
            return switch (format) {
                case "jsonl", "text", "html" -> format;
                default -> throw new IllegalArgumentException("format must be jsonl, text or html");
            };
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT, "");
        return accept.contains("text/html") ? "html" : accept.contains("text/plain") ? "text" : "jsonl";
    }

    private static String param(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }

    private static int intParam(Map<String, List<String>> query, String name, int fallback) {
        String value = param(query, name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
    }

    private static Long time(Map<String, List<String>> query, String name) {
        String value = param(query, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant like 2026-11-22T10:00:00Z");
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, Response response) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                Unpooled.wrappedBuffer(response.body()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(http, keepAlive);
        var written = ctx.writeAndFlush(http);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
