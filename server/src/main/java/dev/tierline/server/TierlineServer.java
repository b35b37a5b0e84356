package dev.tierline.server;

import dev.tierline.protocol.Protocol;
import dev.tierline.protocol.ProtocolCodec;
import dev.tierline.server.config.ServerConfig;
import dev.tierline.server.http.HttpApi;
import dev.tierline.server.knowledge.ArticleStore;
import dev.tierline.server.knowledge.KnowledgeBase;
import dev.tierline.server.recording.Database;
import dev.tierline.server.recording.InterruptedSessions;
import dev.tierline.server.recording.Journal;
import dev.tierline.server.recording.TranscriptSigner;
import dev.tierline.server.relay.RelayMetrics;
import dev.tierline.server.relay.RelayServer;
import dev.tierline.server.security.Authenticator;
import dev.tierline.server.security.DevTokenIssuer;
import dev.tierline.server.security.InvitationRegistry;
import dev.tierline.server.security.SessionKeys;
import dev.tierline.server.security.TlsContexts;
import io.netty.handler.ssl.SslContext;
import dev.tierline.server.security.TokenVerifier;
import dev.tierline.server.security.TrustedKey;
import dev.tierline.server.ops.Observability;
import dev.tierline.server.tickets.OutboxStore;
import dev.tierline.server.tickets.OutboxWorker;
import dev.tierline.server.tickets.RequestTrackerSink;
import dev.tierline.server.tickets.TicketOutbox;
import dev.tierline.server.tickets.TicketSink;
import dev.tierline.server.tickets.WebhookSink;
import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Tierline server: its data directory, token issuer, journal, API and relay. */
public final class TierlineServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TierlineServer.class);

    private final ServerConfig config;
    private final Path dataDir;
    private final DevTokenIssuer devTokens;
    private final Database database;
    private final Journal journal;
    private final HttpApi api;
    private final RelayServer relay;
    private final Observability observability;
    private final OutboxWorker outboxWorker;
    private final KnowledgeBase knowledge;

    private TierlineServer(ServerConfig config, Path dataDir, DevTokenIssuer devTokens, Database database,
                           Journal journal, HttpApi api, RelayServer relay, Observability observability,
                           OutboxWorker outboxWorker, KnowledgeBase knowledge) {
        this.knowledge = knowledge;
        this.observability = observability;
        this.outboxWorker = outboxWorker;
        this.config = config;
        this.dataDir = dataDir;
        this.devTokens = devTokens;
        this.database = database;
        this.journal = journal;
        this.api = api;
        this.relay = relay;
    }

    public static TierlineServer start(ServerConfig config) throws IOException, InterruptedException, SQLException {
        Database database = Database.open(config.journalUrl(), config.journalUser(), config.journalPassword(),
                config.journalPoolSize(), prepareDataDir(config));
        return start(config, database, database.dataSource());
    }

    /**
     * Starts on an open database, writing through {@code journalSource}; tests pass a source they
     * can make fail, to see what the server does when the journal cannot write.
     */
    public static TierlineServer start(ServerConfig config, Database database, DataSource journalSource)
            throws IOException, InterruptedException, SQLException {
        Path dataDir = prepareDataDir(config);
        DevTokenIssuer devTokens = null;
        if (config.devMode()) {
            devTokens = DevTokenIssuer.open(dataDir);
            log.warn("DEV MODE: trusting tokens signed by the development key in {}; do not use in production",
                    dataDir.resolve("keys"));
        }
        ProtocolCodec codec = ProtocolCodec.create();
        boolean async = config.recordingMode() == ServerConfig.RecordingMode.ASYNC;
        Journal journal = new Journal(journalSource, TranscriptSigner.open(dataDir), codec.mapper(),
                config.journalBatchSize(), async ? config.journalAsyncMaxWait() : config.journalMaxWait(),
                async ? Journal.Linger.ALWAYS : Journal.Linger.WHEN_BUSY, config.journalQueueCapacity());
        journal.afterEachCommit(database.afterJournalCommit());
        Observability observability = new Observability();
        journal.addListener(observability.journalListener());
        List<TicketSink> sinks = ticketSinks(config);
        OutboxStore outboxStore = new OutboxStore(journalSource);
        java.util.concurrent.atomic.AtomicReference<RelayServer> bound = new java.util.concurrent.atomic.AtomicReference<>();
        TicketOutbox outbox = new TicketOutbox(outboxStore, sinks.stream().map(TicketSink::name).toList(),
                () -> publicUrl(config, bound.get() == null ? config.port() : bound.get().address().getPort()));
        journal.outbox(outbox);
        OutboxWorker outboxWorker = sinks.isEmpty() ? null : new OutboxWorker(outboxStore, sinks,
                config.ticketsRetryBase(), config.ticketsRetryMax(), observability.registry());
        if (outboxWorker != null) {
            outbox.onCommitted(outboxWorker::wake);
            log.info("delivering session records to {}", sinks.stream().map(TicketSink::name).toList());
        }
        int interrupted = InterruptedSessions.endAll(journal, codec);
        if (interrupted > 0) {
            log.warn("{} sessions were live when the server last stopped; they are ended as interrupted and sealed",
                    interrupted);
        }
        SessionKeys keys = new SessionKeys(config.sessionKeyTtl(), 4L * config.maxSessions());
        InvitationRegistry invitations = new InvitationRegistry(16L * config.maxSessions());
        Authenticator authenticator = new Authenticator(tokenVerifier(config, devTokens), keys);
        KnowledgeBase knowledge = new KnowledgeBase(new ArticleStore(journalSource, database.isSqlite()), 2);
        HttpApi api = new HttpApi(journal.store(), journal.signer(), authenticator, codec, outboxStore, knowledge.store(), devTokens, Math.max(1, config.journalPoolSize() - 1));
        RelayServer relay = RelayServer.start(config, tlsContext(config, dataDir), authenticator, keys, invitations,
                journal, knowledge, api, observability, version());
        bound.set(relay);
        return new TierlineServer(config, dataDir, devTokens, database, journal, api, relay, observability, outboxWorker,
                knowledge);
    }

    private static SslContext tlsContext(ServerConfig config, Path dataDir) throws IOException {
        if (!config.tlsEnabled()) {
            return null;
        }
        if (config.tlsCertFile() != null) {
            return TlsContexts.server(config.tlsCertFile(), config.tlsKeyFile());
        }
        Path[] dev = TlsContexts.devCertificate(dataDir.resolve("tls"), config.host());
        return TlsContexts.server(dev[0], dev[1]);
    }

    private static List<TicketSink> ticketSinks(ServerConfig config) {
        List<TicketSink> sinks = new ArrayList<>();
        if (!config.ticketsRtUrl().isEmpty()) {
            sinks.add(new RequestTrackerSink(config.ticketsRtUrl(), config.ticketsRtUser(), config.ticketsRtPassword(),
                    config.ticketsRtToken(), config.ticketsRtQueue(), config.ticketsTimeout()));
        }
        if (!config.ticketsWebhookUrl().isEmpty()) {
            sinks.add(new WebhookSink(config.ticketsWebhookUrl(), config.ticketsWebhookSecret(), config.ticketsTimeout()));
        }
        return sinks;
    }

    private static String publicUrl(ServerConfig config, int port) {
        if (!config.publicUrl().isEmpty()) {
            return config.publicUrl();
        }
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return (config.tlsEnabled() ? "https://" : "http://") + host + ":" + port;
    }

    /** The configured issuer, and in dev mode the development issuer beside it. */
    static TokenVerifier tokenVerifier(ServerConfig config, DevTokenIssuer devTokens) throws IOException {
        List<TokenVerifier.Issuer> issuers = new ArrayList<>();
        if (!config.authIssuer().isEmpty()) {
            List<TrustedKey> keys = new ArrayList<>();
            if (config.authJwksFile() != null) {
                keys.addAll(TrustedKey.fromJwks(config.authJwksFile()));
            }
            for (Path pem : config.authPublicKeys()) {
                keys.addAll(TrustedKey.fromPem(pem));
            }
            issuers.add(new TokenVerifier.Issuer(config.authIssuer(), keys));
            log.info("trusting tokens from issuer {} signed by {} key(s): {}", config.authIssuer(), keys.size(),
                    keys.stream().map(TrustedKey::kid).toList());
        }
        if (devTokens != null) {
            issuers.add(devTokens.trusted());
        }
        if (issuers.isEmpty()) {
            log.warn("no token issuer is configured and dev mode is off: only end users with session keys can connect");
        }
        return new TokenVerifier(issuers, config.authAudience(), config.authClockSkew(), Clock.systemUTC());
    }

    private static Path prepareDataDir(ServerConfig config) throws IOException {
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        return dataDir;
    }

    public static String version() {
        String version = TierlineServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    public int port() {
        return relay.address().getPort();
    }

    public URI webSocketUri() {
        return URI.create((config.tlsEnabled() ? "wss://" : "ws://") + hostForUri() + ":" + port() + Protocol.WEBSOCKET_PATH);
    }

    public URI httpUri() {
        return URI.create((config.tlsEnabled() ? "https://" : "http://") + hostForUri() + ":" + port());
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

    /** {@code epoll} or {@code nio}: the transport the relay's event loops run on ({@code ioTransport}). */
    public String transport() {
        return relay.transport().label();
    }

    public RelayMetrics metrics() {
        return relay.metrics();
    }

    public Observability observability() {
        return observability;
    }

    public Journal journal() {
        return journal;
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Shuts down in the order that loses nothing: stop taking connections (and say so on
     * /readyz), end every live session as interrupted and wait until that is recorded and sealed,
     * tell the clients ({@code server shutting down}, which the SDK reconnects after), let the
     * journal write what is queued, then close the database.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        relay.stopAccepting();
        try {
            relay.endSessions().get(config.shutdownTimeout().toMillis() / 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("live sessions were not all ended within {}; the next start ends the rest as interrupted",
                    config.shutdownTimeout().dividedBy(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("ending live sessions at shutdown failed; the next start ends them as interrupted", e.getCause());
        }
        relay.close();
        api.close();
        knowledge.close();
        journal.close();
        if (outboxWorker != null) {
            outboxWorker.close(); // undelivered rows stay in the outbox for the next start
        }
        database.close();
        observability.close();
        log.info("stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
