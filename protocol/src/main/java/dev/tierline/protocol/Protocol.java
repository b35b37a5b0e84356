package dev.tierline.protocol;

/** Constants of the wire contract. */
public final class Protocol {
    /** The protocol version every envelope carries in {@code v}. */
    public static final int VERSION = 1;

    /** The WebSocket path on the server. */
    public static final String WEBSOCKET_PATH = "/ws";

    private Protocol() {
    }
}
