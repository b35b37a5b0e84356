package dev.tierline.server.security;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Role;

/** Turns a {@code hello} into a {@link Principal}: a verified token, or a live session key. */
public final class Authenticator {
    private final DevTokenIssuer tokens;
    private final SessionKeys keys;

    /** @param tokens the trusted token issuer, or {@code null} when none is configured */
    public Authenticator(DevTokenIssuer tokens, SessionKeys keys) {
        this.tokens = tokens;
        this.keys = keys;
    }

    /** Who an HTTP request's bearer token names. Session keys are not accepted here. */
    public Actor bearer(String token) throws AuthenticationException {
        if (tokens == null) {
            throw new AuthenticationException("no token issuer is configured on this server");
        }
        return tokens.verify(token);
    }

    public Principal authenticate(CommandBody.Hello hello) throws AuthenticationException {
        if (hello.key() != null && !hello.key().isBlank()) {
            String session = keys.sessionOf(hello.key());
            if (session == null) {
                throw new AuthenticationException("session key is unknown or expired");
            }
            String name = hello.name() == null || hello.name().isBlank() ? "End user" : hello.name();
            return new Principal(new Actor(SessionKeys.endUserId(session), name, Role.END_USER, null), session);
        }
        if (tokens == null) {
            throw new AuthenticationException("no token issuer is configured on this server");
        }
        // An auditor may say hello, but decide() lets it into no session: auditors read sealed
        // transcripts, they never watch live.
        return new Principal(tokens.verify(hello.token()), null);
    }
}
