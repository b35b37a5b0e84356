package dev.tierline.server.config;

import dev.tierline.server.session.Redaction;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every setting of a server, validated. Built by {@link ConfigLoader} from defaults, a YAML file,
 * environment variables and the command line; {@link Setting} lists each key with its default.
 */
public record ServerConfig(
        String host,
        int port,
        Path dataDir,
        boolean devMode,
        int ioThreads,
        String ioTransport,
        int maxFrameBytes,
        int maxParticipants,
        int maxSessions,
        int maxOpenSessionsPerTechnician,
        int maxQueueLength,
        Duration helloTimeout,
        Duration reconnectGrace,
        Duration sessionKeyTtl,
        int outboundHighWaterBytes,
        int maxConsecutiveErrors,
        Duration sessionIdleTimeout,
        RecordingMode recordingMode,
        String journalUrl,
        String journalUser,
        String journalPassword,
        int journalPoolSize,
        int journalBatchSize,
        Duration journalMaxWait,
        Duration journalAsyncMaxWait,
        int journalQueueCapacity,
        Duration shutdownTimeout,
        String logFormat,
        String logLevel,
        String publicUrl,
        String ticketsRtUrl,
        String ticketsRtUser,
        String ticketsRtPassword,
        String ticketsRtToken,
        String ticketsRtQueue,
        String ticketsWebhookUrl,
        String ticketsWebhookSecret,
        Duration ticketsTimeout,
        Duration ticketsRetryBase,
        Duration ticketsRetryMax,
        String authIssuer,
        String authAudience,
        Path authJwksFile,
        java.util.List<Path> authPublicKeys,
        Duration authClockSkew,
        boolean tlsEnabled,
        Path tlsCertFile,
        Path tlsKeyFile,
        int messagesPerSecond,
        int messageBurst,
        int rateLimitedBeforeClose,
        int connectionsPerAddress,
        Duration pingInterval,
        java.util.List<String> allowedOrigins,
        int keyGuessesPerMinute,
        int maxJsonDepth,
        int maxStringLength,
        Redaction redaction) {

    /** When participants see an event relative to when it is durable. */
    public enum RecordingMode { STRICT, ASYNC }

    public ServerConfig {
        require(host != null && !host.isBlank(), Setting.HOST, "must not be empty");
        require(port >= 0 && port <= 65535, Setting.PORT, "must be 0-65535, was " + port);
        require(dataDir != null, Setting.DATA_DIR, "must be set");
        require(ioThreads >= 0, Setting.IO_THREADS, "must be >= 0 (0 = one per core)");
        require(java.util.Set.of("auto", "epoll", "nio").contains(ioTransport), Setting.IO_TRANSPORT,
                "must be auto, epoll or nio");
        require(maxFrameBytes >= 1024 && maxFrameBytes <= 16 * 1024 * 1024, Setting.MAX_FRAME_BYTES,
                "must be 1 KiB-16 MiB, was " + maxFrameBytes);
        require(maxParticipants >= 2, Setting.MAX_PARTICIPANTS, "must be at least 2");
        require(maxSessions >= 1, Setting.MAX_SESSIONS, "must be at least 1");
        require(maxOpenSessionsPerTechnician >= 1, Setting.MAX_OPEN_SESSIONS_PER_TECHNICIAN, "must be at least 1");
        require(maxQueueLength >= 1, Setting.MAX_QUEUE_LENGTH, "must be at least 1");
        require(positive(helloTimeout), Setting.HELLO_TIMEOUT, "must be positive");
        require(positive(reconnectGrace), Setting.RECONNECT_GRACE, "must be positive");
        require(positive(sessionKeyTtl), Setting.SESSION_KEY_TTL, "must be positive");
        require(outboundHighWaterBytes >= 64 * 1024, Setting.OUTBOUND_HIGH_WATER_BYTES, "must be at least 64 KiB");
        require(maxConsecutiveErrors >= 1, Setting.MAX_CONSECUTIVE_ERRORS, "must be at least 1");
        require(positive(sessionIdleTimeout), Setting.SESSION_IDLE_TIMEOUT, "must be positive");
        require(recordingMode != null, Setting.RECORDING_MODE, "must be strict or async");
        require(journalPoolSize >= 2, Setting.JOURNAL_POOL_SIZE, "must be at least 2 (a writer and a reader)");
        require(journalBatchSize >= 1, Setting.JOURNAL_BATCH_SIZE, "must be at least 1");
        require(journalMaxWait != null && !journalMaxWait.isNegative(), Setting.JOURNAL_MAX_WAIT, "must not be negative");
        require(journalAsyncMaxWait != null && !journalAsyncMaxWait.isNegative(), Setting.JOURNAL_ASYNC_MAX_WAIT,
                "must not be negative");
        require(journalQueueCapacity >= 16, Setting.JOURNAL_QUEUE_CAPACITY, "must be at least 16");
        require(positive(shutdownTimeout), Setting.SHUTDOWN_TIMEOUT, "must be positive");
        require("text".equals(logFormat) || "json".equals(logFormat), Setting.LOG_FORMAT,
                "must be text or json, was '" + logFormat + "'");
        require(java.util.Set.of("error", "warn", "info", "debug", "trace").contains(logLevel), Setting.LOG_LEVEL,
                "must be error, warn, info or debug, was '" + logLevel + "'");
        require(publicUrl.isEmpty() || publicUrl.matches("https?://.+"), Setting.PUBLIC_URL, "must be an http(s) URL");
        require(ticketsRtUrl.isEmpty() || ticketsRtUrl.matches("https?://.+"), Setting.TICKETS_RT_URL,
                "must be an http(s) URL");
        require(ticketsRtUrl.isEmpty() || !ticketsRtToken.isEmpty() || !ticketsRtUser.isEmpty(), Setting.TICKETS_RT_USER,
                "or tickets.rt.token is needed with tickets.rt.url");
        require(!ticketsRtQueue.isBlank(), Setting.TICKETS_RT_QUEUE, "must not be empty");
        require(ticketsWebhookUrl.isEmpty() || ticketsWebhookUrl.matches("https?://.+"), Setting.TICKETS_WEBHOOK_URL,
                "must be an http(s) URL");
        require(ticketsWebhookUrl.isEmpty() || ticketsWebhookSecret.length() >= 16, Setting.TICKETS_WEBHOOK_SECRET,
                "of at least 16 characters is needed with tickets.webhook.url");
        require(positive(ticketsTimeout), Setting.TICKETS_TIMEOUT, "must be positive");
        require(positive(ticketsRetryBase), Setting.TICKETS_RETRY_BASE, "must be positive");
        require(ticketsRetryMax != null && ticketsRetryBase != null && ticketsRetryMax.compareTo(ticketsRetryBase) >= 0,
                Setting.TICKETS_RETRY_MAX, "must be at least tickets.retryBase");
        authPublicKeys = java.util.List.copyOf(authPublicKeys);
        allowedOrigins = java.util.List.copyOf(allowedOrigins);
        boolean hasKeys = authJwksFile != null || !authPublicKeys.isEmpty();
        require(authIssuer.isEmpty() || hasKeys, Setting.AUTH_ISSUER,
                "needs the issuer's keys: set " + Setting.AUTH_JWKS_FILE.key() + " or " + Setting.AUTH_PUBLIC_KEYS.key());
        require(!hasKeys || !authIssuer.isEmpty(), Setting.AUTH_ISSUER, "must name the issuer whose keys are configured");
        require(!authAudience.isBlank(), Setting.AUTH_AUDIENCE, "must not be empty");
        require(authClockSkew != null && !authClockSkew.isNegative() && authClockSkew.toMinutes() <= 10,
                Setting.AUTH_CLOCK_SKEW, "must be 0-10 minutes");
        require((tlsCertFile == null) == (tlsKeyFile == null), Setting.TLS_CERT_FILE,
                "and " + Setting.TLS_KEY_FILE.key() + " go together");
        require(!tlsEnabled || tlsCertFile != null || devMode, Setting.TLS_CERT_FILE,
                "is needed when tls.enabled is true outside dev mode");
        require(messagesPerSecond >= 1, Setting.MESSAGES_PER_SECOND, "must be at least 1");
        require(messageBurst >= 1, Setting.MESSAGE_BURST, "must be at least 1");
        require(rateLimitedBeforeClose >= 1, Setting.RATE_LIMITED_BEFORE_CLOSE, "must be at least 1");
        require(connectionsPerAddress >= 1, Setting.CONNECTIONS_PER_ADDRESS, "must be at least 1");
        require(positive(pingInterval), Setting.PING_INTERVAL, "must be positive");
        require(keyGuessesPerMinute >= 1, Setting.KEY_GUESSES_PER_MINUTE, "must be at least 1");
        require(maxJsonDepth >= 4 && maxJsonDepth <= 256, Setting.MAX_JSON_DEPTH, "must be 4-256");
        require(maxStringLength >= 256, Setting.MAX_STRING_LENGTH, "must be at least 256");
    }

    /** The defaults: what a server started with no file, no environment and no options uses. */
    public static ServerConfig defaults() {
        return ConfigLoader.load(null, java.util.Map.of(), java.util.Map.of());
    }

    /** Frames up to this size are read and refused with {@code too_large}; larger ones close the connection. */
    public int hardFrameLimit() {
        return maxFrameBytes * 4;
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, Setting setting, String problem) {
        if (!ok) {
            throw new ConfigException(setting.key() + " " + problem);
        }
    }
}
