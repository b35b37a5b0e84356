package dev.tierline.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browser console: files from the classpath folder {@code console/}, cached after the first
 * read. Paths are checked before they touch the classpath, so {@code ..} and friends find nothing.
 */
public final class StaticFiles {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "json", "application/json", "ico", "image/x-icon", "txt", "text/plain; charset=utf-8");

    /** A file's bytes and content type. */
    public record File(byte[] bytes, String contentType) {}

    private final String root;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    public StaticFiles(String root) {
        this.root = root;
    }

    /** @param path the request path under the console, e.g. {@code app.js}; empty means index.html */
    public File get(String path) {
        String name = path.isEmpty() || path.endsWith("/") ? path + "index.html" : path;
        if (!name.matches("[A-Za-z0-9_\\-/]+\\.[a-z0-9]+") || name.contains("//") || name.startsWith("/")) {
            return null;
        }
        String extension = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.get(extension);
        if (type == null) {
            return null;
        }
        return cache.computeIfAbsent(name, n -> load(n, type));
    }

    private File load(String name, String type) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + "/" + name)) {
            return in == null ? null : new File(in.readAllBytes(), type);
        } catch (IOException e) {
            return null;
        }
    }
}
