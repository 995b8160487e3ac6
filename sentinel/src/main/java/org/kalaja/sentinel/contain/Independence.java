package org.kalaja.sentinel.contain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Tokens;
import org.kalaja.sentinel.ApprovalException;
import org.kalaja.sentinel.ApprovalException.Kind;
import org.kalaja.sentinel.Incident;

/**
 * Whether an administrator may take part in lifting containment. One stolen admin token, or tokens
 * minted with it, MUST NOT be able to: so an admin is independent only when it is not frozen, not an
 * actor of an incident still open, not created (transitively, by the tokens' {@code created_by}) by
 * such an actor or by the other admin of the approval, did not create the other admin, and was
 * created before every open incident began (a token minted during an attack is suspect).
 */
final class Independence {
    private static final int MAX_DEPTH = 64;

    private final SystemRecords records;
    private final Incidents incidents;
    private final Containment containment;

    Independence(SystemRecords records, Incidents incidents, Containment containment) {
        this.records = records;
        this.incidents = incidents;
        this.containment = containment;
    }

    /** @throws ApprovalException NOT_INDEPENDENT naming the reason */
    void check(String actor, @Nullable String other, String role) {
        if (other != null && other.equals(actor)) {
            throw refused(role + " " + actor + " is the admin who requested it; a different admin must approve");
        }
        if (containment.isFrozen(actor)) throw refused(role + " " + actor + " is frozen");
        Lineage mine = lineage(actor);
        Set<String> implicated = incidents.implicatedActors();
        for (String a : mine.chain()) {
            if (implicated.contains(a)) {
                throw refused(a.equals(actor) ? role + " " + actor + " is implicated in an open incident"
                        : role + " " + actor + " was created by " + a + ", which is implicated in an open incident");
            }
        }
        if (other != null) {
            if (mine.chain().contains(other)) throw refused(role + " " + actor + " was created by " + other + ", the other admin");
            if (lineage(other).chain().contains(actor)) throw refused(role + " " + actor + " created " + other + ", the other admin");
        }
        for (Incident i : incidents.containing()) {
            if (mine.created() != null && !mine.created().isBefore(i.started())) {
                throw refused(role + " " + actor + " was created at " + mine.created() + ", after incident " + i.id() + " began ("
                        + i.started() + ")");
            }
        }
    }

    /** The actor, the token that created it, that token's creator, …; and when the actor's token was created. */
    record Lineage(List<String> chain, @Nullable Instant created) {
    }

    Lineage lineage(String actor) {
        List<String> chain = new ArrayList<>();
        Instant created = null;
        String current = actor;
        while (current.startsWith("token:") && !chain.contains(current) && chain.size() < MAX_DEPTH) {
            chain.add(current);
            Optional<SystemRecords.Body> token = records.read(Tokens.COLLECTION, current.substring("token:".length()));
            if (token.isEmpty()) break;
            if (created == null) created = token.get().time();
            current = token.get().json().path("created_by").asText("");
        }
        if (!current.isEmpty() && !chain.contains(current)) chain.add(current);
        return new Lineage(chain, created);
    }

    /** Every live token {@code actor} created, transitively (its own id excluded), as actors. */
    Set<String> createdBy(String actor) {
        Map<String, List<String>> children = new HashMap<>();
        for (SystemRecords.Body t : records.list(Tokens.COLLECTION)) {
            children.computeIfAbsent(t.json().path("created_by").asText(""), k -> new ArrayList<>()).add("token:" + t.key());
        }
        Set<String> out = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(actor));
        while (!todo.isEmpty()) {
            for (String c : children.getOrDefault(todo.remove(todo.size() - 1), List.of())) {
                if (!c.equals(actor) && out.add(c)) todo.add(c);
            }
        }
        return out;
    }

    private static ApprovalException refused(String why) {
        return new ApprovalException(Kind.NOT_INDEPENDENT, why);
    }
}
