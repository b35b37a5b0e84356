package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a participant is. Comes from the token; a client can never choose it. */
public enum Role {
    END_USER("end_user"),
    TECHNICIAN("technician"),
    AUDITOR("auditor"),
    /** The server itself, as the actor of events nobody sent (timeouts, drops). */
    SYSTEM("system");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Role fromWire(String wire) {
        for (Role role : values()) {
            if (role.wire.equals(wire)) {
                return role;
            }
        }
        throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown role " + wire);
    }
}
