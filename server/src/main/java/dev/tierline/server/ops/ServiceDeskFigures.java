package dev.tierline.server.ops;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures a service-desk lead judges support by, folded from recorded events — the same
 * events the transcripts hold, so the figures and the transcripts cannot disagree: time to the
 * first technician (queue wait), time to resolution, escalations by tier path (an invitation from
 * one tier, accepted by another), sessions resolved per tier (the owner's tier at the end),
 * control hand-offs, and outcomes. Feed it events in order per session; one instance is not
 * thread-safe.
 */
public final class ServiceDeskFigures {
    /** What the live server does with each figure as it is found: the Prometheus meters. */
    public interface Sink {
        void sessionOpened(boolean queued);

        void queueWait(Duration wait);

        void escalation(String path);

        void controlHandoff();

        /** @param ownerTier the owner's tier when the session ended, {@code null} if it never had one */
        void ended(String outcome, Tier ownerTier, Duration open, boolean resolved);
    }

    private static final class Tracked {
        final Instant openedAt;
        /** When the request reached the queue: at opening, or after self-help when the user sent it on. */
        Instant queuedAt;
        final boolean queued;
        boolean accepted;
        Tier ownerTier;
        final Map<String, Tier> inviterTier = new HashMap<>();

        Tracked(Instant openedAt, boolean queued, Tier ownerTier) {
            this.openedAt = openedAt;
            this.queuedAt = openedAt;
            this.queued = queued;
            this.ownerTier = ownerTier;
        }
    }

    private final Map<String, Tracked> open = new HashMap<>();
    private final Sink sink;
    private final boolean keepSamples;
    private long opened;
    private long queued;
    private long handoffs;
    private final List<Long> queueWaitMillis = new ArrayList<>();
    private final List<Long> resolutionMillis = new ArrayList<>();
    private final Map<String, Long> escalations = new TreeMap<>();
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final Map<String, Long> resolvedByTier = new TreeMap<>();

    /** @param keepSamples keep every duration, for percentiles in {@link #toJson()} (reports over a range) */
    public ServiceDeskFigures(Sink sink, boolean keepSamples) {
        this.sink = sink;
        this.keepSamples = keepSamples;
    }

    /** For a report: no meters, every sample kept. */
    public static ServiceDeskFigures report() {
        return new ServiceDeskFigures(null, true);
    }

    public void accept(Event event) {
        if (!event.type().recorded()) {
            return;
        }
        Tracked session = open.get(event.session());
        switch (event.type()) {
            case SESSION_OPENED -> {
                String openedAs = event.body(EventBody.SessionOpened.class).state();
                boolean isRequest = "waiting".equals(openedAs) || "self_help".equals(openedAs);
                Tier owner = event.actor().role() == Role.TECHNICIAN ? event.actor().tier() : null;
                open.put(event.session(), new Tracked(event.ts(), isRequest, owner));
                opened++;
                queued += isRequest ? 1 : 0;
                if (sink != null) {
                    sink.sessionOpened(isRequest);
                }
            }
            case SESSION_ACCEPTED -> {
                EventBody.SessionAccepted accepted = event.body(EventBody.SessionAccepted.class);
                if (session != null) {
                    session.ownerTier = accepted.ownerTier();
                    if (session.queued && !session.accepted) {
                        session.accepted = true;
                        Duration wait = Duration.between(session.queuedAt, event.ts());
                        if (keepSamples) {
                            queueWaitMillis.add(wait.toMillis());
                        }
                        if (sink != null) {
                            sink.queueWait(wait);
                        }
                    }
                }
            }
            case SESSION_REQUEUED -> {
                if (session != null && !session.accepted) {
                    session.queuedAt = event.ts(); // self-help declined: the queue wait starts now
                }
            }
            case OWNER_TRANSFERRED -> {
                if (session != null) {
                    session.ownerTier = event.body(EventBody.OwnerTransferred.class).toTier();
                }
            }
            case INVITE_CREATED -> {
                if (session != null && event.actor().tier() != null) {
                    session.inviterTier.put(event.body(EventBody.InviteCreated.class).invite(), event.actor().tier());
                }
            }
            case PARTICIPANT_JOINED -> {
                EventBody.ParticipantJoined joined = event.body(EventBody.ParticipantJoined.class);
                Tier from = session == null || joined.invite() == null ? null : session.inviterTier.get(joined.invite());
                if (from != null && joined.participant().tier() != null) {
                    String path = from + "->" + joined.participant().tier();
                    escalations.merge(path, 1L, Long::sum);
                    if (sink != null) {
                        sink.escalation(path);
                    }
                }
            }
            case CONTROL_GRANTED -> {
                if (event.body(EventBody.ControlGranted.class).from() != null) { // moved between technicians
                    handoffs++;
                    if (sink != null) {
                        sink.controlHandoff();
                    }
                }
            }
            case SESSION_ENDED -> {
                String outcome = event.body(EventBody.SessionEnded.class).outcome();
                outcomes.merge(outcome, 1L, Long::sum);
                open.remove(event.session());
                Tier tier = session == null ? null : session.ownerTier;
                boolean resolved = "resolved".equals(outcome);
                Duration lasted = session == null ? null : Duration.between(session.openedAt, event.ts());
                if (resolved) {
                    resolvedByTier.merge(tier == null ? "none" : tier.name(), 1L, Long::sum);
                    if (keepSamples && lasted != null) {
                        resolutionMillis.add(lasted.toMillis());
                    }
                }
                if (sink != null) {
                    sink.ended(outcome, tier, lasted, resolved);
                }
            }
            default -> {
                // chat, presence, screen share, notes: not figures
            }
        }
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.putObject("sessions").put("opened", opened).put("requests", queued)
                .put("ended", outcomes.values().stream().mapToLong(Long::longValue).sum());
        json.set("queueWait", durations(queueWaitMillis));
        json.set("timeToResolution", durations(resolutionMillis));
        ObjectNode paths = json.putObject("escalations");
        escalations.forEach(paths::put);
        ObjectNode byTier = json.putObject("resolvedByTier");
        resolvedByTier.forEach(byTier::put);
        ObjectNode byOutcome = json.putObject("outcomes");
        outcomes.forEach(byOutcome::put);
        json.put("controlHandoffs", handoffs);
        return json;
    }

    private static ObjectNode durations(List<Long> millis) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("count", millis.size());
        if (millis.isEmpty()) {
            return node;
        }
        long[] sorted = millis.stream().mapToLong(Long::longValue).sorted().toArray();
        node.put("meanSeconds", seconds(Math.round(java.util.Arrays.stream(sorted).average().orElse(0))));
        node.put("p50Seconds", seconds(percentile(sorted, 50)));
        node.put("p90Seconds", seconds(percentile(sorted, 90)));
        node.put("maxSeconds", seconds(sorted[sorted.length - 1]));
        return node;
    }

    private static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }
}
