package dev.tierline.protocol;

/** What decoding a frame produced: a command, or the error to answer with. Never an exception. */
public sealed interface DecodeResult {

    record Decoded(Command command) implements DecodeResult {}

    /** @param id the command id when it could be read, so the error can name it */
    record Rejected(String id, ErrorCode code, String message) implements DecodeResult {
        public ErrorReply toReply() {
            return ErrorReply.of(id, code, message);
        }
    }
}
