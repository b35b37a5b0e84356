package dev.tierline.server.security;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable strings for session keys and invitation tokens: 128 bits or more from SecureRandom. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Secrets() {
    }

    /** A URL-safe random string with {@code bytes} bytes of entropy and a readable prefix. */
    public static String token(String prefix, int bytes) {
        if (bytes < 16) {
            throw new IllegalArgumentException("at least 128 bits, asked for " + bytes * 8);
        }
        byte[] raw = new byte[bytes];
        RANDOM.nextBytes(raw);
        return prefix + ENCODER.encodeToString(raw);
    }

    /** A short random id for things that are not secret (sessions, invitations). */
    public static String id(String prefix) {
        byte[] raw = new byte[9];
        RANDOM.nextBytes(raw);
        return prefix + ENCODER.encodeToString(raw);
    }
}
