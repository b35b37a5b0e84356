package dev.tierline.server;

import dev.tierline.protocol.Protocol;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.relay.RelayMetrics;
import dev.tierline.server.relay.RelayServer;
import dev.tierline.server.security.Authenticator;
import dev.tierline.server.security.DevTokenIssuer;
import dev.tierline.server.security.InvitationRegistry;
import dev.tierline.server.security.SessionKeys;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Tierline server: its data directory, its token issuer and its relay. */
public final class TierlineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TierlineServer.class);

    private final ServerConfig config;
    private final Path dataDir;
    private final DevTokenIssuer devTokens;
    private final RelayServer relay;

    private TierlineServer(ServerConfig config, Path dataDir, DevTokenIssuer devTokens, RelayServer relay) {
        this.config = config;
        this.dataDir = dataDir;
        this.devTokens = devTokens;
        this.relay = relay;
    }

    public static TierlineServer start(ServerConfig config) throws IOException, InterruptedException {
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        DevTokenIssuer devTokens = null;
        if (config.devMode()) {
            devTokens = DevTokenIssuer.open(dataDir);
            log.warn("DEV MODE: trusting tokens signed by the development key in {}; do not use in production",
                    dataDir.resolve("keys"));
        }
        SessionKeys keys = new SessionKeys(config.sessionKeyTtl(), 4L * config.maxSessions());
        InvitationRegistry invitations = new InvitationRegistry(16L * config.maxSessions());
        RelayServer relay = RelayServer.start(config, new Authenticator(devTokens, keys), keys, invitations, version());
        return new TierlineServer(config, dataDir, devTokens, relay);
    }

    public static String version() {
        String version = TierlineServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    public int port() {
        return relay.address().getPort();
    }

    public URI webSocketUri() {
        return URI.create("ws://" + hostForUri() + ":" + port() + Protocol.WEBSOCKET_PATH);
    }

    public URI httpUri() {
        return URI.create("http://" + hostForUri() + ":" + port());
    }

    private String hostForUri() {
        String host = config.host();
        return host.equals("0.0.0.0") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The development token issuer, or {@code null} outside dev mode. */
    public DevTokenIssuer devTokens() {
        return devTokens;
    }

    public RelayMetrics metrics() {
        return relay.metrics();
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        relay.close();
    }
}
