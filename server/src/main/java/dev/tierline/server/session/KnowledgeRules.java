package dev.tierline.server.session;

import static dev.tierline.server.session.Decision.accept;
import static dev.tierline.server.session.Decision.draft;
import static dev.tierline.server.session.Decision.reject;

import dev.tierline.protocol.Actor;
import dev.tierline.protocol.Audience;
import dev.tierline.protocol.ErrorCode;
import dev.tierline.protocol.EventBody;
import dev.tierline.protocol.EventType;
import dev.tierline.protocol.ReplyBody;
import dev.tierline.server.session.SessionState.Member;
import dev.tierline.server.session.SessionState.Status;

/**
 * The rules for knowledge articles inside a session: sharing one into the chat, and an end user
 * closing a waiting request because a suggested article solved it. The relay has already looked
 * the article up; these rules only decide.
 */
final class KnowledgeRules {
    /** The outcome of a request the end user solved with a public article, before any technician took it. */
    static final String SELF_RESOLVED = "self-resolved";

    private KnowledgeRules() {
    }

    /**
     * Technicians with technician access share into an active session; a technician-only article
     * goes only to technicians, so it never reaches the end user; a retired article is not shared.
     */
    static Decision share(SessionState state, Input.ShareArticle share, Actor actor, DecideContext ctx) {
        Decision refusal = Permissions.memberRefusal(state, actor, ctx.now());
        if (refusal != null) {
            return refusal;
        }
        Member member = state.member(actor.id());
        if (!member.seesTechnicianTraffic()) {
            return reject(ErrorCode.FORBIDDEN, "only technicians with technician access can share articles");
        }
        if (state.status() != Status.ACTIVE) {
            return reject(ErrorCode.CONFLICT, "articles can be shared once a technician has taken the session");
        }
        Input.Article article = share.article();
        if (article.retired()) {
            return reject(ErrorCode.CONFLICT, "article " + article.id() + " was retired");
        }
        boolean toTechnicians = "technicians".equals(share.audience());
        if (!toTechnicians && !article.isPublic()) {
            return reject(ErrorCode.FORBIDDEN, "article " + article.id()
                    + " is for technicians only: share it with audience technicians");
        }
        return accept(new ReplyBody.Done(), draft(EventType.KB_SHARED,
                new EventBody.KbShared(article.id(), article.version(), article.title(), article.audience()),
                toTechnicians ? Audience.TECHNICIANS : Audience.ALL));
    }

    /**
     * Only the end user of a request still waiting in its queue closes it as self-resolved, and
     * only with a public article that is not retired; a technician-only article reads as unknown.
     */
    static Decision selfResolve(SessionState state, Input.SelfResolve resolve, Actor actor, DecideContext ctx) {
        Decision refusal = Permissions.memberRefusal(state, actor, ctx.now());
        if (refusal != null) {
            return refusal;
        }
        if (!actor.isEndUser()) {
            return reject(ErrorCode.FORBIDDEN, "only the end user who opened the request can mark it self-resolved");
        }
        if (state.status() != Status.SELF_HELP && state.status() != Status.WAITING) {
            return reject(ErrorCode.CONFLICT, "the request is no longer waiting: a technician has taken it");
        }
        Input.Article article = resolve.article();
        if (!article.isPublic()) {
            return reject(ErrorCode.NOT_FOUND, "no public article " + article.id());
        }
        if (article.retired()) {
            return reject(ErrorCode.CONFLICT, "article " + article.id() + " was retired");
        }
        return SessionDecider.end(state, new EventBody.SessionEnded(SELF_RESOLVED,
                "Solved with article " + article.id() + " v" + article.version() + ": " + article.title(),
                "self-help", article.id()));
    }
}
