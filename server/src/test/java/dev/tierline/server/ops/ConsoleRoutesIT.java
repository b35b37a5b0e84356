package dev.tierline.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The routes the browser console stands on: static files, the SDK, and dev-mode tokens. */
class ConsoleRoutesIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ServerExtension server = new ServerExtension();

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.server().httpUri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theJavaScriptSdkIsServedToTheConsole() throws Exception {
        HttpResponse<String> sdk = get("/console/sdk/tierline.js");
        assertThat(sdk.statusCode()).isEqualTo(200);
        assertThat(sdk.headers().firstValue("content-type").orElse("")).startsWith("text/javascript");
        assertThat(sdk.body()).contains("export");
        assertThat(get("/").statusCode()).isEqualTo(302);
    }

    @Test
    void pathsOutsideTheConsoleFindNothing() throws Exception {
        for (String path : new String[] {"/console/../logback.xml", "/console/%2e%2e/logback.xml", "/console/sdk/../../logback.xml",
                "/console/db/migration/V1__journal.sql", "/console/nope.js"}) {
            assertThat(get(path).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void devModeMintsTokensForTheStartPage() throws Exception {
        HttpResponse<String> minted = HTTP.send(HttpRequest.newBuilder(server.server().httpUri().resolve("/api/dev/tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"technician\",\"tier\":\"L2\",\"name\":\"Bob Builder\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(minted.body());
        assertThat(body.path("actor").path("tier").asText()).isEqualTo("L2");
        try (RawClient client = RawClient.connect(server.uri())) {
            WireSessions.assertAck(client.hello(body.path("token").asText()), "welcome");
        }
        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(server.server().httpUri().resolve("/api/dev/tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"system\",\"name\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }
}
