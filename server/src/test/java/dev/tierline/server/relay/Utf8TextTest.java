package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8TextTest {
    /** The JDK's strict decoder is the reference: it follows RFC 3629 too. */
    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean valid(byte[] bytes) {
        return Utf8Text.isValid(Unpooled.wrappedBuffer(bytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "the printer on floor 3 says PC LOAD LETTER again", "Grüße", "日本語のテキスト",
            "emoji 🙂 and 𝄞", "\u0000\u007f\u0080\u07ff\u0800\uffff"})
    void acceptsText(String text) {
        assertThat(valid(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"c0af", "c1bf", "e080af", "eda080", "edbfbf", "f08f8080", "f4908080", "f5808080", "ff",
            "80", "c3", "e282", "f09f99", "414243444546474849c3", "4142434445464748e2", "c328", "e228a1"})
    void refusesWhatIsNotUtf8(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(jdkAccepts(bytes)).as("the reference refuses it too").isFalse();
        assertThat(valid(bytes)).isFalse();
    }

    @Test
    void agreesWithTheJdkOnRandomBytesAroundEveryLength() {
        Random random = new Random(1007);
        byte[] pieces = "aé€🙂".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[random.nextInt(24)];
            for (int i = 0; i < bytes.length; i++) {
                int pick = random.nextInt(10);
                bytes[i] = pick < 5 ? pieces[random.nextInt(pieces.length)] : pick < 8 ? (byte) random.nextInt(0x80)
                        : (byte) random.nextInt(256);
            }
            assertThat(valid(bytes)).as(HexFormat.of().formatHex(bytes)).isEqualTo(jdkAccepts(bytes));
        }
    }

    @Test
    void checksOnlyTheReadableBytes() {
        var buffer = Unpooled.wrappedBuffer(HexFormat.of().parseHex("ff414243ff"));
        buffer.readerIndex(1).writerIndex(4);
        assertThat(Utf8Text.isValid(buffer)).isTrue();
    }
}
