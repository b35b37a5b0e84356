package dev.tierline.protocol;

/** A message that breaks the contract, carrying the code the peer should be told. */
public final class ProtocolException extends RuntimeException {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing field " + field);
        }
        return value;
    }

    static <T> T present(T value, String field) {
        if (value == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "missing field " + field);
        }
        return value;
    }
}
