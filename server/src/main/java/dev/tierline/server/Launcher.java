package dev.tierline.server;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import dev.tierline.server.config.ConfigException;
import dev.tierline.server.config.ConfigLoader;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.config.Setting;
import dev.tierline.server.security.DevTokenIssuer;
import dev.tierline.server.recording.TranscriptSigner;
import dev.tierline.server.recording.TranscriptVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar tierline-server.jar [serve|token] …}: the one entry point of the server jar. */
@Command(name = "tierline", mixinStandardHelpOptions = true, versionProvider = Launcher.Version.class,
        subcommands = {Launcher.Serve.class, Launcher.Token.class, Launcher.Verify.class, Launcher.RotateKey.class},
        description = "Tierline: live remote-assist sessions for every support tier.")
public final class Launcher implements Callable<Integer> {

    public static void main(String[] args) {
        nettyDefaults(System.getProperties());
        CommandLine cli = new CommandLine(new Launcher());
        if (args.length == 0 || args[0].startsWith("-") && !isHelpOrVersion(args[0])) {
            args = prepend("serve", args); // serving is what a bare start means
        }
        System.exit(cli.execute(args));
    }

    /**
     * Netty's leak detector, in its default sampling mode, records a stack trace for one buffer in
     * 128 when it is allocated and again when released: 2.5 % of the server's CPU in the bench
     * (the profile of its fixed-rate phase). The tests run it on every buffer ("paranoid", the
     * build's surefire and failsafe settings), so a leak fails the build rather than waits to be
     * sampled in production; a server runs without it unless started with
     * {@code -Dio.netty.leakDetection.level=simple} (or another level).
     */
    static void nettyDefaults(java.util.Properties system) {
        system.putIfAbsent("io.netty.leakDetection.level", "disabled");
    }

    private static boolean isHelpOrVersion(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** Options every sub-command shares: where the configuration and the data are. */
    static class Common {
        @Option(names = "--config", description = "YAML configuration file (env TIERLINE_CONFIG)")
        Path config;

        @Option(names = "--data-dir", description = "data directory (env TIERLINE_DATA_DIR, default ./data)")
        Path dataDir;

        Map<Setting, String> overrides() {
            Map<Setting, String> overrides = new EnumMap<>(Setting.class);
            if (dataDir != null) {
                overrides.put(Setting.DATA_DIR, dataDir.toString());
            }
            return overrides;
        }

        ServerConfig load(Map<Setting, String> overrides) {
            Path file = config;
            if (file == null && System.getenv("TIERLINE_CONFIG") != null) {
                file = Path.of(System.getenv("TIERLINE_CONFIG"));
            }
            return ConfigLoader.load(file, System.getenv(), overrides);
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the server (the default).")
    static final class Serve extends Common implements Callable<Integer> {
        @Option(names = "--port", description = "port for WebSocket and HTTP (env TIERLINE_PORT, default 8420)")
        Integer port;

        @Option(names = "--host", description = "address to listen on (env TIERLINE_HOST, default 127.0.0.1)")
        String host;

        @Override
        public Integer call() throws Exception {
            Map<Setting, String> overrides = overrides();
            if (port != null) {
                overrides.put(Setting.PORT, port.toString());
            }
            if (host != null) {
                overrides.put(Setting.HOST, host);
            }
            ServerConfig config;
            try {
                config = load(overrides);
            } catch (ConfigException e) {
                System.err.println("tierline: configuration error: " + e.getMessage());
                return 2;
            }
            applyLogging(config);
            long started = System.nanoTime();
            TierlineServer server = TierlineServer.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                // SIGTERM: a clean stop, but within a bound: past it, exit anyway; the next start
                // ends and seals whatever was left open
                Thread watchdog = new Thread(() -> {
                    try {
                        Thread.sleep(config.shutdownTimeout().toMillis());
                        System.err.println("tierline: shutdown took longer than " + config.shutdownTimeout() + "; halting");
                        Runtime.getRuntime().halt(1);
                    } catch (InterruptedException finished) {
                        // the clean stop finished first
                    }
                }, "tierline-shutdown-watchdog");
                watchdog.setDaemon(true);
                watchdog.start();
                server.close();
                watchdog.interrupt();
                stopped.countDown();
            }, "tierline-shutdown"));
            System.out.printf(Locale.ROOT, "Tierline %s listening on %s (HTTP %s/healthz, %s), started in %d ms%n",
                    TierlineServer.version(), server.webSocketUri(), server.httpUri(), server.transport(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis());
            System.out.println("Data directory: " + server.dataDir());
            System.out.flush();
            stopped.await();
            return 0;
        }
    }

    /**
     * Logback reads log.format and log.level from system properties or the environment when it
     * starts; a YAML file or option may have set them differently, so configure it again from them.
     */
    static void applyLogging(ServerConfig config) {
        String format = System.getenv().getOrDefault("TIERLINE_LOG_FORMAT", "text");
        String level = System.getenv().getOrDefault("TIERLINE_LOG_LEVEL", "info");
        if (config.logFormat().equals(format) && config.logLevel().equalsIgnoreCase(level)) {
            return; // logback already read these
        }
        System.setProperty("TIERLINE_LOG_FORMAT", config.logFormat());
        System.setProperty("TIERLINE_LOG_LEVEL", config.logLevel());
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.reset();
            try {
                new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
            } catch (ch.qos.logback.core.joran.spi.JoranException e) {
                System.err.println("tierline: logging configuration failed: " + e.getMessage());
            }
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Print a development token (trusted only by a server in dev mode with the same data directory).")
    static final class Token extends Common implements Callable<Integer> {
        @Option(names = "--role", required = true, description = "technician, end_user or auditor")
        String role;

        @Option(names = "--tier", description = "L1, L2, L3 or L4 (technicians only)")
        String tier;

        @Option(names = "--name", required = true, description = "display name")
        String name;

        @Option(names = "--id", description = "participant id (default: derived from the name)")
        String id;

        @Option(names = "--ttl", defaultValue = "PT8H", description = "how long the token is valid (default PT8H)")
        Duration ttl;

        @Override
        public Integer call() throws Exception {
            ServerConfig config;
            Actor actor;
            try {
                config = load(overrides());
                Role parsedRole = Role.fromWire(role);
                String participant = id != null ? id
                        : parsedRole.wire().charAt(0) + "-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
                actor = new Actor(participant, name, parsedRole, tier == null ? null : Tier.parse(tier));
            } catch (RuntimeException e) { // ConfigException, or a bad role or tier
                System.err.println("tierline token: " + e.getMessage());
                return 2;
            }
            System.out.println(DevTokenIssuer.open(config.dataDir()).mint(actor, ttl, config.authAudience()));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a transcript (JSON Lines from /api/sessions/{id}/transcript) offline: "
                    + "exits 0 if intact and sealed, 1 if anything was altered, removed, reordered or added.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "the transcript file (.jsonl)")
        Path transcript;

        @Option(names = "--key", required = true,
                description = "public key file (PEM, or base64 of the raw key); repeat for rotated keys")
        List<Path> keys;

        @Override
        public Integer call() throws Exception {
            Map<String, byte[]> byId = new java.util.HashMap<>();
            for (Path key : keys) {
                byte[] raw = TranscriptSigner.parsePublicKey(Files.readString(key));
                byId.put(TranscriptSigner.keyId(raw), raw);
            }
            TranscriptVerifier.Result result = TranscriptVerifier.verify(Files.readAllLines(transcript), byId);
            if (result.valid()) {
                System.out.printf(Locale.ROOT, "OK: %d entries, chain intact, sealed by %s (head %s)%n",
                        result.entries(), result.keyId(), result.headHash());
                return 0;
            }
            System.out.printf(Locale.ROOT, "ALTERED OR INCOMPLETE: %d problem(s)%n", result.problems().size());
            result.problems().forEach(p -> System.out.println("  " + p));
            return 1;
        }
    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = "Make a new transcript-signing key the active one; earlier keys stay and keep verifying.")
    static final class RotateKey extends Common implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            ServerConfig config = load(overrides());
            String id = TranscriptSigner.open(config.dataDir()).rotate();
            System.out.println("active transcript-signing key: " + id);
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Tierline " + TierlineServer.version()};
        }
    }
}
