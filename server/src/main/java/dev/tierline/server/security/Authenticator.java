package dev.tierline.server.security;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Role;

/** Turns a {@code hello} into a {@link Principal}: a verified token, or a live session key. */
public final class Authenticator {
    private final TokenVerifier tokens;
    private final SessionKeys keys;

    public Authenticator(TokenVerifier tokens, SessionKeys keys) {
        this.tokens = tokens;
        this.keys = keys;
    }

    /** Who an HTTP request's bearer token names. Session keys are not accepted here. */
    public Actor bearer(String token) throws AuthenticationException {
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
        // An auditor may say hello, but decide() lets it into no session: auditors read sealed
        // transcripts, they never watch live.
        return new Principal(tokens.verify(hello.token()), null);
    }
}
