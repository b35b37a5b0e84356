package dev.tierline.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * JSON codec of the protocol. Decoding a client frame never throws: whatever cannot be read
 * becomes a {@link DecodeResult.Rejected} with the code the client is to be told. Thread-safe.
 */
public final class ProtocolCodec {
    private final ObjectMapper mapper;

    private ProtocolCodec(CodecLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }

    public static ProtocolCodec create() {
        return new ProtocolCodec(CodecLimits.DEFAULTS);
    }

    public static ProtocolCodec create(CodecLimits limits) {
        return new ProtocolCodec(limits);
    }

    // ---------------------------------------------------------------- client -> server

    public DecodeResult decodeCommand(byte[] frame) {
        try {
            return decodeCommand(mapper.readTree(frame));
        } catch (IOException e) {
            return unreadable(e);
        }
    }

    public DecodeResult decodeCommand(InputStream frame) {
        try {
            return decodeCommand(mapper.readTree(frame));
        } catch (IOException e) {
            return unreadable(e);
        }
    }

    private static DecodeResult unreadable(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return new DecodeResult.Rejected(null, ErrorCode.BAD_REQUEST, "frame exceeds parser limits: " + firstLine(e));
        }
        return new DecodeResult.Rejected(null, ErrorCode.BAD_REQUEST, "malformed JSON: " + firstLine(e));
    }

    private DecodeResult decodeCommand(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            return new DecodeResult.Rejected(null, ErrorCode.BAD_REQUEST, "a command must be a JSON object");
        }
        JsonNode idNode = tree.get("id");
        String id = idNode != null && idNode.isTextual() ? idNode.asText() : null;
        JsonNode v = tree.get("v");
        if (v == null || !v.isInt()) {
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST, "missing field v (the protocol version)");
        }
        if (v.intValue() != Protocol.VERSION) {
            return new DecodeResult.Rejected(id, ErrorCode.UNSUPPORTED_VERSION,
                    "protocol version " + v.intValue() + " is not supported; this server speaks " + Protocol.VERSION);
        }
        JsonNode typeNode = tree.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST, "missing field type");
        }
        CommandType type = CommandType.fromWire(typeNode.asText());
        if (type == null) {
            return new DecodeResult.Rejected(id, ErrorCode.UNKNOWN_TYPE, "unknown command type " + typeNode.asText());
        }
        if (id == null || id.isBlank()) {
            return new DecodeResult.Rejected(null, ErrorCode.BAD_REQUEST, "missing field id");
        }
        JsonNode sessionNode = tree.get("session");
        String session = sessionNode != null && sessionNode.isTextual() ? sessionNode.asText() : null;
        if (type.needsSession() && (session == null || session.isBlank())) {
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST, "missing field session");
        }
        JsonNode bodyNode = tree.get("body");
        if (bodyNode == null || bodyNode.isNull()) {
            bodyNode = mapper.createObjectNode();
        } else if (!bodyNode.isObject()) {
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST, "body must be a JSON object");
        }
        try {
            CommandBody body = mapper.treeToValue(bodyNode, type.bodyClass());
            return new DecodeResult.Decoded(new Command(Protocol.VERSION, id, type, session, body));
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ProtocolException pe) {
                return new DecodeResult.Rejected(id, pe.code(), pe.getMessage());
            }
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST, "invalid body: " + firstLine(e));
        } catch (MismatchedInputException e) {
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST,
                    "invalid field body." + pathOf(e) + ": " + firstLine(e));
        } catch (ProtocolException e) {
            return new DecodeResult.Rejected(id, e.code(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            return new DecodeResult.Rejected(id, ErrorCode.BAD_REQUEST, "invalid body: " + firstLine(e));
        }
    }

    public byte[] encodeCommand(Command command) {
        return write(command);
    }

    // ---------------------------------------------------------------- server -> client

    /** Serializes an {@link Event}, {@link Reply} or {@link ErrorReply}. */
    public byte[] encode(ServerMessage message) {
        return write(message);
    }

    /** Serializes straight into a stream, e.g. a Netty buffer, to avoid a copy on the hot path. */
    public void encode(ServerMessage message, OutputStream out) {
        try {
            mapper.writeValue(out, message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads anything the server sends. Used by clients; a frame it cannot read is a broken server,
     * so this throws {@link ProtocolException}.
     */
    public ServerMessage decodeServerMessage(byte[] frame) {
        JsonNode tree;
        try {
            tree = mapper.readTree(frame);
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "malformed server frame: " + firstLine(e));
        }
        return decodeServerMessage(tree);
    }

    /** {@link #decodeServerMessage(byte[])} for a frame already parsed, e.g. one rebuilt from a stored transcript entry. */
    public ServerMessage decodeServerMessage(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "server frame is not an object");
        }
        String type = tree.path("type").asText("");
        try {
            return switch (type) {
                case ErrorReply.TYPE -> ErrorReply.of(textOrNull(tree, "re"),
                        ErrorCode.fromWire(tree.path("code").asText()), tree.path("message").asText(""));
                case Reply.ACK, Reply.WELCOME -> new Reply(tree.path("v").asInt(), type, textOrNull(tree, "re"),
                        tree.hasNonNull("seq") ? tree.get("seq").asLong() : null, tree.get("body"));
                default -> decodeEvent((ObjectNode) tree, type);
            };
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unreadable " + type + ": " + firstLine(e));
        }
    }

    private Event decodeEvent(ObjectNode tree, String wireType) throws IOException {
        EventType type = EventType.fromWire(wireType);
        if (type == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown event type " + wireType);
        }
        EventBody body = mapper.treeToValue(tree.get("body"), type.bodyClass());
        Actor actor = tree.hasNonNull("actor") ? mapper.treeToValue(tree.get("actor"), Actor.class) : null;
        Instant ts = tree.hasNonNull("ts") ? Instant.parse(tree.get("ts").asText()) : null;
        Long seq = tree.hasNonNull("seq") ? tree.get("seq").asLong() : null;
        return new Event(tree.path("v").asInt(Protocol.VERSION), type, textOrNull(tree, "session"), seq, ts, actor,
                Audience.of(textOrNull(tree, "audience")), body);
    }

    /** Reads a decoded reply's body as the record the command it answers produces. */
    public <T extends ReplyBody> T replyBody(Reply reply, Class<T> type) {
        Object body = reply.body();
        if (type.isInstance(body)) {
            return type.cast(body);
        }
        try {
            JsonNode tree = body == null ? mapper.createObjectNode() : (JsonNode) body;
            return mapper.treeToValue(tree, type);
        } catch (IOException | ClassCastException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unreadable reply body: " + firstLine(e));
        }
    }

    /** The underlying mapper, configured for the protocol (dates as ISO-8601, nulls omitted). */
    public ObjectMapper mapper() {
        return mapper;
    }

    private byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String textOrNull(JsonNode tree, String field) {
        JsonNode node = tree.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static String pathOf(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
