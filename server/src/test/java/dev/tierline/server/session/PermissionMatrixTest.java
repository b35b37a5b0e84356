package dev.tierline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.Tier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command against every role and tier, from the same session: the user, the L1 owner, an L2
 * with a pending control request, an L3, an L4 invited with control, an L4 invited without, and a
 * technician of another session. "ok" means accepted; anything else is the exact error code.
 */
class PermissionMatrixTest {
    private static final String MATRIX = """
            command                user         L1-owner     L2           L3           L4+control   L4           outsider
            chat.send              ok           ok           ok           ok           ok           ok           forbidden
            chat.send/technicians  forbidden    ok           ok           ok           forbidden    forbidden    forbidden
            note.add               forbidden    ok           ok           ok           forbidden    forbidden    forbidden
            invite.create          forbidden    ok           ok           ok           forbidden    forbidden    forbidden
            invite.revoke          forbidden    ok           forbidden    forbidden    forbidden    forbidden    forbidden
            owner.transfer         forbidden    ok           forbidden    forbidden    forbidden    forbidden    forbidden
            control.request        forbidden    ok           conflict     ok           ok           forbidden    forbidden
            control.withdraw       conflict     conflict     ok           conflict     conflict     conflict     forbidden
            control.grant          ok           forbidden    forbidden    forbidden    forbidden    forbidden    forbidden
            control.deny           ok           forbidden    forbidden    forbidden    forbidden    forbidden    forbidden
            control.handoff        forbidden    forbidden    forbidden    forbidden    forbidden    forbidden    forbidden
            control.release        conflict     conflict     conflict     conflict     conflict     conflict     forbidden
            control.revoke         conflict     forbidden    forbidden    forbidden    forbidden    forbidden    forbidden
            screen.share.start     ok           forbidden    forbidden    forbidden    forbidden    forbidden    forbidden
            screen.share.stop      conflict     forbidden    forbidden    forbidden    forbidden    forbidden    forbidden
            screen.signal          ok           bad_request  ok           ok           ok           ok           forbidden
            screen.pointer         ok           ok           ok           ok           ok           ok           forbidden
            session.accept         forbidden    conflict     conflict     conflict     forbidden    forbidden    conflict
            session.leave          ok           ok           ok           ok           ok           ok           forbidden
            session.end            forbidden    ok           forbidden    forbidden    forbidden    forbidden    forbidden
            session.create         forbidden    conflict     conflict     conflict     forbidden    forbidden    conflict
            """;

    private static final List<Actor> ACTORS = List.of(Scenario.USER, Scenario.L1, Scenario.L2, Scenario.L3,
            Scenario.L4, Scenario.L4_NO_CONTROL, Scenario.OUTSIDER);

    /** What each row sends; {@code invite} is an open invitation created by the L1 owner. */
    private static final Map<String, Function<String, CommandBody>> COMMANDS = new LinkedHashMap<>();

    static {
        var display = new CommandBody.Display("d1", 1920, 1080, 1.0, true);
        COMMANDS.put("chat.send", i -> new CommandBody.ChatSend("hello", "all"));
        COMMANDS.put("chat.send/technicians", i -> new CommandBody.ChatSend("psst", "technicians"));
        COMMANDS.put("note.add", i -> new CommandBody.NoteAdd("checked DNS"));
        COMMANDS.put("invite.create", i -> new CommandBody.InviteCreate("L2", null, 60L, null, null, null));
        COMMANDS.put("invite.revoke", i -> new CommandBody.InviteRevoke(i));
        COMMANDS.put("owner.transfer", i -> new CommandBody.OwnerTransfer(Scenario.L3.id(), "expert needed"));
        COMMANDS.put("control.request", i -> new CommandBody.ControlRequest());
        COMMANDS.put("control.withdraw", i -> new CommandBody.ControlWithdraw());
        COMMANDS.put("control.grant", i -> new CommandBody.ControlGrant(Scenario.L2.id()));
        COMMANDS.put("control.deny", i -> new CommandBody.ControlDeny(Scenario.L2.id()));
        COMMANDS.put("control.handoff", i -> new CommandBody.ControlHandoff(Scenario.L3.id()));
        COMMANDS.put("control.release", i -> new CommandBody.ControlRelease());
        COMMANDS.put("control.revoke", i -> new CommandBody.ControlRevoke());
        COMMANDS.put("screen.share.start", i -> new CommandBody.ScreenShareStart("st", List.of(display), "vp9", 30));
        COMMANDS.put("screen.share.stop", i -> new CommandBody.ScreenShareStop());
        COMMANDS.put("screen.signal", i -> new CommandBody.ScreenSignal(Scenario.L1.id(), "ice",
                JsonNodeFactory.instance.objectNode().put("candidate", "c")));
        COMMANDS.put("screen.pointer", i -> new CommandBody.ScreenPointer("d1", 10.0, 20.0));
        COMMANDS.put("session.accept", i -> new CommandBody.SessionAccept());
        COMMANDS.put("session.leave", i -> new CommandBody.SessionLeave());
        COMMANDS.put("session.end", i -> new CommandBody.SessionEnd("resolved", "done"));
        COMMANDS.put("session.create", i -> new CommandBody.SessionCreate("T-2", "again", null));
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        String[] rows = MATRIX.strip().split("\n");
        for (int r = 1; r < rows.length; r++) {
            String[] cols = rows[r].trim().split("\\s+");
            assertThat(cols).as("row %s", rows[r]).hasSize(ACTORS.size() + 1);
            assertThat(COMMANDS).as("row %s names a known command", cols[0]).containsKey(cols[0]);
            for (int a = 0; a < ACTORS.size(); a++) {
                cells.add(Arguments.of(cols[0], ACTORS.get(a), cols[a + 1]));
            }
        }
        assertThat(rows.length - 1).as("every command has a row").isEqualTo(COMMANDS.size());
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} by {1} -> {2}")
    @MethodSource("cells")
    void commandIsAllowedOrRefusedWithTheExactCode(String command, Actor actor, String expected) {
        Scenario s = Scenario.fullSession();
        String invite = s.invite(Scenario.L1, Tier.L2, null, null, false);
        s.ok(Scenario.L2, new CommandBody.ControlRequest());

        Decision decision = s.run(actor, COMMANDS.get(command).apply(invite));

        if (expected.equals("ok")) {
            assertThat(decision).as(String.valueOf(decision)).isNotInstanceOf(Decision.Reject.class);
        } else {
            assertThat(decision).isInstanceOf(Decision.Reject.class);
            assertThat(((Decision.Reject) decision).code()).as(String.valueOf(decision))
                    .isEqualTo(ErrorCode.fromWire(expected));
        }
    }
}
