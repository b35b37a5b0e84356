package dev.tierline.server.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A seeded, structure-aware mutator over the seed corpus in {@code src/test/resources/fuzz-corpus}:
 * half of its frames are JSON trees with a field changed, dropped, retyped or bloated (what gets
 * past the parser and tests the handlers), the rest are byte-level damage (what tests the parser).
 * The same seed gives the same frames, so a failure is reproduced by its seed.
 */
final class FrameMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] TYPES = {"hello", "request.open", "queue.list", "session.create", "session.accept",
            "session.join", "session.leave", "chat.send", "invite.create", "invite.revoke", "owner.transfer",
            "control.request", "control.withdraw", "control.grant", "control.deny", "control.handoff", "control.release",
            "control.revoke", "screen.share.start", "screen.share.update", "screen.share.stop", "screen.signal",
            "screen.pointer", "note.add", "session.end", "no.such.type", "", "HELLO"};
    private static final String[] NASTY = {"", " ", "\u0000", "\uFEFF", "\uD83D\uDE00", "null", "-1", "1e309",
            "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "%s%n", "\\u0000", "L9", "L4", "system"};

    private final Random random;
    private final List<String> seeds;

    FrameMutator(long seed, List<String> seeds) {
        this.random = new Random(seed);
        this.seeds = List.copyOf(seeds);
    }

    static List<String> corpus() throws IOException {
        Path dir = Path.of("src", "test", "resources", "fuzz-corpus");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> seeds = new ArrayList<>();
            for (Path file : files.sorted().toList()) {
                seeds.add(Files.readString(file, StandardCharsets.UTF_8).strip());
            }
            return seeds;
        }
    }

    /** The next frame, with {@code $SESSION}, {@code $VICTIM} and {@code $PEER} filled in. */
    String next(Map<String, String> placeholders) {
        String seed = seeds.get(random.nextInt(seeds.size()));
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            seed = seed.replace(p.getKey(), p.getValue());
        }
        int rounds = 1 + random.nextInt(3);
        String frame = seed;
        for (int i = 0; i < rounds; i++) {
            frame = random.nextBoolean() ? structural(frame) : bytewise(frame);
        }
        return frame;
    }

    private String structural(String frame) {
        JsonNode root;
        try {
            root = JSON.readTree(frame);
        } catch (IOException notJson) {
            return bytewise(frame);
        }
        if (!(root instanceof ObjectNode object)) {
            return bytewise(frame);
        }
        List<ObjectNode> objects = new ArrayList<>();
        collect(object, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        switch (random.nextInt(6)) {
            case 0 -> { // drop a field
                if (!names.isEmpty()) {
                    target.remove(names.get(random.nextInt(names.size())));
                }
            }
            case 1 -> { // change a field to a value of another kind
                String name = names.isEmpty() ? "x" : names.get(random.nextInt(names.size()));
                target.set(name, randomValue(0));
            }
            case 2 -> target.set("extra" + random.nextInt(3), randomValue(0)); // unknown field
            case 3 -> object.put("type", TYPES[random.nextInt(TYPES.length)]); // a body for another type
            case 4 -> object.put("v", random.nextInt(4) - 1);
            default -> { // bloat: a long string or a deep structure
                String name = names.isEmpty() ? "text" : names.get(random.nextInt(names.size()));
                target.set(name, random.nextBoolean() ? NODES.textNode("A".repeat(random.nextInt(70_000)))
                        : deep(1 + random.nextInt(40)));
            }
        }
        return root.toString();
    }

    private static void collect(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        Iterator<JsonNode> children = node.elements();
        while (children.hasNext()) {
            collect(children.next(), into);
        }
    }

    private JsonNode randomValue(int depth) {
        return switch (random.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextInt());
            case 3 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 4 -> NODES.numberNode(Long.MIN_VALUE);
            case 5 -> NODES.textNode(NASTY[random.nextInt(NASTY.length)]);
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set("k" + i, randomValue(depth + 1));
                }
                yield object;
            }
        };
    }

    private static JsonNode deep(int levels) {
        JsonNode node = NODES.arrayNode();
        for (int i = 0; i < levels; i++) {
            ArrayNode wrapper = NODES.arrayNode();
            wrapper.add(node);
            node = wrapper;
        }
        return node;
    }

    private String bytewise(String frame) {
        StringBuilder s = new StringBuilder(frame);
        if (s.length() == 0) {
            return "{";
        }
        int at = random.nextInt(s.length());
        switch (random.nextInt(6)) {
            case 0 -> s.setCharAt(at, (char) random.nextInt(128)); // flip a character
            case 1 -> s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(20))); // cut a span
            case 2 -> s.setLength(at); // truncate
            case 3 -> s.insert(at, "{[\"\\:,}]".charAt(random.nextInt(8))); // a stray token
            case 4 -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(40)))); // duplicate
            default -> s.insert(at, NASTY[random.nextInt(NASTY.length)]);
        }
        return s.toString();
    }
}
