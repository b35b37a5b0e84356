package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Every error the protocol knows, with its wire code and the WebSocket close code used when the
 * error ends the connection. One place, so a code never drifts between server, SDKs and docs.
 */
public enum ErrorCode {
    BAD_REQUEST("bad_request", 1008),
    UNKNOWN_TYPE("unknown_type", 1008),
    UNSUPPORTED_VERSION("unsupported_version", 1002),
    UNAUTHENTICATED("unauthenticated", 1008),
    FORBIDDEN("forbidden", 1008),
    NOT_FOUND("not_found", 1008),
    CONFLICT("conflict", 1008),
    EXPIRED("expired", 1008),
    TOO_LARGE("too_large", 1009),
    RATE_LIMITED("rate_limited", 1008),
    UNAVAILABLE("unavailable", 1013),
    INTERNAL("internal", 1011);

    private final String wire;
    private final int closeCode;

    ErrorCode(String wire, int closeCode) {
        this.wire = wire;
        this.closeCode = closeCode;
    }

    /** The code as it appears in an {@code error} reply. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The WebSocket close status used when this error closes the connection. */
    public int closeCode() {
        return closeCode;
    }

    @JsonCreator
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode code : values()) {
            if (code.wire.equals(wire)) {
                return code;
            }
        }
        return INTERNAL;
    }
}
