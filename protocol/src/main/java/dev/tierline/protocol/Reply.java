package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The positive answer to one command: {@code {"v":1,"type":"ack","re":"c-17","seq":42,"body":{…}}}.
 * {@code hello} is answered with type {@code welcome}.
 *
 * @param seq  the seq of the first recorded event the command caused, if any
 * @param body a {@link ReplyBody} when built by the server; a Jackson tree when decoded by a client
 *             (see {@link ProtocolCodec#replyBody})
 */
@JsonPropertyOrder({"v", "type", "re", "seq", "body"})
public record Reply(int v, String type, String re, Long seq, Object body) implements ServerMessage {
    public static final String ACK = "ack";
    public static final String WELCOME = "welcome";

    public static Reply ack(String re, Long seq, ReplyBody body) {
        return new Reply(Protocol.VERSION, ACK, re, seq, body);
    }

    public static Reply welcome(String re, ReplyBody.Welcome body) {
        return new Reply(Protocol.VERSION, WELCOME, re, null, body);
    }
}
