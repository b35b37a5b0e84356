package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who receives an event: everyone, the technicians only, or one participant. */
public record Audience(@JsonValue String wire) {
    public static final Audience ALL = new Audience("all");
    public static final Audience TECHNICIANS = new Audience("technicians");

    public Audience {
        ProtocolException.required(wire, "audience");
    }

    @JsonCreator
    public static Audience of(String wire) {
        if (wire == null || wire.equals("all")) {
            return ALL;
        }
        if (wire.equals("technicians")) {
            return TECHNICIANS;
        }
        return new Audience(wire);
    }

    public static Audience participant(String participantId) {
        return new Audience(participantId);
    }

    @JsonIgnore
    public boolean isAll() {
        return this.equals(ALL);
    }

    @JsonIgnore
    public boolean isTechnicians() {
        return this.equals(TECHNICIANS);
    }

    /** The participant id, when the audience is one participant. */
    @JsonIgnore
    public String participantId() {
        return isAll() || isTechnicians() ? null : wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
