package dev.tierline.server.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * End users' session keys: a key opens exactly one session, for one end-user identity, and lapses
 * when unused for its time to live.
 */
public final class SessionKeys {
    private final Cache<String, String> sessionsByKey;

    public SessionKeys(Duration ttl, long maxKeys) {
        this.sessionsByKey = Caffeine.newBuilder().expireAfterAccess(ttl).maximumSize(maxKeys).build();
    }

    public String issue(String session) {
        String key = Secrets.token("sk_", 18);
        sessionsByKey.put(key, session);
        return key;
    }

    /** @return the session the key opens, or {@code null} when it is unknown or lapsed */
    public String sessionOf(String key) {
        return sessionsByKey.getIfPresent(key);
    }

    public void revokeAll(String session) {
        sessionsByKey.asMap().values().removeIf(session::equals);
    }

    /** The end-user participant id a key of {@code session} stands for. */
    public static String endUserId(String session) {
        return "user-" + session;
    }
}
