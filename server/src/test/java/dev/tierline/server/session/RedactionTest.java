package dev.tierline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.Event;
import dev.tierline.protocol.EventBody;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactionTest {
    private static final Redaction DEFAULT = Redaction.parse(Redaction.DEFAULT_RULES);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "my password is hunter2                 | my password is [redacted]                 | 1",
            "Password: S3cr3t!  and pwd=abc         | Password: [redacted]  and pwd=[redacted]  | 2",
            "PIN: 1234                              | PIN: [redacted]                           | 1",
            "please reset my password               | please reset my password                  | 0",
            "the spinner is stuck                   | the spinner is stuck                      | 0"})
    void theDefaultRuleMasksPasswordsAndPinsButNotTalkAboutThem(String text, String expected, int masked) {
        Redaction.Result result = DEFAULT.apply(text);
        assertThat(result.text()).isEqualTo(expected);
        assertThat(result.masked()).isEqualTo(masked);
    }

    @Test
    void aRuleWithoutASecretGroupMasksTheWholeMatch() {
        Redaction cards = Redaction.parse("\\b\\d{4}[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{4}\\b\n\n");
        assertThat(cards.ruleCount()).isEqualTo(1);
        assertThat(cards.apply("card 4111 1111 1111 1111 ok").text()).isEqualTo("card [redacted] ok");
    }

    @Test
    void aBrokenRuleIsRefusedWithTheRuleNamed() {
        assertThatThrownBy(() -> Redaction.parse("(unclosed")).hasMessageContaining("(unclosed");
    }

    @Test
    void chatAndNotesAreMaskedBeforeTheyAreRecordedAndSayHowMuch() {
        Scenario s = Scenario.activeSession();
        s.redaction = DEFAULT;
        Event chat = s.ok(Scenario.USER, new CommandBody.ChatSend("ok, my password is hunter2", null)).get(0);
        assertThat(chat.body(EventBody.ChatMessage.class)).isEqualTo(
                new EventBody.ChatMessage("ok, my password is [redacted]", 1));
        Event note = s.ok(Scenario.L1, new CommandBody.NoteAdd("user gave pwd=hunter2 on the phone")).get(0);
        assertThat(note.body(EventBody.NoteAdded.class)).isEqualTo(
                new EventBody.NoteAdded("user gave pwd=[redacted] on the phone", 1));
        Event plain = s.ok(Scenario.USER, new CommandBody.ChatSend("thanks", null)).get(0);
        assertThat(plain.body(EventBody.ChatMessage.class).redacted()).isNull();
    }
}
