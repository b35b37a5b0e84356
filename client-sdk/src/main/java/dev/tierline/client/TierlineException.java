package dev.tierline.client;

import dev.tierline.protocol.ErrorCode;

/**
 * A command the server refused, or one that could not be delivered. {@link #code()} is the
 * protocol's error code: {@code UNAVAILABLE} also stands for "no reply in time" and "the client gave
 * up reconnecting". When it is about a command this client sent, {@link TierlineClient#retry} sends
 * that command again with its id.
 */
public final class TierlineException extends RuntimeException {
    private final ErrorCode code;
    /** The command this is about, for {@link TierlineClient#retry}; {@code null} when there is none. */
    private final transient Object command;

    public TierlineException(ErrorCode code, String message) {
        this(code, message, null);
    }

    TierlineException(ErrorCode code, String message, Object command) {
        super(code.wire() + ": " + message);
        this.code = code;
        this.command = command;
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether this is about a command that {@link TierlineClient#retry} can send again. */
    public boolean retryable() {
        return command != null;
    }

    Object command() {
        return command;
    }
}
