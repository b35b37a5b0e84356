package dev.tierline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tierline.server.session.Redaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every setting, set through its environment variable, takes effect; a bad value for each is
 * refused naming the key. A setting added without a line here fails the first test.
 */
class EnvironmentSettingsTest {
    private record Sample(String value, Function<ServerConfig, Object> read, Object expected) {}

    private static final Map<Setting, Sample> SAMPLES = new EnumMap<>(Setting.class);
    private static final Map<Setting, String> INVALID = new EnumMap<>(Setting.class);

    private static void sample(Setting s, String value, Function<ServerConfig, Object> read, Object expected) {
        SAMPLES.put(s, new Sample(value, read, expected));
    }

    static {
        sample(Setting.HOST, "0.0.0.0", ServerConfig::host, "0.0.0.0");
        sample(Setting.PORT, "9123", ServerConfig::port, 9123);
        sample(Setting.DATA_DIR, "/var/lib/tierline", ServerConfig::dataDir, Path.of("/var/lib/tierline"));
        sample(Setting.DEV_MODE, "false", ServerConfig::devMode, false);
        sample(Setting.IO_THREADS, "3", ServerConfig::ioThreads, 3);
        sample(Setting.IO_TRANSPORT, "NIO", ServerConfig::ioTransport, "nio");
        sample(Setting.MAX_FRAME_BYTES, "32768", ServerConfig::maxFrameBytes, 32768);
        sample(Setting.MAX_PARTICIPANTS, "6", ServerConfig::maxParticipants, 6);
        sample(Setting.MAX_SESSIONS, "77", ServerConfig::maxSessions, 77);
        sample(Setting.MAX_OPEN_SESSIONS_PER_TECHNICIAN, "5", ServerConfig::maxOpenSessionsPerTechnician, 5);
        sample(Setting.MAX_QUEUE_LENGTH, "9", ServerConfig::maxQueueLength, 9);
        sample(Setting.HELLO_TIMEOUT, "PT3S", ServerConfig::helloTimeout, Duration.ofSeconds(3));
        sample(Setting.RECONNECT_GRACE, "45", ServerConfig::reconnectGrace, Duration.ofSeconds(45));
        sample(Setting.SESSION_KEY_TTL, "PT30M", ServerConfig::sessionKeyTtl, Duration.ofMinutes(30));
        sample(Setting.OUTBOUND_HIGH_WATER_BYTES, "131072", ServerConfig::outboundHighWaterBytes, 131072);
        sample(Setting.MAX_CONSECUTIVE_ERRORS, "7", ServerConfig::maxConsecutiveErrors, 7);
        sample(Setting.SESSION_IDLE_TIMEOUT, "PT1H", ServerConfig::sessionIdleTimeout, Duration.ofHours(1));
        sample(Setting.RECORDING_MODE, "async", ServerConfig::recordingMode, ServerConfig.RecordingMode.ASYNC);
        sample(Setting.JOURNAL_URL, "jdbc:postgresql://db:5432/t", ServerConfig::journalUrl, "jdbc:postgresql://db:5432/t");
        sample(Setting.JOURNAL_USER, "tier", ServerConfig::journalUser, "tier");
        sample(Setting.JOURNAL_PASSWORD, "s3cret", ServerConfig::journalPassword, "s3cret");
        sample(Setting.JOURNAL_POOL_SIZE, "8", ServerConfig::journalPoolSize, 8);
        sample(Setting.JOURNAL_BATCH_SIZE, "250", ServerConfig::journalBatchSize, 250);
        sample(Setting.JOURNAL_MAX_WAIT, "PT0.002S", ServerConfig::journalMaxWait, Duration.ofMillis(2));
        sample(Setting.JOURNAL_ASYNC_MAX_WAIT, "PT0.01S", ServerConfig::journalAsyncMaxWait, Duration.ofMillis(10));
        sample(Setting.JOURNAL_QUEUE_CAPACITY, "1024", ServerConfig::journalQueueCapacity, 1024);
        sample(Setting.SHUTDOWN_TIMEOUT, "PT5S", ServerConfig::shutdownTimeout, Duration.ofSeconds(5));
        sample(Setting.LOG_FORMAT, "json", ServerConfig::logFormat, "json");
        sample(Setting.LOG_LEVEL, "DEBUG", ServerConfig::logLevel, "debug");
        sample(Setting.PUBLIC_URL, "https://support.example.com", ServerConfig::publicUrl, "https://support.example.com");
        sample(Setting.TICKETS_RT_URL, "https://rt.example.com", ServerConfig::ticketsRtUrl, "https://rt.example.com");
        sample(Setting.TICKETS_RT_USER, "tierline", ServerConfig::ticketsRtUser, "tierline");
        sample(Setting.TICKETS_RT_PASSWORD, "pw", ServerConfig::ticketsRtPassword, "pw");
        sample(Setting.TICKETS_RT_TOKEN, "1-14-abc", ServerConfig::ticketsRtToken, "1-14-abc");
        sample(Setting.TICKETS_RT_QUEUE, "Support", ServerConfig::ticketsRtQueue, "Support");
        sample(Setting.TICKETS_WEBHOOK_URL, "https://hooks.example.com/t", ServerConfig::ticketsWebhookUrl, "https://hooks.example.com/t");
        sample(Setting.TICKETS_WEBHOOK_SECRET, "0123456789abcdef0123", ServerConfig::ticketsWebhookSecret, "0123456789abcdef0123");
        sample(Setting.TICKETS_TIMEOUT, "PT3S", ServerConfig::ticketsTimeout, Duration.ofSeconds(3));
        sample(Setting.TICKETS_RETRY_BASE, "PT1S", ServerConfig::ticketsRetryBase, Duration.ofSeconds(1));
        sample(Setting.TICKETS_RETRY_MAX, "PT10M", ServerConfig::ticketsRetryMax, Duration.ofMinutes(10));
        sample(Setting.AUTH_ISSUER, "https://idp.example", ServerConfig::authIssuer, "https://idp.example");
        sample(Setting.AUTH_AUDIENCE, "desk", ServerConfig::authAudience, "desk");
        sample(Setting.AUTH_JWKS_FILE, "/etc/tierline/idp.jwks", ServerConfig::authJwksFile, Path.of("/etc/tierline/idp.jwks"));
        sample(Setting.AUTH_PUBLIC_KEYS, "/k/a.pem, /k/b.pem", ServerConfig::authPublicKeys, List.of(Path.of("/k/a.pem"), Path.of("/k/b.pem")));
        sample(Setting.AUTH_CLOCK_SKEW, "PT5S", ServerConfig::authClockSkew, Duration.ofSeconds(5));
        sample(Setting.TLS_ENABLED, "true", ServerConfig::tlsEnabled, true);
        sample(Setting.TLS_CERT_FILE, "/etc/tls/cert.pem", ServerConfig::tlsCertFile, Path.of("/etc/tls/cert.pem"));
        sample(Setting.TLS_KEY_FILE, "/etc/tls/key.pem", ServerConfig::tlsKeyFile, Path.of("/etc/tls/key.pem"));
        sample(Setting.MESSAGES_PER_SECOND, "20", ServerConfig::messagesPerSecond, 20);
        sample(Setting.MESSAGE_BURST, "40", ServerConfig::messageBurst, 40);
        sample(Setting.RATE_LIMITED_BEFORE_CLOSE, "60", ServerConfig::rateLimitedBeforeClose, 60);
        sample(Setting.CONNECTIONS_PER_ADDRESS, "12", ServerConfig::connectionsPerAddress, 12);
        sample(Setting.PING_INTERVAL, "PT10S", ServerConfig::pingInterval, Duration.ofSeconds(10));
        sample(Setting.ALLOWED_ORIGINS, "https://a.example,https://b.example", ServerConfig::allowedOrigins,
                List.of("https://a.example", "https://b.example"));
        sample(Setting.KEY_GUESSES_PER_MINUTE, "4", ServerConfig::keyGuessesPerMinute, 4);
        sample(Setting.MAX_JSON_DEPTH, "24", ServerConfig::maxJsonDepth, 24);
        sample(Setting.MAX_STRING_LENGTH, "1024", ServerConfig::maxStringLength, 1024);
        sample(Setting.REDACT_PATTERNS, "\\d{16}\nsecret=\\S+", c -> c.redaction().apply("4111111111111111 secret=x").text(),
                Redaction.MASK + " " + Redaction.MASK);

        for (Setting s : List.of(Setting.PORT, Setting.IO_THREADS, Setting.MAX_FRAME_BYTES, Setting.MAX_PARTICIPANTS,
                Setting.MAX_SESSIONS, Setting.MAX_OPEN_SESSIONS_PER_TECHNICIAN, Setting.MAX_QUEUE_LENGTH,
                Setting.OUTBOUND_HIGH_WATER_BYTES, Setting.MAX_CONSECUTIVE_ERRORS, Setting.JOURNAL_POOL_SIZE,
                Setting.JOURNAL_BATCH_SIZE, Setting.JOURNAL_QUEUE_CAPACITY, Setting.MESSAGES_PER_SECOND,
                Setting.MESSAGE_BURST, Setting.RATE_LIMITED_BEFORE_CLOSE, Setting.CONNECTIONS_PER_ADDRESS,
                Setting.KEY_GUESSES_PER_MINUTE, Setting.MAX_JSON_DEPTH, Setting.MAX_STRING_LENGTH)) {
            INVALID.put(s, "-1");
        }
        for (Setting s : List.of(Setting.HELLO_TIMEOUT, Setting.RECONNECT_GRACE, Setting.SESSION_KEY_TTL,
                Setting.SESSION_IDLE_TIMEOUT, Setting.JOURNAL_MAX_WAIT, Setting.JOURNAL_ASYNC_MAX_WAIT,
                Setting.SHUTDOWN_TIMEOUT, Setting.AUTH_CLOCK_SKEW,
                Setting.PING_INTERVAL)) {
            INVALID.put(s, "soon");
        }
        INVALID.put(Setting.DEV_MODE, "maybe");
        INVALID.put(Setting.IO_TRANSPORT, "kqueue");
        INVALID.put(Setting.PUBLIC_URL, "support.example.com");
        INVALID.put(Setting.TICKETS_RT_URL, "rt.example.com");
        INVALID.put(Setting.TICKETS_WEBHOOK_URL, "ftp://hooks");
        INVALID.put(Setting.TICKETS_TIMEOUT, "soon");
        INVALID.put(Setting.TICKETS_RETRY_BASE, "soon");
        INVALID.put(Setting.TICKETS_RETRY_MAX, "PT0.5S"); // below the retry base
        INVALID.put(Setting.TLS_ENABLED, "yes");
        INVALID.put(Setting.RECORDING_MODE, "eventually");
        INVALID.put(Setting.LOG_FORMAT, "xml");
        INVALID.put(Setting.LOG_LEVEL, "loud");
        INVALID.put(Setting.AUTH_ISSUER, "https://idp.example"); // an issuer without keys
        INVALID.put(Setting.REDACT_PATTERNS, "(unclosed");
    }

    @Test
    void everySettingHasASample() {
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrder(Setting.values());
    }

    @Test
    void eachEnvironmentVariableTakesEffect() {
        for (Map.Entry<Setting, Sample> entry : SAMPLES.entrySet()) {
            Setting setting = entry.getKey();
            Map<String, String> env = new HashMap<>(needs(setting));
            env.put(setting.envVar(), entry.getValue().value());
            ServerConfig config = ConfigLoader.load(null, env, Map.of());
            assertThat(entry.getValue().read().apply(config)).as(setting.envVar()).isEqualTo(entry.getValue().expected());
        }
    }

    /** Settings that only make sense with another one set. */
    private static Map<String, String> needs(Setting setting) {
        return switch (setting) {
            case AUTH_ISSUER -> Map.of(Setting.AUTH_JWKS_FILE.envVar(), "/etc/tierline/idp.jwks");
            case AUTH_JWKS_FILE, AUTH_PUBLIC_KEYS -> Map.of(Setting.AUTH_ISSUER.envVar(), "https://idp.example");
            case TLS_CERT_FILE -> Map.of(Setting.TLS_KEY_FILE.envVar(), "/etc/tls/key.pem");
            case TICKETS_RT_URL -> Map.of(Setting.TICKETS_RT_USER.envVar(), "tierline");
            case TICKETS_WEBHOOK_URL -> Map.of(Setting.TICKETS_WEBHOOK_SECRET.envVar(), "0123456789abcdef0123");
            case TLS_KEY_FILE -> Map.of(Setting.TLS_CERT_FILE.envVar(), "/etc/tls/cert.pem");
            default -> Map.of();
        };
    }

    @Test
    void aBadValueIsRefusedNamingTheKey() {
        for (Map.Entry<Setting, String> bad : INVALID.entrySet()) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(bad.getKey().envVar(), bad.getValue()), Map.of()))
                    .as(bad.getKey().envVar() + "=" + bad.getValue())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.getKey().key());
        }
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(Setting.TLS_ENABLED.envVar(), "true",
                Setting.DEV_MODE.envVar(), "false"), Map.of())).hasMessageContaining(Setting.TLS_CERT_FILE.key());
    }
}
