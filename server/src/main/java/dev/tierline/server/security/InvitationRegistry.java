package dev.tierline.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Duration;
import java.time.Instant;

/**
 * Invitation secrets, and the invitation each stands for. The secret is handed to the inviting
 * technician only; the session and its transcript know the invitation by id. Entries expire with
 * the invitation and are removed on use or revocation, so a secret works at most once.
 */
public final class InvitationRegistry {
    /** What a secret opens. */
    public record Ref(String session, String inviteId, Instant expiresAt) {}

    private final Cache<String, Ref> bySecret;

    public InvitationRegistry(long maxInvitations) {
        this.bySecret = Caffeine.newBuilder()
                .maximumSize(maxInvitations)
                .expireAfter(Expiry.<String, Ref>creating((secret, ref) ->
                        Duration.between(Instant.now(), ref.expiresAt()).isNegative()
                                ? Duration.ZERO : Duration.between(Instant.now(), ref.expiresAt())))
                .build();
    }

    public String register(String session, String inviteId, Instant expiresAt) {
        String secret = Secrets.token("inv_", 18);
        bySecret.put(secret, new Ref(session, inviteId, expiresAt));
        return secret;
    }

    /** @return what the secret opens, or {@code null} when it is unknown, used, revoked or expired */
    public Ref lookup(String secret) {
        return bySecret.getIfPresent(secret);
    }

    public void forget(String secret) {
        bySecret.invalidate(secret);
    }

    public void forgetInvite(String session, String inviteId) {
        bySecret.asMap().values().removeIf(ref -> ref.session().equals(session) && ref.inviteId().equals(inviteId));
    }
}
