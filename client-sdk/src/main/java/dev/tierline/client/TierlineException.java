package dev.tierline.client;

import dev.tierline.protocol.ErrorCode;

/**
 * A command the server refused, or one that could not be delivered. {@link #code()} is the
 * protocol's error code: {@code UNAVAILABLE} also stands for "no reply in time" and "the client gave
 * up reconnecting".
 */
public final class TierlineException extends RuntimeException {
    private final ErrorCode code;

    public TierlineException(ErrorCode code, String message) {
        super(code.wire() + ": " + message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
