package dev.tierline.client;

/** Where a client's connection stands. */
public enum ConnectionState {
    /** Opening the first connection. */
    CONNECTING,
    /** Authenticated, with every joined session resumed. */
    CONNECTED,
    /** The connection dropped; the client is trying again and will resume its sessions. */
    RECONNECTING,
    /** Closed by the app, refused by the server, or given up on: final. */
    CLOSED
}
