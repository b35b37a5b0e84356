package dev.tierline.server.knowledge;

import dev.tierline.protocol.ReplyBody;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The knowledge articles as the relay uses them: look-ups and searches run on a small pool of
 * their own, never on an event loop, and complete a future the relay answers from.
 */
public final class KnowledgeBase implements AutoCloseable {
    /** Public articles offered to an end user opening a request. */
    public static final int SUGGESTIONS = 3;
    private static final int SNIPPET_CHARS = 160;
    private static final double RELEVANCE_CUTOFF = 0.5;

    private final ArticleStore store;
    private final ThreadPoolExecutor executor;

    public KnowledgeBase(ArticleStore store, int threads) {
        this.store = store;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(1024), r -> {
                    Thread t = new Thread(r, "tierline-kb-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public ArticleStore store() {
        return store;
    }

    /** The article, or {@code null} when there is none; fails when the database cannot be read or the pool is full. */
    public CompletableFuture<Article> lookup(String id) {
        return run(() -> store.find(id));
    }

    public CompletableFuture<List<ReplyBody.ArticleHit>> search(ArticleStore.Query query) {
        return run(() -> store.search(query).stream().map(KnowledgeBase::hit).toList());
    }

    /**
     * The public articles that best match what an end user wrote; technician-only ones never.
     * Articles ranked under half the best one's rank (sharing a stray word like "asks") are left
     * out: an end user should see only suggestions that look like their problem.
     */
    public CompletableFuture<List<ReplyBody.ArticleHit>> suggest(String summary) {
        return run(() -> {
            List<ArticleStore.Hit> hits = store.search(new ArticleStore.Query(summary, null, "public", SUGGESTIONS));
            double best = hits.isEmpty() ? 0 : hits.get(0).rank();
            return hits.stream().filter(h -> h.rank() >= best * RELEVANCE_CUTOFF).map(KnowledgeBase::hit).toList();
        });
    }

    public static ReplyBody.ArticleHit hit(ArticleStore.Hit hit) {
        return new ReplyBody.ArticleHit(hit.id(), hit.version(), hit.title(), snippet(hit.symptoms()), hit.audience(),
                hit.tags());
    }

    static String snippet(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= SNIPPET_CHARS ? flat : flat.substring(0, SNIPPET_CHARS - 1).stripTrailing() + "…";
    }

    private interface Read<T> {
        T get() throws SQLException;
    }

    private <T> CompletableFuture<T> run(Read<T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(read.get());
                } catch (SQLException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
