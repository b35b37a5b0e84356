package dev.tierline.bench;

import java.util.Map;

/** Something the workload runs against: a relay, a broker, Tierline. */
interface Target extends AutoCloseable {
    /** Where messages received by a participant go. Called on network threads, one per connection. */
    interface Sink {
        void onMessage(int session, int receiver, String payload);

        /**
         * The server answered a published message with an error: its deliveries will never come.
         * {@code sender} and {@code seq} are the message's, as in its payload. Only the workload,
         * which waits for deliveries, has anything to do with it.
         */
        default void onRefused(int sender, int seq) {
        }
    }

    String name();

    /** Connects every participant of every session (each its own connection) and subscribes it. */
    void connect(int sessions, int participants, Sink sink) throws Exception;

    /** Publishes a chat message from one participant to its session; never blocks. */
    void publish(int session, int participant, String payload);

    /** What the server the runner started said when it was ready, or {@code null} for a service of the machine's. */
    default String startLine() {
        return null;
    }

    /**
     * The published messages the server answered with an error since it started, by error code
     * and the first message given with that code: what the workload left out of its deliveries,
     * and why. Empty for the peers, which answer no publish.
     */
    default Map<String, Long> refusals() {
        return Map.of();
    }

    /** The server process to charge CPU to, or -1. */
    long serverPid();

    @Override
    void close() throws Exception;
}
