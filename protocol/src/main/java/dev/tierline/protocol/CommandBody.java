package dev.tierline.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The body of a command, one record per command type. Each record checks its own required fields
 * so a decoded command is always complete; {@link CommandType} names them on the wire.
 */
public sealed interface CommandBody {

    /** First frame of every connection: a signed token, or an end user's session key. */
    record Hello(String token, String key, String name) implements CommandBody {
        public Hello {
            if ((token == null || token.isBlank()) && (key == null || key.isBlank())) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing field body.token (or body.key)");
            }
        }
    }

    /** An end user asks for help; the request waits in the topic's queue. */
    record RequestOpen(String ticket, String topic, String summary) implements CommandBody {
        public RequestOpen {
            ProtocolException.required(topic, "body.topic");
            ProtocolException.required(summary, "body.summary");
        }
    }

    record QueueList(String topic) implements CommandBody {}

    /**
     * A technician opens a session for a ticket. {@code consent} is the control consent policy:
     * {@code each-time} (default) or {@code once-per-technician}.
     */
    record SessionCreate(String ticket, String title, String consent) implements CommandBody {
        public SessionCreate {
            ProtocolException.required(ticket, "body.ticket");
            title = title == null ? ticket : title;
        }
    }

    record SessionAccept() implements CommandBody {}

    /** Join with an invitation token, an end user's session key, or neither when returning. */
    record SessionJoin(String invite, String key, Long resumeFrom) implements CommandBody {
        public SessionJoin {
            if (resumeFrom != null && resumeFrom < 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.resumeFrom must be >= 0");
            }
        }
    }

    record SessionLeave() implements CommandBody {}

    record ChatSend(String text, String audience) implements CommandBody {
        public ChatSend {
            ProtocolException.required(text, "body.text");
            audience = audience == null ? "all" : audience;
            if (!audience.equals("all") && !audience.equals("technicians")) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.audience must be all or technicians");
            }
        }
    }

    /**
     * Invite a technician of a tier. {@code windowSeconds} is how long an L4 invitee may stay once
     * joined (required for L4); {@code technicianChat} lets an L4 invitee see technician-only traffic;
     * {@code allowControl} defaults to true for L1-L3 and false for L4.
     */
    record InviteCreate(String tier, String invitee, Long ttlSeconds, Boolean allowControl,
                        Long windowSeconds, Boolean technicianChat) implements CommandBody {
        public InviteCreate {
            Tier.parse(ProtocolException.required(tier, "body.tier"));
            ProtocolException.present(ttlSeconds, "body.ttlSeconds");
            if (ttlSeconds <= 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.ttlSeconds must be positive");
            }
            if (windowSeconds != null && windowSeconds <= 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.windowSeconds must be positive");
            }
            technicianChat = technicianChat != null && technicianChat;
        }

        public Tier tierValue() {
            return Tier.parse(tier);
        }
    }

    record InviteRevoke(String invite) implements CommandBody {
        public InviteRevoke {
            ProtocolException.required(invite, "body.invite");
        }
    }

    record OwnerTransfer(String to, String reason) implements CommandBody {
        public OwnerTransfer {
            ProtocolException.required(to, "body.to");
            ProtocolException.required(reason, "body.reason");
        }
    }

    record ControlRequest() implements CommandBody {}

    record ControlWithdraw() implements CommandBody {}

    record ControlGrant(String to) implements CommandBody {
        public ControlGrant {
            ProtocolException.required(to, "body.to");
        }
    }

    record ControlDeny(String to) implements CommandBody {
        public ControlDeny {
            ProtocolException.required(to, "body.to");
        }
    }

    record ControlHandoff(String to) implements CommandBody {
        public ControlHandoff {
            ProtocolException.required(to, "body.to");
        }
    }

    record ControlRelease() implements CommandBody {}

    record ControlRevoke() implements CommandBody {}

    /** One of the end user's displays as the screen stream shows it. */
    record Display(String id, Integer width, Integer height, Double scale, Boolean primary) {
        public Display {
            ProtocolException.required(id, "display.id");
            ProtocolException.present(width, "display.width");
            ProtocolException.present(height, "display.height");
            if (width <= 0 || height <= 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "display width and height must be positive");
            }
            scale = scale == null ? 1.0 : scale;
            primary = primary != null && primary;
        }
    }

    /** Screen-share metadata: the media itself flows peer-to-peer or through a media server. */
    interface ScreenShareSpec {
        String stream();

        List<Display> displays();

        String codec();

        Integer maxFps();

        static List<Display> check(String stream, List<Display> displays, Integer maxFps) {
            ProtocolException.required(stream, "body.stream");
            ProtocolException.present(displays, "body.displays");
            if (displays.isEmpty()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.displays must not be empty");
            }
            if (maxFps != null && maxFps <= 0) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.maxFps must be positive");
            }
            return List.copyOf(displays);
        }
    }

    /** The end user starts sharing a screen. */
    record ScreenShareStart(String stream, List<Display> displays, String codec, Integer maxFps)
            implements CommandBody, ScreenShareSpec {
        public ScreenShareStart {
            displays = ScreenShareSpec.check(stream, displays, maxFps);
        }
    }

    /** The end user changes what is shared (a display added, a resolution changed). */
    record ScreenShareUpdate(String stream, List<Display> displays, String codec, Integer maxFps)
            implements CommandBody, ScreenShareSpec {
        public ScreenShareUpdate {
            displays = ScreenShareSpec.check(stream, displays, maxFps);
        }
    }

    record ScreenShareStop() implements CommandBody {}

    /** SDP offer/answer or ICE candidate for exactly one participant; never recorded. */
    record ScreenSignal(String to, String kind, JsonNode payload) implements CommandBody {
        public ScreenSignal {
            ProtocolException.required(to, "body.to");
            ProtocolException.required(kind, "body.kind");
            ProtocolException.present(payload, "body.payload");
        }
    }

    /** A pointer position in display coordinates; ephemeral and coalesced under backpressure. */
    record ScreenPointer(String display, Double x, Double y) implements CommandBody {
        public ScreenPointer {
            ProtocolException.required(display, "body.display");
            ProtocolException.present(x, "body.x");
            ProtocolException.present(y, "body.y");
        }
    }

    record NoteAdd(String text) implements CommandBody {
        public NoteAdd {
            ProtocolException.required(text, "body.text");
        }
    }

    record SessionEnd(String outcome, String resolution) implements CommandBody {
        public SessionEnd {
            ProtocolException.required(outcome, "body.outcome");
            resolution = resolution == null ? "" : resolution;
        }
    }

    /**
     * Full-text search over knowledge articles (technicians). {@code audience} narrows to
     * {@code technicians} or {@code public} articles; {@code limit} is 1-20 (default 5).
     */
    record KbSearch(String q, String tag, String audience, Integer limit) implements CommandBody {
        public KbSearch {
            ProtocolException.required(q, "body.q");
            if (audience != null && !audience.equals("technicians") && !audience.equals("public")) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.audience must be technicians or public");
            }
            limit = limit == null ? 5 : limit;
            if (limit < 1 || limit > 20) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.limit must be 1-20");
            }
        }
    }

    /**
     * Shares a knowledge article into the session's chat. {@code audience} is {@code all} (default)
     * or {@code technicians}; a technician-only article can only be shared with technicians.
     */
    record KbShare(String article, String audience) implements CommandBody {
        public KbShare {
            ProtocolException.required(article, "body.article");
            audience = audience == null ? "all" : audience;
            if (!audience.equals("all") && !audience.equals("technicians")) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "body.audience must be all or technicians");
            }
        }
    }

    /** The suggested articles did not help: the end user sends the request on to the technicians' queue. */
    record RequestQueue() implements CommandBody {}

    /** The end user says a suggested public article solved the problem: the request closes as self-resolved. */
    record RequestSelfResolve(String article) implements CommandBody {
        public RequestSelfResolve {
            ProtocolException.required(article, "body.article");
        }
    }
}
