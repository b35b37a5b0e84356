package dev.tierline.server.security;

import static dev.tierline.server.WireSessions.assertAck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tierline.client.TierlineClient;
import dev.tierline.client.TierlineSession;
import dev.tierline.server.RawClient;
import dev.tierline.server.ServerExtension;
import dev.tierline.server.config.Setting;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A production-shaped server: dev mode off, TLS from PEM files, tokens from a configured issuer's
 * JWKS. Only wss:// and https:// work, and only that issuer's valid tokens get in.
 */
class TlsIT {
    private static final String ISSUER = "https://idp.example.test";
    private static final Path DIR;
    private static final Path CERT;
    private static final ECKey ISSUER_KEY;

    static {
        try {
            DIR = Files.createTempDirectory("tierline-tls-it");
            Path[] pair = TlsContexts.devCertificate(DIR, "127.0.0.1");
            CERT = pair[0];
            ISSUER_KEY = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
            Files.writeString(DIR.resolve("issuer.jwks"), new JWKSet(ISSUER_KEY.toPublicJWK()).toString());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @RegisterExtension
    static final ServerExtension server = new ServerExtension()
            .with(Setting.DEV_MODE, "false")
            .with(Setting.TLS_ENABLED, "true")
            .with(Setting.TLS_CERT_FILE, CERT.toString())
            .with(Setting.TLS_KEY_FILE, DIR.resolve("dev-key.pem").toString())
            .with(Setting.AUTH_ISSUER, ISSUER)
            .with(Setting.AUTH_JWKS_FILE, DIR.resolve("issuer.jwks").toString());

    private static SslContext trustingTheServer() throws Exception {
        return SslContextBuilder.forClient().trustManager(CERT.toFile()).build();
    }

    static String token(String id, String role, String tier, UnaryOperator<JWTClaimsSet.Builder> change) throws JOSEException {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience("tierline").subject(id)
                .claim("name", id).claim("role", role).claim("tier", tier)
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("idp-1").build(),
                change.apply(claims).build());
        jwt.sign(new ECDSASigner(ISSUER_KEY));
        return jwt.serialize();
    }

    @Test
    void theSdkChatsOverWssWithTokensOfTheConfiguredIssuer() throws Exception {
        assertThat(server.uri().getScheme()).isEqualTo("wss");
        SslContext tls = trustingTheServer();
        try (TierlineClient ann = TierlineClient.builder().uri(server.uri()).sslContext(tls)
                     .token(token("t-ann", "technician", "L1", UnaryOperator.identity())).build();
             TierlineClient bob = TierlineClient.builder().uri(server.uri()).sslContext(tls)
                     .token(token("t-bob", "technician", "L2", UnaryOperator.identity())).build()) {
            ann.connect().get(10, TimeUnit.SECONDS);
            String id = ann.createSession("T-TLS-1", "over TLS").get(10, TimeUnit.SECONDS).session();
            TierlineSession session = ann.join(id, null).get(10, TimeUnit.SECONDS);
            String invite = session.invite(new dev.tierline.protocol.CommandBody.InviteCreate("L2", null, 60L, null, null, null))
                    .get(10, TimeUnit.SECONDS).token();
            bob.connect().get(10, TimeUnit.SECONDS);
            TierlineSession bobs = bob.join(id, invite).get(10, TimeUnit.SECONDS);
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            bobs.onEvent(event -> {
                if (event.type() == dev.tierline.protocol.EventType.CHAT_MESSAGE) {
                    var chat = event.body(dev.tierline.protocol.EventBody.ChatMessage.class);
                    seen.add(chat.text());
                }
            });
            session.chat("encrypted hello").get(10, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("encrypted hello"));
        }
    }

    @Test
    void httpsServesTheApiWithModernTlsOnly() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(CERT)) {
            trust.setCertificateEntry("tierline", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).build();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(server.server().httpUri().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.sslSession()).isPresent();
        assertThat(health.sslSession().get().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        HttpResponse<String> devTokens = http.send(HttpRequest.newBuilder(server.server().httpUri().resolve("/api/dev/tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"role\":\"auditor\",\"name\":\"Eve\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(devTokens.statusCode()).as("no token minting outside dev mode").isEqualTo(404);

        SSLContext legacy = SSLContext.getInstance("TLS");
        legacy.init(null, tmf.getTrustManagers(), null);
        javax.net.ssl.SSLParameters onlyOld = new javax.net.ssl.SSLParameters();
        onlyOld.setProtocols(new String[] {"TLSv1.1"});
        HttpClient old = HttpClient.newBuilder().sslContext(legacy).sslParameters(onlyOld).build();
        assertThatThrownBy(() -> old.send(HttpRequest.newBuilder(server.server().httpUri().resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aPlainClientOnTheTlsPortFailsCleanly() throws Exception {
        URI plain = URI.create("ws://127.0.0.1:" + server.uri().getPort() + "/ws");
        assertThatThrownBy(() -> RawClient.connect(plain)).isNotNull();
        assertThat(server.server().metrics().handlerExceptions()).isZero();
        // and the port still serves TLS clients
        try (RawClient ok = RawClient.connect(server.uri(), trustingTheServer(), new DefaultHttpHeaders())) {
            assertAck(ok.hello(token("t-after", "technician", "L1", UnaryOperator.identity())), "welcome");
        }
    }

    @Test
    void refusedTokensGetUnauthenticatedAndACloseWithTheReason() throws Exception {
        Map<String, String> cases = Map.of(
                "expired", token("t-x", "technician", "L1", c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600)))),
                "aud claim rejected", token("t-x", "technician", "L1", c -> c.audience("another-product")),
                "not a signed JWT", "eyJhbGciOiJub25lIn0." + token("t-x", "technician", "L1", UnaryOperator.identity()).split("\\.")[1] + ".",
                "issuer is not trusted", token("t-x", "technician", "L1", c -> c.issuer("https://evil.example.test")),
                "claims are not valid", token("t-x", "technician", "L7", UnaryOperator.identity()));
        for (Map.Entry<String, String> refused : cases.entrySet()) {
            try (RawClient client = RawClient.connect(server.uri(), trustingTheServer(), new DefaultHttpHeaders())) {
                JsonNode reply = client.hello(refused.getValue());
                assertThat(reply.path("code").asText()).as(refused.getKey()).isEqualTo("unauthenticated");
                assertThat(reply.path("message").asText()).containsIgnoringCase(refused.getKey());
                CloseWebSocketFrame close = client.awaitClose();
                assertThat(close.statusCode()).isEqualTo(1008);
                assertThat(close.reasonText()).startsWith("unauthenticated: ");
                close.release();
            }
        }
    }
}
