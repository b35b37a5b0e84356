package dev.tierline.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtocolCodecTest {
    private final ProtocolCodec codec = ProtocolCodec.create(new CodecLimits(8, 1024));

    private DecodeResult decode(String json) {
        return codec.decodeCommand(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aWellFormedCommandDecodesToItsRecord() {
        DecodeResult result = decode("""
                {"v":1,"id":"c-17","type":"chat.send","session":"s-8f2c","body":{"text":"hello"}}""");
        Command command = assertInstanceOf(DecodeResult.Decoded.class, result).command();
        assertEquals(new Command(1, "c-17", CommandType.CHAT_SEND, "s-8f2c", new CommandBody.ChatSend("hello", "all")),
                command);
    }

    @Test
    void aCommandWithoutBodyTakesAnEmptyOne() {
        DecodeResult result = decode("{\"v\":1,\"id\":\"c-1\",\"type\":\"session.leave\",\"session\":\"s-1\"}");
        assertEquals(new CommandBody.SessionLeave(), ((DecodeResult.Decoded) result).command().body());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"v":1,"id":"c-1","type":                                                  | bad_request         | malformed JSON
            [1,2,3]                                                                    | bad_request         | JSON object
            {"id":"c-1","type":"hello","body":{"token":"t"}}                           | bad_request         | missing field v
            {"v":9,"id":"c-1","type":"hello","body":{"token":"t"}}                     | unsupported_version | version 9
            {"v":1,"id":"c-1","body":{}}                                               | bad_request         | missing field type
            {"v":1,"id":"c-1","type":"chat.yell","session":"s"}                        | unknown_type        | chat.yell
            {"v":1,"type":"hello","body":{"token":"t"}}                                | bad_request         | missing field id
            {"v":1,"id":"c-1","type":"chat.send","body":{"text":"x"}}                  | bad_request         | missing field session
            {"v":1,"id":"c-1","type":"chat.send","session":"s","body":{}}              | bad_request         | body.text
            {"v":1,"id":"c-1","type":"chat.send","session":"s","body":"text"}          | bad_request         | body must be
            {"v":1,"id":"c-1","type":"chat.send","session":"s","body":{"text":"x","audience":"vips"}} | bad_request | body.audience
            {"v":1,"id":"c-1","type":"invite.create","session":"s","body":{"tier":"L9","ttlSeconds":5}} | bad_request | unknown tier
            {"v":1,"id":"c-1","type":"invite.create","session":"s","body":{"tier":"L2","ttlSeconds":"soon"}} | bad_request | ttlSeconds
            {"v":1,"id":"c-1","type":"screen.pointer","session":"s","body":{"display":"d","x":1}} | bad_request | body.y
            {"v":1,"id":"c-1","type":"hello","body":{}}                                | bad_request         | body.token
            {"v":1,"id":"c-1","type":"chat.send","session":"s","body":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{}}}}}}}}} | bad_request | parser limits
            """)
    void whatCannotBeReadIsRejectedWithACodeNotAnException(String json, String code, String messagePart) {
        DecodeResult.Rejected rejected = assertInstanceOf(DecodeResult.Rejected.class, decode(json));
        assertEquals(code, rejected.code().wire(), rejected.toString());
        assertTrue(rejected.message().contains(messagePart), rejected.toString());
    }

    @Test
    void theRejectionNamesTheCommandIdWhenItCouldBeRead() {
        DecodeResult.Rejected rejected = (DecodeResult.Rejected) decode(
                "{\"v\":1,\"id\":\"c-42\",\"type\":\"chat.send\",\"session\":\"s\",\"body\":{}}");
        assertEquals("c-42", rejected.id());
        assertEquals("{\"v\":1,\"type\":\"error\",\"re\":\"c-42\",\"code\":\"bad_request\",\"message\":\"missing field body.text\"}",
                new String(codec.encode(rejected.toReply()), StandardCharsets.UTF_8));
    }

    @Test
    void aStringLongerThanTheLimitIsRejected() {
        DecodeResult result = decode("{\"v\":1,\"id\":\"c-1\",\"type\":\"chat.send\",\"session\":\"s\",\"body\":{\"text\":\""
                + "x".repeat(2000) + "\"}}");
        assertEquals(ErrorCode.BAD_REQUEST, assertInstanceOf(DecodeResult.Rejected.class, result).code());
    }

    @Test
    void anEventRoundTripsThroughTheClientDecoder() {
        Event event = new Event(EventType.CHAT_MESSAGE, "s-8f2c", 42L, Instant.parse("2026-11-22T11:00:00.123Z"),
                new Actor("t-ann", "Ann", Role.TECHNICIAN, Tier.L1), Audience.ALL, new EventBody.ChatMessage("hello"));
        byte[] wire = codec.encode(event);
        assertEquals("{\"v\":1,\"type\":\"chat.message\",\"session\":\"s-8f2c\",\"seq\":42,\"ts\":\"2026-11-22T11:00:00.123Z\","
                + "\"actor\":{\"id\":\"t-ann\",\"name\":\"Ann\",\"role\":\"technician\",\"tier\":\"L1\"},\"audience\":\"all\","
                + "\"body\":{\"text\":\"hello\"}}", new String(wire, StandardCharsets.UTF_8));
        assertEquals(event, codec.decodeServerMessage(wire));
    }

    @Test
    void aReplyBodyIsReadAsTheRecordItsCommandProduces() {
        Reply ack = Reply.ack("c-3", null, new ReplyBody.QueueListing(List.of(new ReplyBody.QueuedRequest("s-1", "T-1",
                "network", "VPN", "Uma", Instant.parse("2026-11-22T10:00:00Z")))));
        Reply decoded = (Reply) codec.decodeServerMessage(codec.encode(ack));
        assertEquals(ack.body(), codec.replyBody(decoded, ReplyBody.QueueListing.class));
        assertEquals("c-3", decoded.re());
    }

    @Test
    void everyCommandTypeHasItsOwnRecord() {
        for (CommandType type : CommandType.values()) {
            assertEquals(type, CommandType.fromWire(type.wire()));
            assertTrue(CommandType.values().length == java.util.Arrays.stream(CommandType.values())
                    .map(CommandType::bodyClass).distinct().count(), "one record per command");
        }
    }
}
