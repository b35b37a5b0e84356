package dev.tierline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.Tier;
import dev.tierline.server.session.SessionState.Member;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Long random runs of joins, leaves, drops, requests, grants, denials, hand-offs, releases and
 * revokes from random participants, with the control invariants checked after every step.
 * Reproducible: a failure names its seed and step; set {@code -Dtierline.seed=N} to rerun one.
 */
class ControlInvariantsPropertyTest {
    private static final int SEQUENCES = 3000;
    private static final int STEPS = 150;
    private static final List<Actor> PEOPLE = List.of(Scenario.USER, Scenario.L1, Scenario.L2, Scenario.L3,
            Scenario.L4, Scenario.L4_NO_CONTROL);

    @Test
    void controlInvariantsHoldAfterEveryStepOfThousandsOfRandomSequences() {
        long base = Long.getLong("tierline.seed", 20261122L);
        int sequences = Long.getLong("tierline.seed") != null ? 1 : SEQUENCES;
        Coverage coverage = new Coverage();
        for (int i = 0; i < sequences; i++) {
            runSequence(base + i, coverage);
        }
        if (sequences == SEQUENCES) {
            // the runs must reach the interesting states, not just refuse everything
            assertThat(coverage.userGrants).as("grants by the user").isGreaterThan(1000);
            assertThat(coverage.policyGrants).as("hand-offs covered by earlier consent").isGreaterThan(50);
            assertThat(coverage.handoffRequests).as("hand-offs asking for consent").isGreaterThan(200);
            assertThat(coverage.revokesOfControl).as("revokes that took control away").isGreaterThan(100);
        }
    }

    /** Counts of what the runs reached. */
    private static final class Coverage {
        int userGrants;
        int policyGrants;
        int handoffRequests;
        int revokesOfControl;
    }

    private void runSequence(long seed, Coverage coverage) {
        Random random = new Random(seed);
        Scenario s = new Scenario();
        boolean oncePolicy = random.nextBoolean();
        s.ok(Scenario.L1, new CommandBody.SessionCreate("T-" + seed, "prop", oncePolicy ? "once-per-technician" : null));
        s.join(Scenario.USER, null); // the user is there from the start, as in a real session; it may leave later
        Set<String> consentedByUser = new HashSet<>();
        for (int step = 0; step < STEPS; step++) {
            int before = s.log.size();
            int op = random.nextInt(14);
            Actor actor = actorFor(op, random, s);
            String target = PEOPLE.get(random.nextInt(PEOPLE.size())).id();
            Input input = randomInput(op, random, s, actor, target);
            boolean userRevoke = actor.isEndUser() && input instanceof Input.Client c
                    && c.body() instanceof CommandBody.ControlRevoke;
            s.decide(input instanceof Input.Client || input instanceof Input.Join ? actor : Actor.SERVER, input);
            String where = "seed " + seed + " step " + step + " " + actor.id() + " " + input + " -> " + s.last;

            for (Event event : s.log.subList(before, s.log.size())) {
                if (event.type() == EventType.CONTROL_HANDOFF_REQUESTED) {
                    coverage.handoffRequests++;
                } else if (event.type() == EventType.CONTROL_REVOKED
                        && event.body(EventBody.ControlRevoked.class).from() != null) {
                    coverage.revokesOfControl++;
                } else if (event.type() == EventType.CONTROL_GRANTED) {
                    EventBody.ControlGranted g = event.body(EventBody.ControlGranted.class);
                    if (g.consent().equals("user")) {
                        coverage.userGrants++;
                        assertThat(event.actor().isEndUser()).as(where + ": only the user consents").isTrue();
                        consentedByUser.add(g.to());
                    } else {
                        coverage.policyGrants++;
                        assertThat(oncePolicy).as(where + ": policy consent needs the policy").isTrue();
                        assertThat(consentedByUser).as(where + ": policy covers only earlier consent").contains(g.to());
                    }
                }
            }
            checkInvariants(s.state, consentedByUser, where);
            if (userRevoke && s.last instanceof Decision.Accept) {
                assertThat(s.state.controller()).as(where + ": a revoke always ends control").isNull();
            }
        }
        assertThat(s.replay()).as("seed " + seed + ": the log rebuilds the state").isEqualTo(s.state);
    }

    private static void checkInvariants(SessionState state, Set<String> consented, String where) {
        String controller = state.controller();
        if (controller == null) {
            return;
        }
        Member member = state.member(controller);
        assertThat(member).as(where + ": the controller is present").isNotNull();
        assertThat(member.connected()).as(where + ": the controller is connected").isTrue();
        assertThat(member.isTechnician()).as(where + ": the controller is a technician").isTrue();
        assertThat(member.allowControl()).as(where + ": the controller is allowed control").isTrue();
        assertThat(consented).as(where + ": the user consented to the controller").contains(controller);
        if (member.actor().tier() == Tier.L4) {
            assertThat(controller).as(where + ": no L4 without permission controls").isEqualTo(Scenario.L4.id());
        }
        if (state.pendingHandoff() != null) {
            assertThat(state.pendingHandoff().from()).as(where + ": a hand-off comes from the controller")
                    .isEqualTo(controller);
        }
    }

    /**
     * Mostly the participant who may do {@code op} (the user grants, the controller hands off), so
     * runs reach deep states; one time in four anyone at all, so misuse is tried too.
     */
    private static Actor actorFor(int op, Random random, Scenario s) {
        Actor anyone = PEOPLE.get(random.nextInt(PEOPLE.size()));
        if (random.nextInt(4) == 0) {
            return anyone;
        }
        return switch (op) {
            case 8, 9, 10, 13 -> Scenario.USER;
            case 11, 12 -> s.state.controller() == null ? anyone : s.state.member(s.state.controller()).actor();
            default -> anyone;
        };
    }

    private static Input randomInput(int op, Random random, Scenario s, Actor actor, String target) {
        switch (op) {
            case 0, 1:
                return joinInput(s, actor);
            case 2:
                return new Input.Client(new CommandBody.SessionLeave());
            case 3:
                return new Input.Disconnected(actor.id());
            case 4:
                s.advance(Duration.ofSeconds(31));
                return new Input.GraceExpired(actor.id());
            case 5, 6:
                return new Input.Client(new CommandBody.ControlRequest());
            case 7:
                return new Input.Client(new CommandBody.ControlWithdraw());
            case 8, 9:
                return new Input.Client(new CommandBody.ControlGrant(awaited(random, s, target)));
            case 10:
                return new Input.Client(new CommandBody.ControlDeny(awaited(random, s, target)));
            case 11:
                List<String> earlier = List.copyOf(s.state.consented());
                return new Input.Client(new CommandBody.ControlHandoff(earlier.isEmpty() || random.nextBoolean()
                        ? target : earlier.get(random.nextInt(earlier.size()))));
            case 12:
                return new Input.Client(new CommandBody.ControlRelease());
            default:
                return new Input.Client(new CommandBody.ControlRevoke());
        }
    }

    /** Mostly someone who is waiting for the user's answer, so grants are not all refused; sometimes anyone. */
    private static String awaited(Random random, Scenario s, String anyone) {
        List<String> waiting = new java.util.ArrayList<>(s.state.controlRequests());
        if (s.state.pendingHandoff() != null) {
            waiting.add(s.state.pendingHandoff().to());
        }
        return waiting.isEmpty() || random.nextInt(5) == 0 ? anyone : waiting.get(random.nextInt(waiting.size()));
    }

    /** A join the way the relay would present it: with a fresh invitation from an internal technician. */
    private static Input joinInput(Scenario s, Actor actor) {
        if (actor.isEndUser() || s.state.isMember(actor.id())) {
            return new Input.Join(null, actor.isEndUser());
        }
        Actor inviter = s.state.members().values().stream().filter(Member::isInternalTechnician)
                .map(Member::actor).findFirst().orElse(null);
        if (inviter == null) {
            return new Input.Join(null, false);
        }
        boolean vendor = actor.tier() == Tier.L4;
        Decision created = s.run(inviter, new CommandBody.InviteCreate(actor.tier().name(), actor.id(), 600L,
                vendor ? actor.equals(Scenario.L4) : null, vendor ? 3600L : null, false));
        if (!(created instanceof Decision.Accept accept)) {
            return new Input.Join(null, false);
        }
        return new Input.Join(((EventBody.InviteCreated) accept.events().get(0).body()).invite(), false);
    }
}
