package dev.tierline.server.session;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.Tier;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything a session is, as folded from its events. Immutable: {@link SessionEvolver} returns a
 * new state for every event, so a state can be kept, compared and replayed freely. The collections
 * are unmodifiable views built by {@link #with}; callers of the constructor must not mutate theirs.
 *
 * @param members         participants present now (joined and not left), in join order
 * @param controlRequests technicians waiting for control, in request order
 * @param consented       technicians the end user has granted control to at least once
 */
public record SessionState(
        String id, Status status, long seq, String ticket, String title, String topic, String summary,
        ConsentPolicy consent, Instant openedAt, String owner, Map<String, Member> members,
        String controller, Set<String> controlRequests, Handoff pendingHandoff, Set<String> consented,
        EventBody.ScreenShareInfo share, Map<String, Invite> invites) {

    /** SELF_HELP: a request whose end user is shown matching articles before it goes to the queue. */
    public enum Status { NEW, SELF_HELP, WAITING, ACTIVE, ENDED }

    /** Whether an end user's earlier grant covers a hand-off to the same technician. */
    public enum ConsentPolicy {
        EACH_TIME("each-time"), ONCE_PER_TECHNICIAN("once-per-technician");

        private final String wire;

        ConsentPolicy(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        /** @return the policy, or {@code null} when the name is not one */
        public static ConsentPolicy fromWire(String wire) {
            for (ConsentPolicy policy : values()) {
                if (policy.wire.equals(wire)) {
                    return policy;
                }
            }
            return null;
        }
    }

    /** A participant present in the session and what its admission allows. */
    public record Member(Actor actor, boolean connected, Instant joinedAt, boolean allowControl,
                         boolean technicianChat, Instant accessUntil) {
        public boolean isTechnician() {
            return actor.isTechnician();
        }

        public boolean isInternalTechnician() {
            return actor.isTechnician() && actor.tier().isInternal();
        }

        /** Technician-only traffic reaches internal technicians, and L4 only when invited to see it. */
        public boolean seesTechnicianTraffic() {
            return isInternalTechnician() || (isTechnician() && technicianChat);
        }

        Member withConnected(boolean now) {
            return new Member(actor, now, joinedAt, allowControl, technicianChat, accessUntil);
        }
    }

    /** An invitation as the session knows it; its secret lives only in the invitation registry. */
    public record Invite(String id, Tier tier, String invitee, Instant expiresAt, boolean allowControl,
                         Long windowSeconds, boolean technicianChat, String createdBy, boolean used,
                         boolean revoked) {
        Invite markUsed() {
            return new Invite(id, tier, invitee, expiresAt, allowControl, windowSeconds, technicianChat, createdBy,
                    true, revoked);
        }

        Invite markRevoked() {
            return new Invite(id, tier, invitee, expiresAt, allowControl, windowSeconds, technicianChat, createdBy,
                    used, true);
        }
    }

    public record Handoff(String from, String to) {}

    /** The state of a session before its first event. */
    public static SessionState initial(String id) {
        return new SessionState(id, Status.NEW, 0, null, null, null, null, ConsentPolicy.EACH_TIME, null, null,
                Map.of(), null, Set.of(), null, Set.of(), null, Map.of());
    }

    public Member member(String participantId) {
        return members.get(participantId);
    }

    public boolean isMember(String participantId) {
        return members.containsKey(participantId);
    }

    /** The hot path: most events (chat, notes) change nothing but the seq. */
    SessionState withSeq(long newSeq) {
        return new SessionState(id, status, newSeq, ticket, title, topic, summary, consent, openedAt, owner, members,
                controller, controlRequests, pendingHandoff, consented, share, invites);
    }

    /** A copy with some fields changed; the lambda edits a mutable draft of this state. */
    SessionState with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** Mutable scratch copy used only inside {@link #with}. */
    static final class Draft {
        String id;
        Status status;
        long seq;
        String ticket;
        String title;
        String topic;
        String summary;
        ConsentPolicy consent;
        Instant openedAt;
        String owner;
        final LinkedHashMap<String, Member> members;
        String controller;
        final LinkedHashSet<String> controlRequests;
        Handoff pendingHandoff;
        final LinkedHashSet<String> consented;
        EventBody.ScreenShareInfo share;
        final LinkedHashMap<String, Invite> invites;

        private Draft(SessionState s) {
            id = s.id;
            status = s.status;
            seq = s.seq;
            ticket = s.ticket;
            title = s.title;
            topic = s.topic;
            summary = s.summary;
            consent = s.consent;
            openedAt = s.openedAt;
            owner = s.owner;
            members = new LinkedHashMap<>(s.members);
            controller = s.controller;
            controlRequests = new LinkedHashSet<>(s.controlRequests);
            pendingHandoff = s.pendingHandoff;
            consented = new LinkedHashSet<>(s.consented);
            share = s.share;
            invites = new LinkedHashMap<>(s.invites);
        }

        private SessionState build() {
            return new SessionState(id, status, seq, ticket, title, topic, summary, consent, openedAt, owner,
                    Collections.unmodifiableMap(members), controller, Collections.unmodifiableSet(controlRequests),
                    pendingHandoff, Collections.unmodifiableSet(consented), share, Collections.unmodifiableMap(invites));
        }
    }
}
