package dev.tierline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.security.DevTokenIssuer;
import io.netty.channel.Channel;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tierline, started from its jar as its own process with a fresh data directory, driven over the
 * protocol: a technician creates each session, invites colleagues (who join with the invitation),
 * the end user joins with the session key, and everyone chats.
 */
final class TierlineTarget implements Target {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String mode;
    private final ServerProcess process;
    private final URI uri;
    private final Path dataDir;
    private final WsConnections connections = new WsConnections();
    private final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Refusals refusals = new Refusals();
    private Channel[][] channels;
    private String[] sessionIds;
    /** The newest seq each participant has seen, and the token it said hello with (for the resume measurement). */
    private long[][] lastSeq;
    private String[][] tokensOf;
    private volatile CompletableFuture<Void> resumed;
    private volatile long resumeTarget;
    private AutoCloseable afterClose = () -> { };

    TierlineTarget(String serverJar, int port, String mode, Map<String, String> extraEnv) throws Exception {
        this.mode = mode;
        this.dataDir = Files.createTempDirectory("tierline-bench-" + mode);
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("TIERLINE_RECORDING_MODE", mode.startsWith("async") ? "async" : "strict");
        env.put("TIERLINE_LIMITS_MAX_OPEN_SESSIONS_PER_TECHNICIAN", "100000");
        // Every bench client comes from 127.0.0.1 and the peers enforce no rates: lift the per-address
        // and per-connection limits so the relay itself is what is measured.
        env.put("TIERLINE_LIMITS_CONNECTIONS_PER_ADDRESS", "1000000");
        env.put("TIERLINE_LIMITS_MESSAGES_PER_SECOND", "1000000");
        env.put("TIERLINE_LIMITS_MESSAGE_BURST", "1000000");
        env.put("TIERLINE_LOG_LEVEL", "warn");
        this.process = ServerProcess.start(List.of(ServerProcess.java(), "-Xmx2g", "-jar", serverJar, "serve", "--port",
                Integer.toString(port), "--data-dir", dataDir.toString()), env, "listening on");
        this.uri = URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    @Override
    public String name() {
        return "tierline " + mode;
    }

    @Override
    public void connect(int sessions, int participants, Sink sink) throws Exception {
        DevTokenIssuer tokens = DevTokenIssuer.open(dataDir);
        channels = new Channel[sessions][participants];
        sessionIds = new String[sessions];
        lastSeq = new long[sessions][participants];
        tokensOf = new String[sessions][participants];
        List<CompletableFuture<Void>> setups = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            setups.add(setUp(s, participants, sink, tokens));
        }
        CompletableFuture.allOf(setups.toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> setUp(int s, int participants, Sink sink, DevTokenIssuer tokens) {
        String owner = tokens.mint(new Actor("t-owner-" + s, "Owner", Role.TECHNICIAN, Tier.L1), Duration.ofHours(2));
        tokensOf[s][0] = owner;
        return open(s, 0, sink).thenCompose(ch -> command(ch, "hello", null, Map.of("token", owner)))
                .thenCompose(w -> command(channels[s][0], "session.create", null, Map.of("ticket", "T-" + s, "title", "bench")))
                .thenCompose(created -> {
                    String session = created.path("body").path("session").asText();
                    String key = created.path("body").path("key").asText();
                    sessionIds[s] = session;
                    CompletableFuture<Void> all = open(s, 1, sink)
                            .thenCompose(ch -> command(ch, "hello", null, Map.of("key", key, "name", "User")))
                            .thenCompose(w -> command(channels[s][1], "session.join", session, Map.of("key", key)))
                            .thenApply(r -> null);
                    for (int p = 2; p < participants; p++) {
                        int participant = p;
                        String token = tokens.mint(new Actor("t-" + s + "-" + p, "Tech", Role.TECHNICIAN, Tier.L2),
                                Duration.ofHours(2));
                        tokensOf[s][p] = token;
                        all = all.thenCompose(v -> command(channels[s][0], "invite.create", session,
                                        Map.of("tier", "L2", "ttlSeconds", 3600)))
                                .thenCompose(invite -> open(s, participant, sink)
                                        .thenCompose(ch -> command(ch, "hello", null, Map.of("token", token)))
                                        .thenCompose(w -> command(channels[s][participant], "session.join", session,
                                                Map.of("invite", invite.path("body").path("token").asText()))))
                                .thenApply(r -> null);
                    }
                    return all;
                });
    }

    private CompletableFuture<Channel> open(int s, int p, Sink sink) {
        return connections.open(uri, text -> receive(s, p, text, sink)).thenApply(ch -> {
            channels[s][p] = ch;
            return ch;
        });
    }

    /** Chat goes to the workload; replies during setup complete their commands; the rest is ignored. */
    private void receive(int s, int p, String text, Sink sink) {
        int seqAt = text.indexOf("\"seq\":");
        if (seqAt >= 0) {
            int end = seqAt + 6;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            long seq = Long.parseLong(text, seqAt + 6, end, 10);
            lastSeq[s][p] = Math.max(lastSeq[s][p], seq);
            CompletableFuture<Void> waiting = resumed;
            if (waiting != null && s == 0 && p == RESUMER && seq >= resumeTarget) {
                waiting.complete(null);
            }
        }
        int at = text.indexOf("\"type\":\"chat.message\"");
        if (at >= 0) {
            // keys in any order: a live event's come sorted (its canonical JSON), body before type
            int start = text.indexOf("\"text\":\"") + 8;
            sink.onMessage(s, p, text.substring(start, text.indexOf('"', start)));
            return;
        }
        boolean error = text.startsWith("{\"v\":1,\"type\":\"error\"");
        if (error || text.startsWith("{\"v\":1,\"type\":\"ack\"") || text.startsWith("{\"v\":1,\"type\":\"welcome\"")) {
            int re = text.indexOf("\"re\":\"") + 6;
            String id = text.substring(re, text.indexOf('"', re));
            if (error && id.startsWith("m")) { // a chat.send of the workload's: "m<sender>|<seq>"
                refusals.count(text);
                int bar = id.indexOf('|');
                sink.onRefused(Integer.parseInt(id, 1, bar, 10), Integer.parseInt(id, bar + 1, id.length(), 10));
                return;
            }
            CompletableFuture<JsonNode> waiting = replies.remove(id);
            if (waiting != null) {
                try {
                    waiting.complete(JSON.readTree(text));
                } catch (java.io.IOException e) {
                    waiting.completeExceptionally(e);
                }
            }
        }
    }

    @Override
    public Map<String, Long> refusals() {
        return refusals.counts();
    }

    private CompletableFuture<JsonNode> command(Channel ch, String type, String session, Map<String, Object> body) {
        String id = "s" + ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        var envelope = JSON.createObjectNode().put("v", 1).put("id", id).put("type", type);
        if (session != null) {
            envelope.put("session", session);
        }
        envelope.set("body", JSON.valueToTree(body));
        WsConnections.send(ch, envelope.toString());
        return reply.thenApply(r -> {
            if (r.path("type").asText().equals("error")) {
                throw new IllegalStateException(type + " refused: " + r);
            }
            return r;
        });
    }

    @Override
    public void publish(int session, int participant, String payload) {
        // Acks are not awaited: the workload counts deliveries. The id is the payload's sender and
        // seq, unique in the run, so that a refusal names the message whose deliveries will not come.
        String senderAndSeq = payload.substring(0, payload.indexOf('|', payload.indexOf('|') + 1));
        WsConnections.send(channels[session][participant], "{\"v\":1,\"id\":\"m" + senderAndSeq
                + "\",\"type\":\"chat.send\",\"session\":\"" + sessionIds[session] + "\",\"body\":{\"text\":\""
                + payload + "\"}}");
    }

    private static final int RESUMER = 3;

    /**
     * A technician of session 0 drops; the owner records {@code missed} chat messages; the
     * technician reconnects, says hello and resumes from the last seq it saw. Returns the time from
     * sending that resume to having every missed event.
     */
    Duration resumeAfter(int missed) throws Exception {
        Channel old = channels[0][RESUMER];
        long seen = lastSeq[0][RESUMER];
        old.close().sync();
        List<CompletableFuture<JsonNode>> acks = new ArrayList<>();
        for (int i = 0; i < missed; i++) {
            acks.add(command(channels[0][0], "chat.send", sessionIds[0], Map.of("text", "missed " + i)));
            if (acks.size() % 200 == 0) {
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join(); // stay inside the rate limit window
            }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        resumeTarget = lastSeq[0][0];
        Channel fresh = open(0, RESUMER, (s, r, payload) -> { }).join();
        command(fresh, "hello", null, Map.of("token", tokensOf[0][RESUMER])).join();
        resumed = new CompletableFuture<>();
        long t0 = System.nanoTime();
        command(fresh, "session.join", sessionIds[0], Map.of("resumeFrom", seen));
        resumed.get(60, java.util.concurrent.TimeUnit.SECONDS);
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Override
    public String startLine() {
        return process.readyLine();
    }

    @Override
    public long serverPid() {
        return process.pid();
    }

    URI metricsUri() {
        return URI.create("http://127.0.0.1:" + uri.getPort() + "/metrics");
    }

    Path dataDir() {
        return dataDir;
    }

    /** Something to close once the server has stopped (its PostgreSQL schema). */
    void afterClose(AutoCloseable resource) {
        this.afterClose = resource;
    }

    @Override
    public void close() throws Exception {
        try (AutoCloseable after = afterClose) {
            connections.close();
            process.close();
        } finally {
            TempDirs.delete(dataDir);
        }
    }
}
