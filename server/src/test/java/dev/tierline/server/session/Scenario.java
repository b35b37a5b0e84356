package dev.tierline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Drives the session core directly, as the relay does: decide, stamp, evolve. No network. */
final class Scenario {
    static final Actor USER = new Actor("u-uma", "Uma", Role.END_USER, null);
    static final Actor L1 = new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1);
    static final Actor L2 = new Actor("t-bob", "Bob", Role.TECHNICIAN, Tier.L2);
    static final Actor L3 = new Actor("t-cy", "Cy", Role.TECHNICIAN, Tier.L3);
    static final Actor L4 = new Actor("v-dee", "Dee", Role.TECHNICIAN, Tier.L4);
    static final Actor L4_NO_CONTROL = new Actor("v-eve", "Eve", Role.TECHNICIAN, Tier.L4);
    static final Actor OUTSIDER = new Actor("t-zed", "Zed", Role.TECHNICIAN, Tier.L2);

    SessionState state = SessionState.initial("s-test");
    final List<Event> log = new ArrayList<>();
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    int maxParticipants = 16;
    Redaction redaction = Redaction.NONE;
    private final AtomicInteger ids = new AtomicInteger();
    Decision last;

    DecideContext context() {
        return new DecideContext(now, () -> "id" + ids.incrementAndGet(), maxParticipants, redaction);
    }

    Decision decide(Actor actor, Input input) {
        last = SessionDecider.decide(state, input, actor, context());
        if (last instanceof Decision.Accept accept) {
            for (Event event : EventStamper.stamp(state, accept.events(), actor, now)) {
                state = SessionEvolver.evolve(state, event);
                log.add(event);
            }
        }
        return last;
    }

    Decision run(Actor actor, CommandBody body) {
        return decide(actor, new Input.Client(body));
    }

    /** Runs a command that must be accepted, and returns the events it recorded. */
    List<Event> ok(Actor actor, CommandBody body) {
        int before = log.size();
        Decision decision = run(actor, body);
        assertThat(decision).as("%s by %s", body, actor.id()).isNotInstanceOf(Decision.Reject.class);
        return List.copyOf(log.subList(before, log.size()));
    }

    void refused(Actor actor, CommandBody body, ErrorCode code) {
        long seq = state.seq();
        Decision decision = run(actor, body);
        assertThat(decision).as("%s by %s", body, actor.id()).isInstanceOf(Decision.Reject.class);
        assertThat(((Decision.Reject) decision).code()).as("%s by %s: %s", body, actor.id(), decision).isEqualTo(code);
        assertThat(state.seq()).as("a refused command records nothing").isEqualTo(seq);
    }

    void join(Actor actor, String inviteId) {
        Decision decision = decide(actor, new Input.Join(inviteId, actor.isEndUser()));
        assertThat(decision).as("join of %s: %s", actor.id(), decision).isInstanceOf(Decision.Accept.class);
    }

    /** Creates an invitation as {@code by} and returns its id. */
    String invite(Actor by, Tier tier, Boolean allowControl, Long windowSeconds, boolean technicianChat) {
        List<Event> events = ok(by, new CommandBody.InviteCreate(tier.name(), null, 600L, allowControl, windowSeconds,
                technicianChat));
        return events.get(0).body(EventBody.InviteCreated.class).invite();
    }

    /** L1 creates the session; the user joins by key. */
    static Scenario activeSession() {
        Scenario s = new Scenario();
        s.ok(L1, new CommandBody.SessionCreate("T-1", "VPN drops", null));
        s.join(USER, null);
        return s;
    }

    /** An active session with L2, L3, an L4 allowed control and an L4 that is not. */
    static Scenario fullSession() {
        Scenario s = activeSession();
        s.join(L2, s.invite(L1, Tier.L2, null, null, false));
        s.join(L3, s.invite(L1, Tier.L3, null, null, false));
        s.join(L4, s.invite(L1, Tier.L4, true, 3600L, false));
        s.join(L4_NO_CONTROL, s.invite(L1, Tier.L4, false, 3600L, false));
        return s;
    }

    List<EventType> types() {
        return log.stream().map(Event::type).toList();
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    /** Folds the whole log again from nothing: must give the same state. */
    SessionState replay() {
        SessionState rebuilt = SessionState.initial(state.id());
        for (Event event : log) {
            rebuilt = SessionEvolver.evolve(rebuilt, event);
        }
        return rebuilt;
    }
}
