package org.kalaja.server;

import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Principal;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Admission;
import org.kalaja.sentinel.ApprovalException;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.kalaja.sentinel.Sentinel;

/**
 * How a route hands its operation to the sentinel: the audit event built from the request, admission
 * before the operation and completion after, with the outcome. Every audited operation MUST go through
 * {@link #admit} before it runs and MUST end in {@link #done} or {@link #failed}; a refused admission is
 * recorded as a failed event too (a refused attacker's attempts are evidence).
 */
final class Audited {
    private Audited() {
    }

    /** The event of {@code action} by {@code p} on {@code collection}/{@code key}, as requested. */
    static AuditEvent event(Node node, Action action, Principal p, Context ctx, String collection, String key, int count,
            Map<String, Object> extra) {
        return new AuditEvent(NodeSentinel.now(node.engine()), action, Outcome.UNKNOWN, p.actor(), p.name(), p.role().id(),
                ctx.ip(), userAgent(ctx), collection, key, -1, -1, count, "", extra);
    }

    /** The event of an anonymous caller (a failed sign-in). */
    static AuditEvent anonymous(Node node, Action action, Context ctx, Map<String, Object> extra) {
        return new AuditEvent(NodeSentinel.now(node.engine()), action, Outcome.FAILURE, "anonymous", "", "", ctx.ip(),
                userAgent(ctx), "", "", -1, -1, 1, "", extra);
    }

    static String userAgent(Context ctx) {
        return Optional.ofNullable(ctx.userAgent()).orElse("");
    }

    /** @throws ContainedException when the sentinel refuses it (recorded as a failed event) */
    static Admission admit(Node node, AuditEvent event) {
        try {
            return node.sentinel().sentinel().admit(event);
        } catch (ContainedException e) {
            node.sentinel().refused(event, code(e));
            throw e;
        }
    }

    static void done(Node node, Admission a, long index, long version) {
        node.sentinel().sentinel().complete(a, Outcome.SUCCESS, "", index, version);
    }

    static void failed(Node node, Admission a, RuntimeException e) {
        node.sentinel().sentinel().complete(a, Outcome.FAILURE, reason(e), -1, -1);
    }

    /** Admits {@code event}, runs {@code op}, completes: the common shape of an audited read. */
    static <T> T run(Node node, AuditEvent event, Supplier<T> op, java.util.function.ToLongFunction<T> index,
            java.util.function.ToLongFunction<T> version) {
        Admission a = admit(node, event);
        T result;
        try {
            result = op.get();
        } catch (RuntimeException e) {
            failed(node, a, e);
            throw e;
        }
        done(node, a, index.applyAsLong(result), version.applyAsLong(result));
        return result;
    }

    /** An event with no operation behind it (a failed sign-in, a refused authorization): admitted and completed at once. */
    static void refusal(Node node, AuditEvent event, String reason) {
        Sentinel s = node.sentinel().sentinel();
        s.complete(admit(node, event), Outcome.FAILURE, reason, -1, -1);
    }

    static String code(ContainedException e) {
        return switch (e.kind()) {
            case ACTOR_FROZEN -> "actor_frozen";
            case ADDRESS_BLOCKED -> "address_blocked";
            case SAFE_MODE -> "safe_mode";
        };
    }

    /** The error code a failure is answered with, as audit events record it. */
    static String reason(RuntimeException e) {
        return switch (e) {
            case ApiError a -> a.code();
            case ContainedException c -> code(c);
            case ApprovalException x -> x.kind().name().toLowerCase(java.util.Locale.ROOT);
            case EngineException x when HttpApi.safeMode(x) -> "safe_mode";
            case EngineException x -> x.problem().name().toLowerCase(java.util.Locale.ROOT);
            default -> "internal";
        };
    }
}
