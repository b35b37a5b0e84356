package dev.tierline.server.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArticleStoreTest {

    @Test
    void queryTermsAreLowerCasedWordsWithoutStopWordsOrSyntax() {
        assertThat(ArticleStore.terms("My VPN drops EVERY hour, and the VPN is slow!"))
                .containsExactly("vpn", "drops", "every", "hour", "slow");
        assertThat(ArticleStore.terms("vpn\" OR * NEAR( ') ; DROP --")).containsExactly("vpn", "near", "drop");
        assertThat(ArticleStore.terms("Größe über 5GHz")).containsExactly("größe", "über", "5ghz");
        assertThat(ArticleStore.terms("the a I")).isEmpty();
        assertThat(ArticleStore.terms(null)).isEmpty();
    }

    @Test
    void aLongQueryIsCutAtThirtyTwoTerms() {
        String words = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "w" + i)
                .collect(java.util.stream.Collectors.joining(" "));
        assertThat(ArticleStore.terms(words)).hasSize(32).startsWith("w0").endsWith("w31");
    }

    @Test
    void snippetsAreTheStartOfTheSymptomsOnOneLine() {
        assertThat(KnowledgeBase.snippet("Line one\n  line two")).isEqualTo("Line one line two");
        String longText = "x".repeat(500);
        assertThat(KnowledgeBase.snippet(longText)).hasSize(160).endsWith("…");
    }
}
