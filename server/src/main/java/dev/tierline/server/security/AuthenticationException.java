package dev.tierline.server.security;

/** A hello that does not prove who it is. The connection is told why and closed. */
public final class AuthenticationException extends Exception {
    public AuthenticationException(String message) {
        super(message, null, false, false);
    }
}
