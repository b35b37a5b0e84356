package dev.tierline.server.config;

import dev.tierline.server.session.Redaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the configuration in layers, later ones winning: defaults, the YAML file, environment
 * variables, command-line options. An unknown key in the file or a value that does not parse fails
 * loading with the key named: a typo must not silently fall back to a default.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param file      YAML file, or {@code null}
     * @param env       environment variables (pass {@code System.getenv()})
     * @param overrides values from the command line
     */
    public static ServerConfig load(Path file, Map<String, String> env, Map<Setting, String> overrides) {
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            values.put(s, s.defaultValue());
        }
        if (file != null) {
            readYaml(file, values);
        }
        for (Setting s : Setting.values()) {
            String fromEnv = env.get(s.envVar());
            if (fromEnv != null && !fromEnv.isBlank()) {
                values.put(s, fromEnv.trim());
            }
        }
        values.putAll(overrides);
        return build(values);
    }

    private static void readYaml(Path file, Map<Setting, String> values) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        flatten("", root, values, file);
    }

    private static void flatten(String prefix, JsonNode node, Map<Setting, String> values, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            if (field.getValue().isObject()) {
                flatten(key + ".", field.getValue(), values, file);
                continue;
            }
            Setting setting = byKey(key);
            if (setting == null) {
                throw new ConfigException("unknown setting " + key + " in " + file);
            }
            values.put(setting, field.getValue().isArray() ? joined(setting, field.getValue()) : field.getValue().asText());
        }
    }

    private static String joined(Setting setting, JsonNode array) {
        java.util.List<String> items = new java.util.ArrayList<>();
        array.forEach(item -> items.add(item.asText()));
        return String.join(setting == Setting.REDACT_PATTERNS ? "\n" : ",", items);
    }

    private static Setting byKey(String key) {
        for (Setting s : Setting.values()) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    private static ServerConfig build(Map<Setting, String> v) {
        return new ServerConfig(
                v.get(Setting.HOST),
                integer(v, Setting.PORT),
                Path.of(v.get(Setting.DATA_DIR)),
                bool(v, Setting.DEV_MODE),
                integer(v, Setting.IO_THREADS),
                v.get(Setting.IO_TRANSPORT).trim().toLowerCase(java.util.Locale.ROOT),
                integer(v, Setting.MAX_FRAME_BYTES),
                integer(v, Setting.MAX_PARTICIPANTS),
                integer(v, Setting.MAX_SESSIONS),
                integer(v, Setting.MAX_OPEN_SESSIONS_PER_TECHNICIAN),
                integer(v, Setting.MAX_QUEUE_LENGTH),
                duration(v, Setting.HELLO_TIMEOUT),
                duration(v, Setting.RECONNECT_GRACE),
                duration(v, Setting.SESSION_KEY_TTL),
                integer(v, Setting.OUTBOUND_HIGH_WATER_BYTES),
                integer(v, Setting.MAX_CONSECUTIVE_ERRORS),
                duration(v, Setting.SESSION_IDLE_TIMEOUT),
                recordingMode(v),
                v.get(Setting.JOURNAL_URL).trim(),
                v.get(Setting.JOURNAL_USER).trim(),
                v.get(Setting.JOURNAL_PASSWORD),
                integer(v, Setting.JOURNAL_POOL_SIZE),
                integer(v, Setting.JOURNAL_BATCH_SIZE),
                duration(v, Setting.JOURNAL_MAX_WAIT),
                duration(v, Setting.JOURNAL_ASYNC_MAX_WAIT),
                integer(v, Setting.JOURNAL_QUEUE_CAPACITY),
                duration(v, Setting.SHUTDOWN_TIMEOUT),
                v.get(Setting.LOG_FORMAT).trim().toLowerCase(java.util.Locale.ROOT),
                v.get(Setting.LOG_LEVEL).trim().toLowerCase(java.util.Locale.ROOT),
                v.get(Setting.PUBLIC_URL).trim(),
                v.get(Setting.TICKETS_RT_URL).trim(),
                v.get(Setting.TICKETS_RT_USER).trim(),
                v.get(Setting.TICKETS_RT_PASSWORD),
                v.get(Setting.TICKETS_RT_TOKEN).trim(),
                v.get(Setting.TICKETS_RT_QUEUE).trim(),
                v.get(Setting.TICKETS_WEBHOOK_URL).trim(),
                v.get(Setting.TICKETS_WEBHOOK_SECRET),
                duration(v, Setting.TICKETS_TIMEOUT),
                duration(v, Setting.TICKETS_RETRY_BASE),
                duration(v, Setting.TICKETS_RETRY_MAX),
                v.get(Setting.AUTH_ISSUER).trim(),
                v.get(Setting.AUTH_AUDIENCE).trim(),
                optionalPath(v, Setting.AUTH_JWKS_FILE),
                list(v, Setting.AUTH_PUBLIC_KEYS).stream().map(Path::of).toList(),
                duration(v, Setting.AUTH_CLOCK_SKEW),
                bool(v, Setting.TLS_ENABLED),
                optionalPath(v, Setting.TLS_CERT_FILE),
                optionalPath(v, Setting.TLS_KEY_FILE),
                integer(v, Setting.MESSAGES_PER_SECOND),
                integer(v, Setting.MESSAGE_BURST),
                integer(v, Setting.RATE_LIMITED_BEFORE_CLOSE),
                integer(v, Setting.CONNECTIONS_PER_ADDRESS),
                duration(v, Setting.PING_INTERVAL),
                list(v, Setting.ALLOWED_ORIGINS),
                integer(v, Setting.KEY_GUESSES_PER_MINUTE),
                integer(v, Setting.MAX_JSON_DEPTH),
                integer(v, Setting.MAX_STRING_LENGTH),
                redaction(v));
    }

    private static Path optionalPath(Map<Setting, String> v, Setting s) {
        String value = v.get(s).trim();
        return value.isEmpty() ? null : Path.of(value);
    }

    private static java.util.List<String> list(Map<Setting, String> v, Setting s) {
        return java.util.Arrays.stream(v.get(s).split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    private static Redaction redaction(Map<Setting, String> v) {
        try {
            return Redaction.parse(v.get(Setting.REDACT_PATTERNS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(Setting.REDACT_PATTERNS.key() + " " + e.getMessage());
        }
    }

    private static ServerConfig.RecordingMode recordingMode(Map<Setting, String> v) {
        String value = v.get(Setting.RECORDING_MODE).trim();
        return switch (value) {
            case "strict" -> ServerConfig.RecordingMode.STRICT;
            case "async" -> ServerConfig.RecordingMode.ASYNC;
            default -> throw new ConfigException(Setting.RECORDING_MODE.key() + " must be strict or async, was '" + value + "'");
        };
    }

    private static int integer(Map<Setting, String> v, Setting s) {
        try {
            return Integer.parseInt(v.get(s).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(s.key() + " must be a whole number, was '" + v.get(s) + "'");
        }
    }

    private static boolean bool(Map<Setting, String> v, Setting s) {
        String value = v.get(s).trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException(s.key() + " must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** ISO-8601 ({@code PT30S}) or a plain number of seconds. */
    private static Duration duration(Map<Setting, String> v, Setting s) {
        String value = v.get(s).trim();
        try {
            return value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException(s.key() + " must be a duration like PT30S or a number of seconds, was '" + value + "'");
        }
    }
}
