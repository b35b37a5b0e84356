package dev.tierline.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as an operator gets it: unpacked, started with bin/tierline, configured
 * by conf/tierline.yaml and environment variables, scraped, and stopped with SIGTERM.
 */
class DistributionIT {
    private static final String VERSION = System.getProperty("tierline.version", "0.1.0-SNAPSHOT");

    @TempDir
    Path install;

    @Test
    void theArchiveUnpacksStartsServesAndStops() throws Exception {
        Path archive = Path.of("target", "tierline-" + VERSION + ".tar.gz");
        assertThat(archive).as("built by 'package'").exists();
        run(List.of("tar", "xzf", archive.toAbsolutePath().toString(), "-C", install.toString()));
        Path home = install.resolve("tierline-" + VERSION);
        Path launcher = home.resolve("bin").resolve("tierline");
        assertThat(launcher).isExecutable();
        assertThat(home.resolve("conf").resolve("tierline.yaml")).exists();
        assertThat(home.resolve("systemd").resolve("tierline.service")).exists();
        assertThat(home.resolve("Dockerfile")).exists();
        assertThat(run(List.of(launcher.toString(), "--version"))).contains("Tierline " + VERSION);

        // conf/tierline.yaml is read by default; the environment overrides it
        Files.writeString(home.resolve("conf").resolve("tierline.yaml"),
                "port: 8420\nlimits:\n  maxFrameBytes: 32768\n  maxParticipants: 9\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"),
                "TIERLINE_LIMITS_MAX_PARTICIPANTS", "5", "TIERLINE_LIMITS_MESSAGES_PER_SECOND", "33");
        String token = run(List.of(launcher.toString(), "token", "--role", "technician", "--tier", "L2", "--name", "Ann"))
                .strip();
        try (ServerProcess server = ServerProcess.start(List.of(launcher.toString(), "serve", "--port", "0"), env)) {
            assertThat(home.resolve("data").resolve("tierline.db")).as("data under the install by default").exists();
            try (RawClient client = RawClient.connect(server.webSocketUri())) {
                JsonNode limits = client.hello(token).path("body").path("limits");
                assertThat(limits.path("maxFrameBytes").asInt()).as("from conf/tierline.yaml").isEqualTo(32768);
                assertThat(limits.path("maxParticipants").asInt()).as("environment over the file").isEqualTo(5);
                assertThat(limits.path("messagesPerSecond").asInt()).isEqualTo(33);
            }
            assertThat(server.get("/healthz", null)).contains("ok");
            assertThat(server.get("/readyz", null)).contains("ready");
            assertThat(server.get("/metrics", null)).contains("tierline_connections_accepted_total");
            server.terminate();
            assertThat(server.awaitExit(Duration.ofSeconds(30))).isTrue();
            assertThat(server.lines()).anyMatch(l -> l.contains("stopped in"));
        }
    }

    private static String run(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
