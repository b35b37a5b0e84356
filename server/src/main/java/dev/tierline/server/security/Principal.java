package dev.tierline.server.security;

import dev.tierline.protocol.Actor;

/**
 * Who a connection proved to be.
 *
 * @param boundSession for an end user who said hello with a session key, the one session it may
 *                     join; otherwise {@code null}
 */
public record Principal(Actor actor, String boundSession) {}
