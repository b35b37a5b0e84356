package dev.tierline.server.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** A transcript as auditors read it: JSON Lines (verifiable), plain text, or one self-contained HTML page. */
public final class TranscriptFormats {
    private TranscriptFormats() {
    }

    /** One line per entry ({@code seq}, {@code prev}, {@code hash}, {@code event}), then the seal if there is one. */
    public static List<String> jsonLines(List<JournalStore.Entry> entries, JournalStore.SessionRow session) {
        List<String> lines = new ArrayList<>(entries.size() + 1);
        for (JournalStore.Entry e : entries) {
            ObjectNode line = JsonNodeFactory.instance.objectNode();
            line.put("seq", e.seq());
            line.put("prev", e.prevHash());
            line.put("hash", e.hash());
            line.set("event", EntryCodec.tree(e));
            lines.add(line.toString());
        }
        if (session != null && session.signature() != null) {
            ObjectNode seal = JsonNodeFactory.instance.objectNode();
            seal.putObject("seal").put("session", session.id()).put("lastSeq", session.lastSeq())
                    .put("headHash", session.headHash()).put("keyId", session.keyId())
                    .put("signature", session.signature());
            lines.add(seal.toString());
        }
        return lines;
    }

    /** A readable conversation log: time, who (with tier), what. */
    public static String text(List<JournalStore.Entry> entries, JournalStore.SessionRow session) {
        StringBuilder out = new StringBuilder();
        out.append("Session ").append(session.id()).append(" for ticket ").append(session.ticket());
        if (session.title() != null) {
            out.append(" - ").append(session.title());
        }
        out.append('\n');
        for (JournalStore.Entry e : entries) {
            JsonNode event = EntryCodec.tree(e);
            out.append(event.path("ts").asText()).append("  #").append(e.seq()).append("  ")
                    .append(who(event.path("actor"))).append(": ").append(describe(event)).append('\n');
        }
        if (session.signature() != null) {
            out.append("Sealed at seq ").append(session.lastSeq()).append(", head ").append(session.headHash())
                    .append(", key ").append(session.keyId()).append('\n');
        } else {
            out.append("Not sealed: the session is still open.\n");
        }
        return out.toString();
    }

    public static String html(List<JournalStore.Entry> entries, JournalStore.SessionRow session) {
        StringBuilder rows = new StringBuilder();
        for (JournalStore.Entry e : entries) {
            JsonNode event = EntryCodec.tree(e);
            String cls = "technicians".equals(e.audience()) ? " class=\"tech\"" : "";
            rows.append("<tr").append(cls).append("><td>").append(e.seq()).append("</td><td>")
                    .append(escape(event.path("ts").asText())).append("</td><td>").append(escape(who(event.path("actor"))))
                    .append("</td><td>").append(escape(describe(event))).append("</td></tr>\n");
        }
        String seal = session.signature() == null ? "Not sealed: the session is still open."
                : "Sealed at seq " + session.lastSeq() + " &middot; head <code>" + escape(session.headHash())
                + "</code> &middot; key <code>" + escape(session.keyId()) + "</code>";
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Transcript %s</title>
                <style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%%}
                td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
                tr.tech{background:#fff7e0}code{font-size:12px}</style></head><body>
                <h1>Session %s</h1><p>Ticket <b>%s</b> &middot; %s</p><p>%s</p>
                <p>Rows shaded were visible to technicians only.</p>
                <table><thead><tr><th>#</th><th>time</th><th>who</th><th>what</th></tr></thead><tbody>
                %s</tbody></table></body></html>
                """.formatted(escape(session.id()), escape(session.id()), escape(session.ticket()),
                escape(session.title() == null ? "" : session.title()), seal, rows);
    }

    private static String who(JsonNode actor) {
        String name = actor.path("name").asText(actor.path("id").asText());
        String role = actor.path("role").asText();
        return switch (role) {
            case "technician" -> name + " (" + actor.path("tier").asText() + ")";
            case "end_user" -> name + " (user)";
            case "system" -> "server";
            default -> name + " (" + role + ")";
        };
    }

    static String describe(JsonNode event) {
        JsonNode b = event.path("body");
        String type = event.path("type").asText();
        return switch (type) {
            case "chat.message" -> ("technicians".equals(event.path("audience").asText()) ? "[technicians] " : "")
                    + b.path("text").asText();
            case "note.added" -> "note: " + b.path("text").asText();
            case "session.opened" -> "opened the session (" + b.path("state").asText() + ")";
            case "session.accepted" -> "accepted the request";
            case "session.requeued" -> "session back in the queue: " + b.path("reason").asText();
            case "participant.joined" -> b.path("participant").path("name").asText() + " joined ("
                    + b.path("participant").path("role").asText() + " " + b.path("participant").path("tier").asText("")
                    + ", via " + b.path("via").asText() + ")";
            case "participant.left" -> b.path("participant").asText() + " left (" + b.path("reason").asText() + ")";
            case "participant.disconnected" -> b.path("participant").asText() + " disconnected";
            case "participant.reconnected" -> b.path("participant").asText() + " reconnected";
            case "owner.transferred" -> "ownership " + b.path("from").asText() + " (" + b.path("fromTier").asText()
                    + ") -> " + b.path("to").asText() + " (" + b.path("toTier").asText() + "): " + b.path("reason").asText();
            case "control.granted" -> "control granted to " + b.path("to").asText()
                    + (b.hasNonNull("from") ? " from " + b.path("from").asText() : "") + " (consent: "
                    + b.path("consent").asText() + ")";
            case "control.released" -> "control released by " + b.path("from").asText() + " (" + b.path("reason").asText() + ")";
            case "control.revoked" -> "control revoked from " + b.path("from").asText("nobody");
            case "session.ended" -> "ended the session: " + b.path("outcome").asText() + " - " + b.path("resolution").asText();
            default -> type + " " + b;
        };
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
