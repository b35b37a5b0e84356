package dev.tierline.server.tickets;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Request Tracker that ../shared/services/request-tracker.sh started (KEEP_RUNNING=1): its
 * address from the script's state folder, a small REST 2 reader for assertions, and stop/start of
 * the same server on the same database, to test deliveries while RT is down.
 */
final class RequestTracker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RT_SERVER = "/usr/share/request-tracker5/libexec/rt-server";

    final Path state = Path.of(System.getenv().getOrDefault("RT_STATE", "/tmp/tierline-rt"));
    final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    RequestTracker() throws IOException {
        Path url = state.resolve("base_url");
        if (!Files.exists(url)) {
            throw new IllegalStateException("no Request Tracker: run KEEP_RUNNING=1 bash ../shared/services/request-tracker.sh"
                    + " (the rt profile of .ci/run does)");
        }
        baseUrl = Files.readString(url).strip();
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("RT " + response.statusCode() + " for " + path + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/REST/2.0/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("root:password".getBytes(StandardCharsets.UTF_8)));
    }

    /** RT ticket ids whose subject contains {@code text}. */
    List<String> ticketsWithSubject(String text) throws Exception {
        List<String> ids = new ArrayList<>();
        get("tickets?query=" + URLEncoder.encode("Subject LIKE '" + text + "'", StandardCharsets.UTF_8))
                .path("items").forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    /** Every attachment (comments included) of a ticket, subject and content. */
    List<JsonNode> attachments(String ticket) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        get("ticket/" + ticket + "/attachments?fields=Subject,Content&per_page=100").path("items").forEach(all::add);
        return all;
    }

    boolean isUp() {
        try {
            return http.send(request("rt").GET().timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Stops the server (its whole process group: rt-server forks workers) and waits until it refuses. */
    void stop() throws Exception {
        long pid = Long.parseLong(Files.readString(state.resolve("server.pid")).strip());
        new ProcessBuilder("kill", "--", "-" + pid).inheritIO().start().waitFor();
        await().atMost(Duration.ofSeconds(30)).until(() -> !isUp());
    }

    /** Starts rt-server again on the same database and port, as the script did, and waits until it answers. */
    void start() throws Exception {
        int port = URI.create(baseUrl).getPort();
        ProcessBuilder builder = new ProcessBuilder("setsid", RT_SERVER, "--server", "Starlet", "--max-workers", "1",
                "--host", "127.0.0.1", "--port", Integer.toString(port))
                .directory(state.toFile())
                .redirectOutput(state.resolve("server.log").toFile()).redirectErrorStream(true);
        builder.environment().put("RT_SITE_CONFIG", state.resolve("RT_SiteConfig.pm").toString());
        builder.environment().put("RT_SITE_CONFIG_DIR", state.resolve("conf.d").toString());
        Process process = builder.start();
        Files.writeString(state.resolve("server.pid"), Long.toString(process.pid()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(this::isUp);
    }
}
