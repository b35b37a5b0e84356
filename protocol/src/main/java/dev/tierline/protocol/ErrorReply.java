package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The negative answer to one command:
 * {@code {"v":1,"type":"error","re":"c-17","code":"forbidden","message":"…"}}.
 *
 * @param re the command id, or {@code null} when the frame was too broken to read one
 */
@JsonPropertyOrder({"v", "type", "re", "code", "message"})
public record ErrorReply(int v, String type, String re, ErrorCode code, String message) implements ServerMessage {
    public static final String TYPE = "error";

    public static ErrorReply of(String re, ErrorCode code, String message) {
        return new ErrorReply(Protocol.VERSION, TYPE, re, code, message);
    }
}
