package dev.tierline.server.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecentRepliesTest {
    private static final byte[] ACK = "{\"type\":\"ack\",\"re\":\"c-1\"}".getBytes(StandardCharsets.UTF_8);

    private static Connection connection() {
        return Connection.attach(new EmbeddedChannel(), 1 << 20, null);
    }

    @Test
    void aNewCommandIsAppliedAndARetryAfterItsReplyIsAnsweredAgain() {
        RecentReplies replies = new RecentReplies();
        Connection first = connection();
        assertThat(replies.begin("c-1", first)).isNull();
        assertThat(replies.complete("c-1", ACK)).isEmpty();
        assertThat(replies.begin("c-1", connection())).isEqualTo(ACK);
    }

    @Test
    void aRetryWhileTheOriginalIsInFlightWaitsForItsReply() {
        RecentReplies replies = new RecentReplies();
        Connection first = connection();
        Connection again = connection();
        assertThat(replies.begin("c-1", first)).isNull();
        assertThat(replies.begin("c-1", again)).isEmpty();
        assertThat(replies.complete("c-1", ACK)).containsExactly(again);
        assertThat(replies.begin("c-1", again)).isEqualTo(ACK);
    }

    @Test
    void anAbandonedCommandIsDecidedAfreshAndItsWaitingRetriesAreTold() {
        RecentReplies replies = new RecentReplies();
        Connection again = connection();
        replies.begin("c-1", connection());
        replies.begin("c-1", again);
        assertThat(replies.abandon("c-1")).containsExactly(again);
        assertThat(replies.begin("c-1", again)).isNull();
        assertThat(replies.abandon("c-2")).isEmpty();
    }

    @Test
    void theOldestRepliesAreForgottenPastTheBound() {
        RecentReplies replies = new RecentReplies();
        for (int i = 0; i <= RecentReplies.CAPACITY; i++) {
            replies.begin("c-" + i, connection());
            replies.complete("c-" + i, ACK);
        }
        assertThat(replies.begin("c-0", connection())).as("forgotten: a new command").isNull();
        assertThat(replies.begin("c-" + RecentReplies.CAPACITY, connection())).isEqualTo(ACK);
    }

    @Test
    void everyKeptReplyIsFoundAndEveryForgottenOneIsNotAsTheyTurnOver() {
        RecentReplies replies = new RecentReplies();
        int total = RecentReplies.CAPACITY * 3 + 17;
        for (int i = 0; i < total; i++) {
            replies.begin("cmd-" + i, connection());
            replies.complete("cmd-" + i, ("{\"re\":\"cmd-" + i + "\"}").getBytes(StandardCharsets.UTF_8));
            if (i % 97 == 0 || i == total - 1) {
                for (int j = 0; j <= i; j++) {
                    byte[] again = replies.begin("cmd-" + j, connection());
                    if (j > i - RecentReplies.CAPACITY) {
                        assertThat(again).as("cmd-%d after %d", j, i)
                                .isEqualTo(("{\"re\":\"cmd-" + j + "\"}").getBytes(StandardCharsets.UTF_8));
                    } else {
                        assertThat(again).as("cmd-%d forgotten after %d", j, i).isNull();
                        replies.abandon("cmd-" + j);
                    }
                }
            }
        }
    }

    @Test
    void idsWithTheSameHashAreToldApart() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        RecentReplies replies = new RecentReplies();
        replies.begin("Aa", connection());
        replies.complete("Aa", ACK);
        assertThat(replies.begin("BB", connection())).as("another command").isNull();
        byte[] other = "{\"re\":\"BB\"}".getBytes(StandardCharsets.UTF_8);
        replies.complete("BB", other);
        assertThat(replies.begin("Aa", connection())).isEqualTo(ACK);
        assertThat(replies.begin("BB", connection())).isEqualTo(other);
        assertThat(replies.begin("\u00e9t\u00e9-1", connection())).isNull();
    }

    @Test
    void commandsInFlightAreNotForgottenWhateverTheirNumber() {
        RecentReplies replies = new RecentReplies();
        for (int i = 0; i < RecentReplies.CAPACITY * 2; i++) {
            replies.begin("c-" + i, connection());
        }
        Connection retry = connection();
        assertThat(replies.begin("c-0", retry)).isEmpty();
        assertThat(replies.complete("c-0", ACK)).containsExactly(retry);
    }
}
