package dev.tierline.server.knowledge;

import java.util.List;

/**
 * A knowledge article as stored: its identity, links back to the ticket and session it came from,
 * whether it is retired, and its versions (oldest first; the last is current).
 */
public record Article(String id, String audience, String ticket, String session, long createdAt, long updatedAt,
                      Long retiredAt, String retiredBy, List<Version> versions) {
    /** Who an article is written for: technicians only, or end users too (self-help). */
    public static final List<String> AUDIENCES = List.of("technicians", "public");

    /** One version of an article, with who wrote it and at what tier. */
    public record Version(int version, Content content, String authorId, String authorName, String authorTier,
                          long createdAt) {}

    /** What a technician writes: title, symptoms, cause, fix steps, tags and audience. */
    public record Content(String title, String symptoms, String cause, List<String> fixSteps, List<String> tags,
                          String audience) {
        public Content {
            fixSteps = List.copyOf(fixSteps);
            tags = List.copyOf(tags);
        }
    }

    public Version current() {
        return versions.get(versions.size() - 1);
    }

    public boolean retired() {
        return retiredAt != null;
    }
}
