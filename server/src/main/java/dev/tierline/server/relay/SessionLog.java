package dev.tierline.server.relay;

import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.server.session.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One readable log line per session lifecycle event, with session, ticket and participant ids; never secrets. */
final class SessionLog {
    private static final Logger log = LoggerFactory.getLogger("tierline.session");

    private final String session;

    SessionLog(String session) {
        this.session = session;
    }

    void event(Event event, SessionState state) {
        if (!log.isInfoEnabled()) {
            return;
        }
        String ticket = state.ticket();
        switch (event.type()) {
            case SESSION_OPENED -> log.info("session opened session={} ticket={} by={} state={}", session, ticket,
                    event.actor().id(), state.status());
            case SESSION_ACCEPTED -> log.info("session accepted session={} ticket={} owner={}", session, ticket,
                    event.body(EventBody.SessionAccepted.class).owner());
            case SESSION_REQUEUED -> log.info("session requeued session={} ticket={} topic={}", session, ticket,
                    state.topic());
            case PARTICIPANT_JOINED -> {
                EventBody.ParticipantJoined j = event.body(EventBody.ParticipantJoined.class);
                log.info("participant joined session={} ticket={} participant={} role={} tier={} via={}", session, ticket,
                        j.participant().id(), j.participant().role().wire(), j.participant().tier(), j.via());
            }
            case PARTICIPANT_RECONNECTED -> log.info("participant reconnected session={} ticket={} participant={}",
                    session, ticket, event.body(EventBody.ParticipantReconnected.class).participant());
            case PARTICIPANT_DISCONNECTED -> log.info("participant disconnected session={} ticket={} participant={}",
                    session, ticket, event.body(EventBody.ParticipantDisconnected.class).participant());
            case PARTICIPANT_LEFT -> {
                EventBody.ParticipantLeft l = event.body(EventBody.ParticipantLeft.class);
                log.info("participant left session={} ticket={} participant={} reason={}", session, ticket,
                        l.participant(), l.reason());
            }
            case OWNER_TRANSFERRED -> {
                EventBody.OwnerTransferred t = event.body(EventBody.OwnerTransferred.class);
                log.info("owner transferred session={} ticket={} from={}({}) to={}({}) reason={}", session, ticket,
                        t.from(), t.fromTier(), t.to(), t.toTier(), t.reason());
            }
            case SESSION_ENDED -> {
                EventBody.SessionEnded e = event.body(EventBody.SessionEnded.class);
                log.info("session ended session={} ticket={} outcome={} reason={} events={}", session, ticket,
                        e.outcome(), e.reason(), event.seq());
            }
            default -> {
            }
        }
    }
}
