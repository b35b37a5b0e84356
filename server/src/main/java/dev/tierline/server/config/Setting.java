package dev.tierline.server.config;

import dev.tierline.server.session.Redaction;

/**
 * Every setting: its key in the YAML file, its environment variable, its default and what it
 * means. The README's configuration table is checked against this list by a test.
 */
public enum Setting {
    HOST("host", "127.0.0.1", "address to listen on"),
    PORT("port", "8420", "port for WebSocket (/ws) and HTTP; 0 picks a free one"),
    DATA_DIR("dataDir", "./data", "where the server keeps its data and keys"),
    DEV_MODE("devMode", "true", "trust tokens minted by the `token` command with the local development key"),
    IO_THREADS("ioThreads", "0", "Netty event loop threads; 0 means one per core"),
    IO_TRANSPORT("ioTransport", "auto", "auto: Netty's native epoll transport where it loads (Linux x86_64), NIO elsewhere; epoll: epoll or fail to start; nio: NIO"),
    MAX_FRAME_BYTES("limits.maxFrameBytes", "65536", "largest frame accepted; up to 4x larger is refused with too_large, beyond that the connection closes"),
    MAX_PARTICIPANTS("limits.maxParticipants", "16", "participants present in one session at most"),
    MAX_SESSIONS("limits.maxSessions", "20000", "open sessions on this node at most"),
    MAX_OPEN_SESSIONS_PER_TECHNICIAN("limits.maxOpenSessionsPerTechnician", "20", "open sessions one technician may be in at once"),
    MAX_QUEUE_LENGTH("limits.maxQueueLength", "200", "requests waiting in one topic's queue at most"),
    HELLO_TIMEOUT("limits.helloTimeout", "PT10S", "a connection that has not said hello by then is closed"),
    RECONNECT_GRACE("session.reconnectGrace", "PT30S", "how long a dropped participant may come back before it has left"),
    SESSION_KEY_TTL("session.keyTtl", "PT2H", "how long an unused end-user session key stays valid"),
    OUTBOUND_HIGH_WATER_BYTES("limits.outboundHighWaterBytes", "4194304", "unsent bytes for one connection before it is closed as a slow reader"),
    MAX_CONSECUTIVE_ERRORS("limits.maxConsecutiveErrors", "50", "error replies in a row before the connection is closed as a protocol violation"),
    SESSION_IDLE_TIMEOUT("session.idleTimeout", "PT4H", "a session with no command for this long is ended by the server (outcome abandoned)"),
    RECORDING_MODE("recording.mode", "strict", "strict: an event reaches anyone only once it is durable; async: fan out first, record right after"),
    JOURNAL_URL("journal.url", "", "JDBC URL of the journal; empty means the SQLite file tierline.db in the data directory"),
    JOURNAL_USER("journal.user", "", "database user (PostgreSQL)"),
    JOURNAL_PASSWORD("journal.password", "", "database password (PostgreSQL); prefer the environment variable"),
    JOURNAL_POOL_SIZE("journal.poolSize", "4", "database connections: one writer, the rest for the auditor API"),
    JOURNAL_BATCH_SIZE("journal.batchSize", "1000", "events committed in one transaction at most (group commit)"),
    JOURNAL_MAX_WAIT("journal.maxWait", "PT0.0005S", "how long the writer waits to fill a batch while commits have company (the last one held more than one command): a third less CPU per message at 5,000 messages/s, for about 0.4 ms more at the median; 0 never waits"),
    JOURNAL_ASYNC_MAX_WAIT("journal.asyncMaxWait", "PT0.005S", "the same in async recording mode, where no event waits for its commit: fewer, larger commits cost less CPU"),
    JOURNAL_QUEUE_CAPACITY("journal.queueCapacity", "65536", "commands waiting for the journal at most; past it, recorded commands get unavailable"),
    SHUTDOWN_TIMEOUT("shutdownTimeout", "PT20S", "on SIGTERM: how long to end live sessions, tell clients and flush the journal before exiting anyway"),
    LOG_FORMAT("log.format", "text", "text: one readable line per event; json: one JSON object per line"),
    LOG_LEVEL("log.level", "info", "error, warn, info or debug"),
    PUBLIC_URL("publicUrl", "", "how auditors reach this server, for the transcript link in ticket comments; empty: http(s)://host:port"),
    TICKETS_RT_URL("tickets.rt.url", "", "Request Tracker's web root (e.g. https://rt.example.com); empty: no RT connector"),
    TICKETS_RT_USER("tickets.rt.user", "", "RT user for basic authentication"),
    TICKETS_RT_PASSWORD("tickets.rt.password", "", "RT password; prefer the environment variable"),
    TICKETS_RT_TOKEN("tickets.rt.token", "", "an RT auth token, instead of user and password"),
    TICKETS_RT_QUEUE("tickets.rt.queue", "General", "RT queue for tickets created for sessions whose ticket id is not an RT number"),
    TICKETS_WEBHOOK_URL("tickets.webhook.url", "", "URL that gets a signed JSON POST per delivery; empty: no webhook"),
    TICKETS_WEBHOOK_SECRET("tickets.webhook.secret", "", "HMAC-SHA256 key for the webhook signature; required with a webhook"),
    TICKETS_TIMEOUT("tickets.timeout", "PT10S", "connect and response timeout for one delivery attempt"),
    TICKETS_RETRY_BASE("tickets.retryBase", "PT2S", "first retry delay of a failed delivery; doubles per attempt, with jitter"),
    TICKETS_RETRY_MAX("tickets.retryMax", "PT5M", "longest delay between retries; deliveries are retried until they land"),
    AUTH_ISSUER("auth.issuer", "", "the `iss` of the tokens your identity provider or app backend signs; empty trusts none (dev tokens still work in dev mode)"),
    AUTH_AUDIENCE("auth.audience", "tierline", "the `aud` every token must carry"),
    AUTH_JWKS_FILE("auth.jwksFile", "", "local JWKS file with the issuer's public keys (RSA, EC P-256, Ed25519)"),
    AUTH_PUBLIC_KEYS("auth.publicKeys", "", "comma-separated PEM files (public keys or certificates) of the issuer; several keys at once for rotation"),
    AUTH_CLOCK_SKEW("auth.clockSkew", "PT30S", "tolerance on token expiry and not-before"),
    TLS_ENABLED("tls.enabled", "false", "serve wss:// and https:// instead of ws:// and http://"),
    TLS_CERT_FILE("tls.certFile", "", "PEM certificate chain; empty in dev mode: a self-signed certificate is made at start"),
    TLS_KEY_FILE("tls.keyFile", "", "PEM private key (PKCS#8) of the certificate"),
    MESSAGES_PER_SECOND("limits.messagesPerSecond", "50", "frames one connection may send per second, on average (token bucket); over it they get rate_limited"),
    MESSAGE_BURST("limits.messageBurst", "200", "frames one connection may send at once before the rate applies"),
    RATE_LIMITED_BEFORE_CLOSE("limits.rateLimitedBeforeClose", "200", "rate_limited replies to one connection, without it slowing down to refill its bucket, before it is closed"),
    CONNECTIONS_PER_ADDRESS("limits.connectionsPerAddress", "256", "open connections from one client address at most"),
    PING_INTERVAL("limits.pingInterval", "PT30S", "a connection silent this long gets a WebSocket ping; silent twice as long, it is closed"),
    ALLOWED_ORIGINS("limits.allowedOrigins", "", "comma-separated browser origins allowed to open /ws besides the server's own; * allows any"),
    KEY_GUESSES_PER_MINUTE("limits.keyGuessesPerMinute", "10", "wrong session keys one address may try per minute before hello is rate_limited"),
    MAX_JSON_DEPTH("limits.maxJsonDepth", "16", "deepest JSON nesting a frame may have"),
    MAX_STRING_LENGTH("limits.maxStringLength", "65536", "longest JSON string in a frame, in characters"),
    REDACT_PATTERNS("recording.redactPatterns", Redaction.DEFAULT_RULES, "regular expressions masked in chat before it is relayed and recorded, one per line (a YAML list in the file); a group named secret masks just that part; empty turns redaction off");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    /** {@code limits.maxFrameBytes} becomes {@code TIERLINE_LIMITS_MAX_FRAME_BYTES}. */
    public String envVar() {
        return "TIERLINE_" + key.replace('.', '_').replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
