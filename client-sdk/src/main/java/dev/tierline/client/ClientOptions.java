package dev.tierline.client;

import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Everything a client is configured with; immutable, built by {@link TierlineClient#builder()}.
 *
 * @param token          a signed token (technicians, auditors, app-backed end users), or {@code null}
 * @param sessionKey     an end user's session key, when there is no token
 * @param displayName    the end user's name shown to others (session-key users only)
 * @param callbackExecutor where listeners and futures run; {@code null} means one daemon thread per client
 * @param sslContext     for {@code wss://}; {@code null} uses the JDK's default trust
 * @param maxQueued      commands held while reconnecting; past that, sends fail with {@code UNAVAILABLE}
 */
public record ClientOptions(URI uri, String token, String sessionKey, String displayName, Duration connectTimeout,
                            Duration requestTimeout, ReconnectPolicy reconnect, Executor callbackExecutor,
                            SslContext sslContext, int maxQueued, int maxFrameBytes) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_QUEUED = 1000;
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

    public ClientOptions {
        if (uri == null || !(uri.getScheme().equals("ws") || uri.getScheme().equals("wss"))) {
            throw new IllegalArgumentException("uri must be ws:// or wss://, was " + uri);
        }
        if ((token == null) == (sessionKey == null)) {
            throw new IllegalArgumentException("give exactly one of token and sessionKey");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxQueued < 1 || maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxQueued must be >= 1 and maxFrameBytes >= 1024");
        }
    }

    /** Builds {@link ClientOptions}; every setter checks its value. */
    public static final class Builder {
        private URI uri;
        private String token;
        private String sessionKey;
        private String displayName;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private ReconnectPolicy reconnect = ReconnectPolicy.DEFAULT;
        private Executor callbackExecutor;
        private SslContext sslContext;
        private int maxQueued = DEFAULT_MAX_QUEUED;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

        Builder() {
        }

        /** The server's WebSocket address, e.g. {@code ws://127.0.0.1:8420/ws}. */
        public Builder uri(URI uri) {
            this.uri = uri;
            return this;
        }

        public Builder token(String token) {
            this.token = requireText(token, "token");
            return this;
        }

        /** An end user's session key and the name to show the technicians. */
        public Builder sessionKey(String key, String displayName) {
            this.sessionKey = requireText(key, "sessionKey");
            this.displayName = displayName;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder reconnect(ReconnectPolicy policy) {
            this.reconnect = java.util.Objects.requireNonNull(policy, "reconnect");
            return this;
        }

        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = executor;
            return this;
        }

        public Builder sslContext(SslContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        public Builder maxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public TierlineClient build() {
            return new NettyTierlineClient(new ClientOptions(uri, token, sessionKey, displayName, connectTimeout,
                    requestTimeout, reconnect, callbackExecutor, sslContext, maxQueued, maxFrameBytes));
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }
    }
}
