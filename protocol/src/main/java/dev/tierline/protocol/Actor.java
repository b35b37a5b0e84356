package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Who did something: the participant id, display name, role and (for technicians) tier.
 *
 * @param tier {@code null} for end users, auditors and the server
 */
public record Actor(String id, String name, Role role, Tier tier) {
    public static final Actor SERVER = new Actor("server", "Tierline", Role.SYSTEM, null);

    public Actor {
        ProtocolException.required(id, "actor.id");
        ProtocolException.present(role, "actor.role");
        if (role == Role.TECHNICIAN && tier == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "a technician needs a tier");
        }
        if (role != Role.TECHNICIAN && tier != null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "only technicians have a tier");
        }
        name = name == null || name.isBlank() ? id : name;
    }

    @JsonIgnore
    public boolean isTechnician() {
        return role == Role.TECHNICIAN;
    }

    @JsonIgnore
    public boolean isEndUser() {
        return role == Role.END_USER;
    }
}
