package dev.tierline.server.security;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.WireSessions;
import dev.tierline.server.config.Setting;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dev mode with TLS on and no certificate: one is made at start; and session keys cannot be guessed at speed. */
class DevModeTlsAndKeyGuessIT {
    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.TLS_ENABLED, "true")
            .with(Setting.KEY_GUESSES_PER_MINUTE, "3");

    private static SslContext trustDevCertificate() throws Exception {
        Path cert = server.server().dataDir().resolve("tls").resolve("dev-cert.pem");
        assertThat(cert).exists();
        assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----");
        return SslContextBuilder.forClient().trustManager(cert.toFile()).build();
    }

    private static RawClient connect() throws Exception {
        return RawClient.connect(server.uri(), trustDevCertificate(), new DefaultHttpHeaders());
    }

    @Test
    void aSelfSignedCertificateIsMadeAtStartAndClientsThatTrustItConnect() throws Exception {
        assertThat(server.uri().getScheme()).isEqualTo("wss");
        try (RawClient client = connect()) {
            assertAck(client.hello(server.technician("t-dev-tls", dev.tierline.protocol.Tier.L1)), "welcome");
        }
    }

    @Test
    void wrongSessionKeysFromOneAddressAreBudgetedAndNoSecretIsLogged() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        root.addAppender(logged);
        ch.qos.logback.classic.Level level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG); // the most the server ever says
        WireSessions.Created created;
        java.util.List<String> secrets = new java.util.ArrayList<>();
        try (RawClient owner = connect()) {
            created = WireSessions.create(server, owner, "t-keys");
            secrets.add(created.key());
            secrets.add("sk_wrong");
            JsonNode invite = owner.command("invite.create", created.session(), Map.of("tier", "L2", "ttlSeconds", 60));
            secrets.add(invite.path("body").path("token").asText());
            for (int guess = 0; guess < 3; guess++) {
                try (RawClient guesser = connect()) {
                    JsonNode reply = guesser.command("hello", null, Map.of("key", "sk_wrong" + guess, "name", "Mallory"));
                    assertThat(reply.path("code").asText()).isEqualTo("unauthenticated");
                    guesser.awaitClose().release();
                }
            }
            // Out of guesses: even the right key is not tried from this address until the budget refills.
            try (RawClient guesser = connect()) {
                JsonNode reply = guesser.command("hello", null, Map.of("key", created.key(), "name", "Mallory"));
                assertThat(reply.path("code").asText()).isEqualTo("rate_limited");
                CloseWebSocketFrame close = guesser.awaitClose();
                assertThat(close.reasonText()).isEqualTo("too many wrong session keys");
                close.release();
            }
            // Token holders are not affected.
            String token = server.technician("t-other", dev.tierline.protocol.Tier.L2);
            secrets.add(token);
            try (RawClient technician = connect()) {
                assertAck(technician.hello(token), "welcome");
                assertAck(technician.command("session.join", created.session(),
                        Map.of("invite", invite.path("body").path("token").asText())), "ack");
            }
        } finally {
            root.detachAppender(logged);
            root.setLevel(level);
        }
        // a server thread may still be inside the appender (it appends under the appender's lock)
        List<ch.qos.logback.classic.spi.ILoggingEvent> events;
        synchronized (logged) {
            events = new java.util.ArrayList<>(logged.list);
        }
        assertThat(events).isNotEmpty();
        for (ch.qos.logback.classic.spi.ILoggingEvent event : events) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            for (String secret : secrets) {
                assertThat(line).as("log line of %s", event.getLoggerName()).doesNotContain(secret);
            }
        }
    }
}
