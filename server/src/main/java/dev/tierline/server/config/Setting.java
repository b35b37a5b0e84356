package dev.tierline.server.config;

/**
 * Every setting: its key in the YAML file, its environment variable, its default and what it
 * means. The README's configuration table is checked against this list by a test.
 */
public enum Setting {
    HOST("host", "127.0.0.1", "address to listen on"),
    PORT("port", "8420", "port for WebSocket (/ws) and HTTP; 0 picks a free one"),
    DATA_DIR("dataDir", "./data", "where the server keeps its data and keys"),
    DEV_MODE("devMode", "true", "trust tokens minted by the `token` command with the local development key"),
    IO_THREADS("ioThreads", "0", "Netty event loop threads; 0 means twice the cores"),
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
    JOURNAL_MAX_WAIT("journal.maxWait", "PT0S", "how long the writer waits to fill a batch; 0 commits whatever is queued at once"),
    JOURNAL_QUEUE_CAPACITY("journal.queueCapacity", "65536", "commands waiting for the journal at most; past it, recorded commands get unavailable");

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
