package dev.tierline.server;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.config.ConfigLoader;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.config.Setting;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real server on an ephemeral port with a fresh data directory for a test class, and
 * mints development tokens for it. Register with {@code @RegisterExtension static}.
 */
public final class ServerExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<Setting, String> settings = new EnumMap<>(Setting.class);
    private TierlineServer server;
    private Path dataDir;

    public ServerExtension() {
        settings.put(Setting.PORT, "0");
        settings.put(Setting.IO_THREADS, "2");
    }

    public ServerExtension with(Setting setting, String value) {
        settings.put(setting, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("tierline-test");
        settings.put(Setting.DATA_DIR, dataDir.toString());
        ServerConfig config = ConfigLoader.load(null, Map.of(), settings);
        server = TierlineServer.start(config);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (server != null) {
            server.close();
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    public TierlineServer server() {
        return server;
    }

    public URI uri() {
        return server.webSocketUri();
    }

    public String technician(String id, Tier tier) {
        return server.devTokens().mint(new Actor(id, id, Role.TECHNICIAN, tier), Duration.ofHours(1));
    }

    public String endUser(String id) {
        return server.devTokens().mint(new Actor(id, id, Role.END_USER, null), Duration.ofHours(1));
    }

    public String auditor(String id) {
        return server.devTokens().mint(new Actor(id, id, Role.AUDITOR, null), Duration.ofHours(1));
    }
}
