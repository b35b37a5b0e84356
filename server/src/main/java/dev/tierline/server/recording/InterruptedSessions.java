package dev.tierline.server.recording;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.server.session.DecideContext;
import dev.tierline.server.session.Decision;
import dev.tierline.server.session.EventStamper;
import dev.tierline.server.session.Input;
import dev.tierline.server.session.SessionDecider;
import dev.tierline.server.session.SessionEvolver;
import dev.tierline.server.session.SessionState;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, sessions the journal shows as never ended were live when the server stopped. Each
 * is rebuilt by folding its transcript, then ended by the core as {@code interrupted}, which seals
 * it and writes its ticket history like any other end.
 */
public final class InterruptedSessions {
    private static final Logger log = LoggerFactory.getLogger(InterruptedSessions.class);

    private InterruptedSessions() {
    }

    /** @return how many sessions were ended */
    public static int endAll(Journal journal, ProtocolCodec codec) throws SQLException {
        List<String> open = journal.store().openSessions();
        for (String session : open) {
            SessionState state = SessionState.initial(session);
            for (JournalStore.Entry entry : journal.store().entries(session)) {
                state = SessionEvolver.evolve(state, EntryCodec.event(entry, codec));
            }
            Decision decision = SessionDecider.decide(state, new Input.Interrupted(), Actor.SERVER,
                    new DecideContext(Instant.now(), () -> "unused", Integer.MAX_VALUE));
            if (decision instanceof Decision.Accept accept) {
                journal.append(EventStamper.stamp(state, accept.events(), Actor.SERVER, Instant.now())).join();
                log.info("session ended session={} ticket={} outcome=interrupted reason=server restart events={}",
                        session, state.ticket(), state.seq() + accept.events().size());
            }
        }
        return open.size();
    }
}
