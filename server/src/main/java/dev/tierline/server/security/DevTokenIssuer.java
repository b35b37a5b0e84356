package dev.tierline.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tierline.protocol.Actor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Development-mode tokens: an ES256 key generated on first use and kept (owner-only) in the data
 * directory signs JWTs for any role and tier, and the server trusts that key only in dev mode.
 * The {@code token} command and the server share the key through the data directory.
 */
public final class DevTokenIssuer {
    public static final String ISSUER = "tierline-dev";
    public static final String AUDIENCE = "tierline";

    private final ECKey key;
    private final Clock clock;

    private DevTokenIssuer(ECKey key, Clock clock) throws JOSEException {
        this.key = key;
        this.clock = clock;
    }

    /** Loads the development key from {@code dataDir}, creating it on first use. */
    public static DevTokenIssuer open(Path dataDir) throws IOException {
        return open(dataDir, Clock.systemUTC());
    }

    public static DevTokenIssuer open(Path dataDir, Clock clock) throws IOException {
        Path file = dataDir.resolve("keys").resolve("dev-issuer.jwk");
        try {
            if (!Files.exists(file)) {
                writeNewKey(file);
            }
            return new DevTokenIssuer(ECKey.parse(Files.readString(file, StandardCharsets.UTF_8)), clock);
        } catch (ParseException | JOSEException e) {
            throw new IOException("development key " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private static void writeNewKey(Path file) throws IOException, JOSEException {
        Files.createDirectories(file.getParent());
        ECKey fresh = new ECKeyGenerator(Curve.P_256).keyID(Secrets.id("dev-")).generate();
        Path tmp = Files.createTempFile(file.getParent(), "dev-issuer", ".tmp");
        try {
            trySetOwnerOnly(tmp);
            Files.writeString(tmp, fresh.toJSONString(), StandardCharsets.UTF_8);
            Files.move(tmp, file);
        } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(tmp); // another process created it first: use theirs
        }
    }

    private static void trySetOwnerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data directory's ACLs apply
        }
    }

    /** A signed token for {@code actor}, valid for {@code ttl}, for the default audience. */
    public String mint(Actor actor, Duration ttl) {
        return mint(actor, ttl, AUDIENCE);
    }

    /** A signed token for {@code actor}, valid for {@code ttl}, for servers of {@code audience}. */
    public String mint(Actor actor, Duration ttl, String audience) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(audience)
                .subject(actor.id())
                .claim("name", actor.name())
                .claim("role", actor.role().wire())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (actor.tier() != null) {
            claims.claim("tier", actor.tier().name());
        }
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a development token", e);
        }
    }

    /** This issuer as the server trusts it: the development key's public half, and nothing else. */
    public TokenVerifier.Issuer trusted() {
        try {
            return new TokenVerifier.Issuer(ISSUER, java.util.List.of(TrustedKey.fromJwk(key.toPublicJWK(), key.getKeyID())));
        } catch (IOException e) {
            throw new IllegalStateException("the development key cannot verify: " + e.getMessage(), e);
        }
    }
}
