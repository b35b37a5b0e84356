package dev.tierline.server.session;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Masks secrets people type into chat (a password read out to the technician, say) before the
 * message is relayed or recorded. A rule is a regular expression; when it has a group named
 * {@code secret} only that group is masked, so the transcript still shows that a password was
 * given, just not which.
 */
public final class Redaction {
    public static final String MASK = "[redacted]";
    /** Passwords and PINs given as {@code password: x}, {@code pwd=x} or {@code my password is x}. */
    public static final String DEFAULT_RULES =
            "(?i)\\b(?:password|passwd|pwd|passcode|pin)\\b\\s*(?:is\\s+|[:=]\\s*)(?<secret>\\S+)";
    public static final Redaction NONE = new Redaction(List.of());

    /** A text after redaction, and how many matches were masked. */
    public record Result(String text, int masked) {}

    /**
     * {@code mayMatch} is a cheap test that must pass wherever the pattern could match; it lets
     * the built-in rule skip the regular expression for the chat that names no password (nearly
     * all of it). A custom rule has none and always runs.
     */
    private record Rule(Pattern pattern, boolean maskSecretOnly, java.util.function.Predicate<String> mayMatch) {}

    private final List<Rule> rules;

    private Redaction(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** One rule per line; blank lines are skipped. */
    public static Redaction parse(String rules) {
        List<Rule> patterns = new ArrayList<>();
        for (String line : rules.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                String rule = line.strip();
                patterns.add(new Rule(Pattern.compile(rule), line.contains("(?<secret>"),
                        rule.equals(DEFAULT_RULES) ? Redaction::mayNameASecret : text -> true));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("rule '" + line.strip() + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return new Redaction(patterns);
    }

    public int ruleCount() {
        return rules.size();
    }

    public Result apply(String text) {
        int masked = 0;
        for (Rule rule : rules) {
            if (!rule.mayMatch().test(text)) {
                continue;
            }
            Matcher m = rule.pattern().matcher(text);
            StringBuilder out = null;
            int last = 0;
            while (m.find()) {
                int start = rule.maskSecretOnly() ? m.start("secret") : m.start();
                int end = rule.maskSecretOnly() ? m.end("secret") : m.end();
                if (start < 0 || end <= start) {
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, last, start).append(MASK);
                last = end;
                masked++;
            }
            if (out != null) {
                text = out.append(text, last, text.length()).toString();
            }
        }
        return new Result(text, masked);
    }

    /**
     * Whether {@code text} has "pass", "pwd" or "pin" in any ASCII case: every word the built-in
     * rule looks for begins with one of them ({@code (?i)} without UNICODE_CASE is ASCII-only too).
     */
    static boolean mayNameASecret(String text) {
        for (int i = 0, last = text.length() - 3; i <= last; i++) {
            if ((text.charAt(i) | 0x20) != 'p') {
                continue;
            }
            int a = text.charAt(i + 1) | 0x20;
            int b = text.charAt(i + 2) | 0x20;
            boolean pass = a == 'a' && b == 's' && i + 3 < text.length() && (text.charAt(i + 3) | 0x20) == 's';
            if (pass || (a == 'w' && b == 'd') || (a == 'i' && b == 'n')) {
                return true;
            }
        }
        return false;
    }
}
