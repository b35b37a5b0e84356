package dev.tierline.server.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import dev.tierline.protocol.Actor;
import dev.tierline.protocol.ProtocolException;
import dev.tierline.protocol.Role;
import dev.tierline.protocol.Tier;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the JWTs technicians, auditors and client-app backends present: signed by a trusted
 * issuer's key with an algorithm bound to that key, for this server's audience, inside its
 * validity window (give or take the clock skew), naming a participant with a valid role and tier.
 * Parsing, signature and claim checks are Nimbus JOSE+JWT's; this class chooses the key and maps
 * claims to an {@link Actor}.
 *
 * <p>Claims: {@code sub} is the participant id, {@code name} the display name, {@code role} one of
 * {@code end_user}, {@code technician}, {@code auditor}, and {@code tier} L1-L4 for technicians.
 */
public final class TokenVerifier {
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519);

    /** An issuer this server trusts: its {@code iss}, and the keys it signs with (several while rotating). */
    public record Issuer(String issuer, List<TrustedKey> keys) {
        public Issuer {
            keys = List.copyOf(keys);
            if (issuer == null || issuer.isBlank() || keys.isEmpty()) {
                throw new IllegalArgumentException("an issuer needs a name and at least one key");
            }
        }
    }

    private final Map<String, Issuer> issuers = new LinkedHashMap<>();
    private final String audience;
    private final Duration clockSkew;
    private final Clock clock;

    public TokenVerifier(List<Issuer> issuers, String audience, Duration clockSkew, Clock clock) {
        for (Issuer issuer : issuers) {
            if (this.issuers.putIfAbsent(issuer.issuer(), issuer) != null) {
                throw new IllegalArgumentException("issuer " + issuer.issuer() + " is configured twice");
            }
        }
        this.audience = audience;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** The participant a token names, if it is valid now. */
    public Actor verify(String token) throws AuthenticationException {
        if (token == null || token.isBlank()) {
            throw new AuthenticationException("no token given");
        }
        SignedJWT jwt;
        JWTClaimsSet unverified;
        try {
            jwt = SignedJWT.parse(token);
            unverified = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            // alg "none" lands here too: an unsigned token is not a JWS at all.
            throw new AuthenticationException("token is not a signed JWT");
        }
        JWSAlgorithm algorithm = jwt.getHeader().getAlgorithm();
        if (!ACCEPTED.contains(algorithm)) {
            throw new AuthenticationException("token algorithm " + algorithm + " is not accepted");
        }
        Issuer issuer = issuers.get(unverified.getIssuer());
        if (issuer == null) {
            throw new AuthenticationException("token issuer is not trusted");
        }
        if (!signedBy(issuer, jwt, algorithm)) {
            throw new AuthenticationException("token signature does not match any key of its issuer");
        }
        try {
            claimsVerifier(issuer.issuer()).verify(unverified, null);
        } catch (BadJWTException e) {
            throw new AuthenticationException("token rejected: " + e.getMessage());
        }
        return actorOf(unverified);
    }

    private static boolean signedBy(Issuer issuer, SignedJWT jwt, JWSAlgorithm algorithm) {
        String kid = jwt.getHeader().getKeyID();
        for (TrustedKey key : issuer.keys()) {
            if (key.accepts(algorithm, kid)) {
                try {
                    if (jwt.verify(key.verifier())) {
                        return true;
                    }
                } catch (JOSEException | IllegalStateException e) {
                    // a malformed signature for this key type: try the next key, then refuse
                }
            }
        }
        return false;
    }

    private DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier(String issuer) {
        DefaultJWTClaimsVerifier<SecurityContext> verifier = new DefaultJWTClaimsVerifier<>(
                Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "exp", "role"),
                null) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        verifier.setMaxClockSkew((int) clockSkew.toSeconds());
        return verifier;
    }

    private static Actor actorOf(JWTClaimsSet claims) throws AuthenticationException {
        try {
            Role role = Role.fromWire(claims.getStringClaim("role"));
            if (role == Role.SYSTEM) {
                throw new AuthenticationException("token role is not one a participant can have");
            }
            String tier = claims.getStringClaim("tier");
            String name = claims.getStringClaim("name");
            return new Actor(claims.getSubject(), name == null || name.isBlank() ? claims.getSubject() : name, role,
                    tier == null ? null : Tier.parse(tier));
        } catch (ParseException | ProtocolException | IllegalArgumentException e) {
            throw new AuthenticationException("token claims are not valid: " + e.getMessage());
        }
    }
}
