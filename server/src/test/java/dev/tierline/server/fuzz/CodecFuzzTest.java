package dev.tierline.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tierline.protocol.DecodeResult;
import dev.tierline.protocol.ProtocolCodec;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mutated frames straight into the codec: each is a command or a typed rejection, never an exception. */
class CodecFuzzTest {
    private static final int FRAMES = 30_000;

    @Test
    void everyMutatedFrameDecodesOrIsRejectedAsAValue() throws Exception {
        ProtocolCodec codec = ProtocolCodec.create();
        FrameMutator mutator = new FrameMutator(20261123L, FrameMutator.corpus());
        Map<String, String> ids = Map.of("$SESSION", "s-own", "$VICTIM", "s-victim", "$PEER", "t-peer");
        int decoded = 0;
        int rejected = 0;
        for (int i = 0; i < FRAMES; i++) {
            String frame = mutator.next(ids);
            DecodeResult result;
            try {
                result = codec.decodeCommand(new ByteArrayInputStream(frame.getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                throw new AssertionError("frame " + i + " threw: " + frame.substring(0, Math.min(300, frame.length())), e);
            }
            if (result instanceof DecodeResult.Rejected r) {
                assertThat(r.toReply().code()).as("frame %d", i).isNotNull();
                assertThat(r.toReply().message()).as("frame %d", i).isNotBlank();
                rejected++;
            } else {
                decoded++;
            }
        }
        // the mutator must exercise both sides: frames the handlers see, and frames the codec refuses
        assertThat(decoded).isGreaterThan(FRAMES / 10);
        assertThat(rejected).isGreaterThan(FRAMES / 10);
    }
}
