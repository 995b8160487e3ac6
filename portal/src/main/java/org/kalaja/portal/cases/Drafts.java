package org.kalaja.portal.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * Applications citizens have started and not sent ({@link Draft}), in {@code portal.drafts}.
 *
 * <p>Only the draft's owner ({@code citizen:<accountId>}) may read or change it; anyone else gets
 * {@link PortalException.Kind#NOT_FOUND}. Every change is a write to the log, so in safe mode saving
 * fails with SAFE_MODE and what was saved before stays as it was. Saving one page never loses another
 * page saved at the same time from a second tab: a save that meets a newer version merges its page's
 * answers into that version and tries again.
 */
public final class Drafts {
    public static final String COLLECTION = "drafts";
    /** How many unfinished applications one citizen may keep; more is abuse, not a journey. */
    static final int MAX_PER_ACCOUNT = 25;
    private static final int SAVE_ATTEMPTS = 3;
    private static final String ID_CHARS = "0123456789abcdefghijkmnpqrstvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PortalRecords records;

    public Drafts(PortalRecords records) {
        this.records = records;
    }

    /**
     * Starts an empty draft of {@code service} for {@code accountId}.
     *
     * @throws PortalException NOT_FOUND when {@code who} is not that citizen; INVALID when they already keep
     *                         {@value #MAX_PER_ACCOUNT} drafts; SAFE_MODE and the other write failures
     */
    public Draft start(Who who, String accountId, String service) {
        owner(who, accountId);
        if (records.listOwn(COLLECTION, accountId, MAX_PER_ACCOUNT).size() >= MAX_PER_ACCOUNT) {
            throw new PortalException(PortalException.Kind.INVALID, "You have " + MAX_PER_ACCOUNT
                    + " applications you have not finished. Send or delete one of them before you start another.");
        }
        Instant now = records.clock().instant();
        Draft d = new Draft(newId(), accountId, service, Map.of(), now, now, null, 0);
        return fromJson(accountId, records.put(who, COLLECTION, d.key(), toJson(d), 0));
    }

    /** {@code accountId}'s drafts, most recently changed first; empty for anyone but that citizen. */
    public List<Draft> of(Who who, String accountId) {
        if (!owns(who, accountId)) return List.of();
        List<Draft> out = new ArrayList<>();
        for (Stored s : records.listOwn(COLLECTION, accountId, MAX_PER_ACCOUNT * 2)) out.add(fromJson(accountId, s));
        out.sort(Comparator.comparing(Draft::updated).reversed());
        return out;
    }

    /** The draft, if it exists and belongs to {@code who}. */
    public Optional<Draft> find(Who who, String accountId, String id) {
        if (!owns(who, accountId) || !validId(id)) return Optional.empty();
        return records.get(COLLECTION, accountId + ":" + id).map(s -> fromJson(accountId, s));
    }

    /** As {@link #find}, or NOT_FOUND. */
    public Draft get(Who who, String accountId, String id) {
        return find(who, accountId, id).orElseThrow(Drafts::notFound);
    }

    /**
     * Saves one page's answers ({@code field id → values}) into the draft; other fields keep their values.
     *
     * @throws PortalException NOT_FOUND, SAFE_MODE and the other write failures; CONFLICT only when the draft
     *                         kept changing under every attempt
     */
    public Draft save(Who who, String accountId, String id, Map<String, List<String>> page) {
        for (int attempt = 1; ; attempt++) {
            Draft d = get(who, accountId, id);
            Map<String, List<String>> merged = new HashMap<>(d.answers());
            merged.putAll(page);
            Draft next = new Draft(d.id(), accountId, d.service(), merged, d.created(), records.clock().instant(), d.ref(), d.version());
            try {
                return fromJson(accountId, records.put(who, COLLECTION, d.key(), toJson(next), d.version()));
            } catch (PortalException e) {
                if (e.kind() != PortalException.Kind.CONFLICT || attempt == SAVE_ATTEMPTS) throw e;
            }
        }
    }

    /**
     * Reserves the reference the draft will be sent under, once: if it already has one, returns the draft
     * unchanged. Two requests racing both end with the same reference.
     */
    public Draft reserveRef(Who who, Draft d) {
        for (int attempt = 1; ; attempt++) {
            if (d.ref() != null) return d;
            Draft next = new Draft(d.id(), d.accountId(), d.service(), d.answers(), d.created(), d.updated(), References.next(),
                    d.version());
            try {
                return fromJson(d.accountId(), records.put(who, COLLECTION, d.key(), toJson(next), d.version()));
            } catch (PortalException e) {
                if (e.kind() != PortalException.Kind.CONFLICT || attempt == SAVE_ATTEMPTS) throw e;
                d = get(who, d.accountId(), d.id());
            }
        }
    }

    /** Deletes the draft. Deleting one that is already gone is not an error. */
    public void delete(Who who, String accountId, String id) {
        Optional<Draft> d = find(who, accountId, id);
        if (d.isEmpty()) {
            owner(who, accountId);
            return;
        }
        try {
            records.delete(who, COLLECTION, d.get().key(), d.get().version());
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.CONFLICT && e.kind() != PortalException.Kind.NOT_FOUND) throw e;
        }
    }

    private static boolean owns(Who who, String accountId) {
        return who.actor().equals("citizen:" + accountId);
    }

    private static void owner(Who who, String accountId) {
        if (!owns(who, accountId)) throw notFound();
    }

    private static PortalException notFound() {
        return new PortalException(PortalException.Kind.NOT_FOUND, "no such application in progress");
    }

    static boolean validId(String id) {
        return id.matches("[0-9a-z]{12}");
    }

    private static String newId() {
        StringBuilder b = new StringBuilder(12);
        for (int i = 0; i < 12; i++) b.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        return b.toString();
    }

    static ObjectNode toJson(Draft d) {
        // "account" names the data subject whose keys seal the draft (PortalCollections).
        ObjectNode o = PortalRecords.JSON.createObjectNode().put("account", d.accountId()).put("service", d.service());
        ApplicationCodec.putAnswers(o, d.answers());
        o.put("created", d.created().toString()).put("updated", d.updated().toString());
        if (d.ref() != null) o.put("ref", d.ref());
        return o;
    }

    static Draft fromJson(String accountId, Stored s) {
        JsonNode o = s.json();
        String id = s.key().substring(s.key().indexOf(':') + 1);
        return new Draft(id, accountId, o.path("service").asText(), ApplicationCodec.answers(o), Instant.parse(o.path("created").asText()),
                Instant.parse(o.path("updated").asText()), o.hasNonNull("ref") ? o.path("ref").asText() : null, s.version());
    }
}
