package dev.tierline.protocol;

/** Anything the server sends: an event, a reply to a command, or an error reply. */
public sealed interface ServerMessage permits Event, Reply, ErrorReply {
}
