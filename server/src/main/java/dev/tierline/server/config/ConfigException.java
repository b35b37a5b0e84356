package dev.tierline.server.config;

/** A setting that cannot be used; the message names the key. Start-up fails with it. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
