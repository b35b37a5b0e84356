package dev.tierline.server;

import dev.tierline.client.TierlineClient;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.config.ConfigLoader;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.config.Setting;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
        server = TierlineServer.start(config());
    }

    public ServerConfig config() {
        return ConfigLoader.load(null, Map.of(), settings);
    }

    /** Stops the server and starts it again on the same data (and a new port), as after a restart. */
    public void restart() throws Exception {
        server.close();
        server = TierlineServer.start(config());
    }

    /** GET {@code path} with a bearer token ({@code null} for none). */
    public HttpResponse<String> get(String path, String token, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri().resolve(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code method} (POST, PUT …) {@code path} with a JSON body and a bearer token ({@code null} for none). */
    public HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.httpUri().resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(json == null ? "" : json))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    /** An SDK client for {@code token}, not yet connected. */
    public TierlineClient client(String token) {
        return TierlineClient.builder().uri(uri()).token(token).build();
    }

    /** An SDK client for an end user holding a session key. */
    public TierlineClient endUserClient(String key, String name) {
        return TierlineClient.builder().uri(uri()).sessionKey(key, name).build();
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
