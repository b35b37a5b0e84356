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

    private record Rule(Pattern pattern, boolean maskSecretOnly) {}

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
                patterns.add(new Rule(Pattern.compile(line.strip()), line.contains("(?<secret>")));
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
}
