package dev.tierline.server.relay;

/** Names of the pipeline's handlers, so the pipeline reads the same everywhere it is touched. */
final class HandlerNames {
    static final String ADDRESS_LIMIT = "address-limit";
    static final String TLS = "tls";
    static final String IDLE = "idle";
    static final String IDLE_GUARD = "idle-guard";
    static final String ORIGIN = "origin";
    static final String HTTP_CODEC = "http-codec";
    static final String HTTP_AGGREGATOR = "http-aggregator";
    static final String WEBSOCKET = "websocket";
    static final String HTTP_ROUTES = "http-routes";
    static final String FRAME_AGGREGATOR = "ws-frame-aggregator";
    static final String FRAMES = "frames";

    private HandlerNames() {
    }
}
