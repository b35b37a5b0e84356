package dev.tierline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A server the runner starts as its own process and stops by its pid. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final String readyLine;

    private ServerProcess(Process process, String readyLine) {
        this.process = process;
        this.readyLine = readyLine;
    }

    /** Starts {@code command} and waits for a line containing {@code ready}. */
    static ServerProcess start(List<String> command, Map<String, String> env, String ready) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        // for profiling a measured server (an async-profiler agent, JFR): given to the servers alone
        String serverOptions = System.getenv("BENCH_SERVER_JAVA_OPTS");
        if (serverOptions != null && !serverOptions.isBlank()) {
            builder.environment().put("JAVA_TOOL_OPTIONS", serverOptions);
        }
        // where a measured server's own output goes (BENCH_SERVER_LOG, appended): by default it is read and dropped
        String log = System.getenv("BENCH_SERVER_LOG");
        java.io.PrintStream copy = log == null || log.isBlank() ? null
                : new java.io.PrintStream(new java.io.FileOutputStream(log, true), true, StandardCharsets.UTF_8);
        Process process = builder.start();
        CompletableFuture<String> up = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (copy != null) {
                        copy.println(line);
                    }
                    if (line.contains(ready)) {
                        up.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            up.completeExceptionally(new IllegalStateException("exited before '" + ready + "': " + command));
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        String line;
        try {
            line = up.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly(); // never leave a server that did not come up running
            throw e;
        }
        return new ServerProcess(process, line);
    }

    /** The line the server said it was ready with: it names the transport of the floor and of Tierline. */
    String readyLine() {
        return readyLine;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM by pid, then SIGKILL if it does not go. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The bench's own JVM, or BENCH_SERVER_JAVA (a path to another JDK's java) for the measured servers. */
    static String java() {
        String other = System.getenv("BENCH_SERVER_JAVA");
        return other != null && !other.isBlank() ? other
                : java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
