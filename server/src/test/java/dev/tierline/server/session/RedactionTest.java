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

    /** The built-in rule's prefilter may only skip texts its regular expression would not touch. */
    @Test
    void theBuiltInRulesPrefilterNeverSkipsATextThatTheRuleWouldMask() {
        java.util.regex.Pattern rule = java.util.regex.Pattern.compile(Redaction.DEFAULT_RULES);
        String alphabet = "pPaAsSwWdDiInNoOcCeE:= \t1x\u0130\u0131\u017f\u212a";
        String[] words = {"password", "PassWd", "pwd", "PIN", "passcode", " is ", ": ", "=", "hunter2", "spin"};
        java.util.Random random = new java.util.Random(20261201);
        int masked = 0;
        for (int round = 0; round < 50_000; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                text.append(random.nextInt(3) == 0 ? words[random.nextInt(words.length)]
                        : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            String candidate = text.toString();
            if (rule.matcher(candidate).find()) {
                masked++;
                assertThat(Redaction.mayNameASecret(candidate)).as(candidate).isTrue();
                assertThat(DEFAULT.apply(candidate).masked()).as(candidate).isPositive();
            }
        }
        assertThat(masked).as("texts the rule masks, among those tried").isGreaterThan(1_000);
        assertThat(Redaction.mayNameASecret("the spinner is stuck")).isTrue(); // a prefilter, not the rule
        assertThat(Redaction.mayNameASecret("my screen is frozen again")).isFalse();
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
