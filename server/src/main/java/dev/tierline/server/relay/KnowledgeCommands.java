package dev.tierline.server.relay;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Command;
import dev.tierline.protocol.CommandBody;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.ErrorReply;
import dev.tierline.protocol.Reply;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.protocol.Tier;
import dev.tierline.server.knowledge.Article;
import dev.tierline.server.knowledge.ArticleStore;
import dev.tierline.server.knowledge.KnowledgeBase;
import dev.tierline.server.session.Input;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol's knowledge commands, on the relay side: it does the database work off the event
 * loops, then answers ({@code kb.search}) or hands the article it found to the session's core
 * ({@code kb.share}, {@code request.selfResolve}), which decides without any I/O. It also looks up
 * the public articles a {@code request.open} is answered with.
 */
final class KnowledgeCommands {
    private static final Logger log = LoggerFactory.getLogger(KnowledgeCommands.class);

    private final SessionHub hub;
    private final KnowledgeBase knowledge;

    KnowledgeCommands(SessionHub hub, KnowledgeBase knowledge) {
        this.hub = hub;
        this.knowledge = knowledge;
    }

    void search(Connection connection, Command command) {
        Actor actor = connection.principal().actor();
        if (!actor.isTechnician()) {
            connection.send(hub.error(ErrorReply.of(command.id(), ErrorCode.FORBIDDEN,
                    "only technicians search the knowledge base")));
            return;
        }
        CommandBody.KbSearch search = (CommandBody.KbSearch) command.body();
        String audience = search.audience();
        if (actor.tier() == Tier.L4) {
            // outside support sees what end users may see, never the internal articles
            if ("technicians".equals(audience)) {
                connection.send(hub.error(ErrorReply.of(command.id(), ErrorCode.FORBIDDEN,
                        "L4 technicians search public articles only")));
                return;
            }
            audience = "public";
        }
        knowledge.search(new ArticleStore.Query(search.q(), search.tag(), audience, search.limit()))
                .whenComplete((hits, error) -> {
                    if (error != null) {
                        log.warn("knowledge search failed", error);
                        connection.send(hub.error(unavailable(command)));
                    } else {
                        connection.send(hub.wrap(hub.codec().encode(
                                Reply.ack(command.id(), null, new ReplyBody.ArticleResults(hits)))));
                    }
                });
    }

    /**
     * Looks for public articles matching the request's summary, then opens the request. If the
     * knowledge base cannot be read, the request still opens, without suggestions: an end user
     * asking for help must not be turned away because self-help is down.
     */
    void suggestThenOpen(Connection connection, Command command) {
        String summary = ((CommandBody.RequestOpen) command.body()).summary();
        knowledge.suggest(summary).whenComplete((hits, error) -> {
            if (error != null) {
                log.warn("knowledge suggestions failed; the request opens without them", error);
            }
            hub.open(connection, command, error == null ? hits : List.of());
        });
    }

    /** {@code kb.share} and {@code request.selfResolve}: finds the article, then lets the core decide. */
    void lookupThenSubmit(SessionRuntime runtime, Connection connection, Command command) {
        String id = command.body() instanceof CommandBody.KbShare share ? share.article()
                : ((CommandBody.RequestSelfResolve) command.body()).article();
        knowledge.lookup(id).whenComplete((article, error) -> {
            if (error != null) {
                log.warn("knowledge look-up of {} failed", id, error);
                connection.send(hub.error(unavailable(command)));
            } else if (article == null) {
                connection.send(hub.error(ErrorReply.of(command.id(), ErrorCode.NOT_FOUND, "no article " + id)));
            } else {
                runtime.submit(connection, command, input(command, article), null);
            }
        });
    }

    private static Input input(Command command, Article article) {
        Article.Version current = article.current();
        Input.Article found = new Input.Article(article.id(), current.version(), current.content().title(),
                article.audience(), article.retired());
        return command.body() instanceof CommandBody.KbShare share ? new Input.ShareArticle(found, share.audience())
                : new Input.SelfResolve(found);
    }

    private static ErrorReply unavailable(Command command) {
        return ErrorReply.of(command.id(), ErrorCode.UNAVAILABLE, "the knowledge base cannot be read now; try again");
    }
}
