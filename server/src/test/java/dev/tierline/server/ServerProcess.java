package dev.tierline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server as its own operating-system process, for tests of what only a process shows: kill -9,
 * SIGTERM, the packaged launcher, log output. Output (stdout and stderr) is kept line by line.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on wss?://[^:]+:(\\d+)/ws");

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final int port;
    private final Thread reader;

    private ServerProcess(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        process = builder.start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    }
                }
                listening.completeExceptionally(new IllegalStateException("server exited before listening: " + lines()));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        port = listening.orTimeout(60, TimeUnit.SECONDS).join();
    }

    /** {@code java -jar target/tierline-server.jar serve --port 0 --data-dir dataDir}. */
    public static ServerProcess jar(Path dataDir, Map<String, String> env) throws IOException {
        Path jar = Path.of("target", "tierline-server.jar");
        assertThat(jar).as("the integration tests run after 'package'").exists();
        return start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "serve", "--port", "0", "--data-dir", dataDir.toString()), env);
    }

    public static ServerProcess start(List<String> command, Map<String, String> env) throws IOException {
        return new ServerProcess(command, env);
    }

    public int port() {
        return port;
    }

    public URI webSocketUri() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for the process to exit and for all its output to be read; false if it is still running. */
    public boolean awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(timeout.toMillis());
        return true;
    }

    /**
     * SIGTERM, as systemd or a container runtime stops a service. Through the process handle:
     * {@link Process#destroy()} would also close our end of its output pipe, and lose what it
     * logs while it shuts down.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** GET {@code path} with a bearer token ({@code null} for none); returns the body after checking for 200. */
    public String get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
