package dev.tierline.server.tickets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request Tracker over its REST 2 API. Each delivery becomes an internal comment on the session's
 * ticket: the readable transcript, escalation path, outcome, signed digest and auditor link when a
 * session ends; the note itself when a technician adds one.
 *
 * <p>Idempotent without help from RT: every comment's subject carries {@code [tierline <delivery
 * id>]}, and before commenting the connector searches RT's attachments for that subject, so a
 * retry after a lost response finds the first comment instead of adding a second. Tierline
 * tickets map to RT tickets by number ({@code 1234} or {@code RT-1234}); any other ticket id gets
 * an RT ticket in the configured queue whose subject carries {@code [tierline <ticket>]}, found the
 * same way by later deliveries.
 */
public final class RequestTrackerSink implements TicketSink {
    private static final Pattern RT_NUMBER = Pattern.compile("^(?:RT-?)?(\\d+)$", Pattern.CASE_INSENSITIVE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String authorization;
    private final String queue;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param baseUrl  RT's web root, e.g. {@code https://rt.example.com}
     * @param token    an RT auth token ({@code Authorization: token …}); or empty to use user and password
     */
    public RequestTrackerSink(String baseUrl, String user, String password, String token, String queue, Duration timeout) {
        this.api = URI.create(baseUrl.replaceAll("/+$", "") + "/REST/2.0/");
        this.authorization = !token.isEmpty() ? "token " + token
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.queue = queue;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String name() {
        return "rt";
    }

    @Override
    public String deliver(Delivery delivery) throws IOException, InterruptedException {
        JsonNode payload = JSON.readTree(delivery.payload());
        String ticket = rtTicket(delivery.ticket(), payload);
        String marker = "[tierline " + delivery.id() + "]";
        if (!search("attachments", "[{\"field\":\"Subject\",\"operator\":\"LIKE\",\"value\":" + JSON.writeValueAsString(marker)
                + "}]").isEmpty()) {
            return ticket; // an earlier attempt landed; its response was lost
        }
        String subject = Delivery.NOTE_ADDED.equals(delivery.kind())
                ? "Tierline note, session " + delivery.session() + " " + marker
                : "Tierline session " + delivery.session() + " transcript " + marker;
        ObjectNode comment = JSON.createObjectNode().put("Subject", subject)
                .put("Content", TicketPayloads.readable(payload)).put("ContentType", "text/plain");
        send("POST", "ticket/" + ticket + "/comment", comment.toString());
        return ticket;
    }

    private String rtTicket(String tierlineTicket, JsonNode payload) throws IOException, InterruptedException {
        Matcher number = RT_NUMBER.matcher(tierlineTicket);
        if (number.matches()) {
            return number.group(1);
        }
        String marker = "[tierline " + tierlineTicket + "]";
        JsonNode found = get("tickets?query=" + URLEncoder.encode("Subject LIKE '" + marker.replace("'", "\\'") + "'",
                StandardCharsets.UTF_8)).path("items");
        if (!found.isEmpty()) {
            return found.get(0).path("id").asText();
        }
        String title = payload.path("history").path("title").asText("Live support session");
        ObjectNode create = JSON.createObjectNode().put("Queue", queue)
                .put("Subject", (title.isBlank() ? "Live support session" : title) + " " + marker);
        return JSON.readTree(send("POST", "ticket", create.toString())).path("id").asText();
    }

    private JsonNode search(String collection, String query) throws IOException, InterruptedException {
        return JSON.readTree(send("POST", collection + "?fields=Subject", query)).path("items");
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", path, null));
    }

    private String send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).timeout(timeout)
                .header("Authorization", authorization).header("Accept", "application/json");
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            String text = response.body().length() > 300 ? response.body().substring(0, 300) : response.body();
            throw new IOException("RT answered " + response.statusCode() + " to " + method + " " + path + ": " + text.strip());
        }
        return response.body();
    }
}
