package dev.tierline.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The token table of the security issue: what is let in, and every way a token is refused. */
class TokenVerifierTest {
    private static final String ISSUER = "https://idp.example.test";
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration SKEW = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static KeyPair ed25519;
    static KeyPair ed25519Stranger;
    static ECKey es256Old;
    static ECKey es256New;
    static ECKey es256Stranger;
    static RSAKey rs256;
    static TokenVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ed25519Stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        es256Old = new ECKeyGenerator(Curve.P_256).keyID("es-2026-01").generate();
        es256New = new ECKeyGenerator(Curve.P_256).keyID("es-2026-11").generate();
        es256Stranger = new ECKeyGenerator(Curve.P_256).keyID("es-2026-11").generate();
        rs256 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();

        // EdDSA and RSA from PEM files, both EC keys (old and new: a rotation) from a JWKS file.
        Path edPem = dir.resolve("ed-1.pem");
        Files.writeString(edPem, pem(ed25519.getPublic()));
        Path rsaPem = dir.resolve("rsa-1.pem");
        Files.writeString(rsaPem, pem(rs256.toRSAPublicKey()));
        Path jwks = dir.resolve("issuer.jwks");
        Files.writeString(jwks, new JWKSet(List.of(es256Old.toPublicJWK(), es256New.toPublicJWK())).toString());

        List<TrustedKey> trusted = new java.util.ArrayList<>(TrustedKey.fromJwks(jwks));
        trusted.addAll(TrustedKey.fromPem(edPem));
        trusted.addAll(TrustedKey.fromPem(rsaPem));
        verifier = new TokenVerifier(List.of(new TokenVerifier.Issuer(ISSUER, trusted)), "tierline", SKEW,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static Stream<Arguments> validTokens() throws Exception {
        return Stream.of(
                Arguments.of("EdDSA from a PEM key", sign(JWSAlgorithm.EdDSA, "ed-1", new JdkEd25519Signer(ed25519.getPrivate()), claims())),
                Arguments.of("Ed25519 (fully specified alg)", sign(JWSAlgorithm.Ed25519, null, new JdkEd25519Signer(ed25519.getPrivate()), claims())),
                Arguments.of("ES256 with the new key", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New), claims())),
                Arguments.of("ES256 with the old key, still trusted while rotating", sign(JWSAlgorithm.ES256, "es-2026-01", new ECDSASigner(es256Old), claims())),
                Arguments.of("ES256 without a kid", sign(JWSAlgorithm.ES256, null, new ECDSASigner(es256Old), claims())),
                Arguments.of("RS256 from a PEM key", sign(JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(rs256), claims())),
                Arguments.of("expired, within the clock skew", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.expirationTime(Date.from(NOW.minusSeconds(20)))))),
                Arguments.of("not valid for another 20 s, within the skew", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(20)))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validTokens")
    void validTokensNameTheirParticipant(String name, String token) throws Exception {
        Actor actor = verifier.verify(token);
        assertThat(actor).isEqualTo(new Actor("t-ann", "Ann Example", Role.TECHNICIAN, Tier.L2));
    }

    static Stream<Arguments> refusedTokens() throws Exception {
        String good = sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New), claims());
        String[] parts = good.split("\\.");
        String otherPayload = Base64URL.encode(claims(c -> c.claim("tier", "L3")).toString()).toString();
        String unsignedHeader = Base64URL.encode("{\"alg\":\"none\"}").toString();
        return Stream.of(
                Arguments.of("expired", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.expirationTime(Date.from(NOW.minusSeconds(31))))), "expired"),
                Arguments.of("not yet valid", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(120))))), "before use time"),
                Arguments.of("wrong issuer", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.issuer("https://evil.example.test"))), "issuer is not trusted"),
                Arguments.of("wrong audience", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.audience("another-product"))), "aud claim rejected"),
                Arguments.of("wrong key, same kid", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256Stranger), claims()),
                        "signature"),
                Arguments.of("wrong Ed25519 key", sign(JWSAlgorithm.EdDSA, "ed-1", new JdkEd25519Signer(ed25519Stranger.getPrivate()), claims()),
                        "signature"),
                Arguments.of("alg none", unsignedHeader + "." + parts[1] + ".", "not a signed JWT"),
                Arguments.of("alg none, no signature part", unsignedHeader + "." + parts[1], "not a signed JWT"),
                Arguments.of("HS256 keyed with a public key (algorithm confusion)", sign(JWSAlgorithm.HS256, "rsa-1",
                        new MACSigner(es256New.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)), claims()),
                        "algorithm HS256 is not accepted"),
                Arguments.of("tampered payload", parts[0] + "." + otherPayload + "." + parts[2], "signature"),
                Arguments.of("RS256 header on an EC signature", swapAlg(good, "RS256"), "signature"),
                Arguments.of("unknown role", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.claim("role", "admin"))), "claims are not valid"),
                Arguments.of("system role", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.claim("role", "system"))), "role"),
                Arguments.of("unknown tier", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.claim("tier", "L9"))), "claims are not valid"),
                Arguments.of("technician without a tier", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.claim("tier", null))), "claims are not valid"),
                Arguments.of("no role", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.claim("role", null))), "missing required claims"),
                Arguments.of("no expiry", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.expirationTime(null))), "missing required claims"),
                Arguments.of("no subject", sign(JWSAlgorithm.ES256, "es-2026-11", new ECDSASigner(es256New),
                        claims(c -> c.subject(null))), "missing required claims"),
                Arguments.of("not a JWT", "hello", "not a signed JWT"),
                Arguments.of("empty", "", "no token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusedTokensSayWhy(String name, String token, String reason) {
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> verifier.verify(token));
        assertThat(refused).isInstanceOf(AuthenticationException.class);
        assertThat(refused.getMessage()).containsIgnoringCase(reason);
    }

    @Test
    void keysOfTheWrongKindOrSizeAreRefusedAtStartNotAtLogin() throws Exception {
        Path weak = dir.resolve("weak.pem");
        Files.writeString(weak, pem(new RSAKeyGenerator(1024, true).generate().toRSAPublicKey()));
        assertThatThrownBy(() -> TrustedKey.fromPem(weak)).hasMessageContaining("shorter than 2048 bits");
        Path p384 = dir.resolve("p384.jwks");
        Files.writeString(p384, new JWKSet(new ECKeyGenerator(Curve.P_384).keyID("k").generate().toPublicJWK()).toString());
        assertThatThrownBy(() -> TrustedKey.fromJwks(p384)).hasMessageContaining("ES256 needs P-256");
        Path privateOnly = dir.resolve("private.pem");
        Files.writeString(privateOnly, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TrustedKey.fromPem(privateOnly)).hasMessageContaining("PUBLIC KEY or CERTIFICATE");
    }

    private static JWTClaimsSet claims() {
        return claims(UnaryOperator.identity());
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience("tierline")
                .subject("t-ann")
                .claim("name", "Ann Example")
                .claim("role", "technician")
                .claim("tier", "L2")
                .issueTime(Date.from(NOW.minusSeconds(60)))
                .notBeforeTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(600)));
        return change.apply(claims).build();
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String swapAlg(String token, String alg) {
        String[] parts = token.split("\\.");
        String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"kid\":\"rsa-1\"}").toString();
        return header + "." + parts[1] + "." + parts[2];
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Signs like an identity provider with an Ed25519 key would, through the JDK. */
    private static final class JdkEd25519Signer implements JWSSigner {
        private final PrivateKey key;

        JdkEd25519Signer(PrivateKey key) {
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(key);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (java.security.GeneralSecurityException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }
    }
}
