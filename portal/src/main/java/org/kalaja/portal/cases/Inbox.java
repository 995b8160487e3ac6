package org.kalaja.portal.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * Citizens' inboxes: official letters from institutions ({@link Message}), one record per letter in
 * {@code portal.inbox} keyed {@code <accountId>:<id>} so one citizen's letters are one key range, in order
 * of sending.
 *
 * <p>Authorization: only the recipient ({@code citizen:<accountId>}) may list or open their letters; anyone
 * else gets {@link PortalException.Kind#NOT_FOUND}, never data and never whether the letter exists. Only
 * staff and the portal itself ({@code clerk:}, {@code admin:}, {@code system:}) may send. Every read of a
 * letter is audited. Opening a letter marks it read, which is a write: in safe mode, and when the write
 * fails for any reason, the letter MUST still be shown, just left unread.
 */
public final class Inbox {
    public static final String COLLECTION = "inbox";
    /** The most letters a listing returns; a citizen with more sees the newest. */
    static final int LIMIT = 500;
    static final int MAX_SUBJECT = 200;
    static final int MAX_BODY = 20_000;
    private static final String ID_CHARS = "0123456789abcdefghijkmnpqrstvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PortalRecords records;

    public Inbox(PortalRecords records) {
        this.records = records;
    }

    /**
     * Sends a letter to {@code accountId}'s inbox; returns it once durable in the log.
     *
     * @param ref the application reference it concerns, or null
     * @throws PortalException FORBIDDEN when {@code sender} is not staff or the portal; INVALID for an empty
     *                         subject or body, or one too long; SAFE_MODE and the other write failures
     */
    public Message send(Who sender, String accountId, String institutionId, String institutionName, String subject,
            String body, @Nullable String ref) {
        String actor = sender.actor();
        if (!(actor.startsWith("clerk:") || actor.startsWith("admin:") || actor.startsWith("system:"))) {
            throw new PortalException(PortalException.Kind.FORBIDDEN, "only institutions send letters");
        }
        if (subject.isBlank() || subject.length() > MAX_SUBJECT) {
            throw new PortalException(PortalException.Kind.INVALID, "a letter needs a subject of at most " + MAX_SUBJECT + " characters");
        }
        if (body.isBlank() || body.length() > MAX_BODY) {
            throw new PortalException(PortalException.Kind.INVALID, "a letter needs a body of at most " + MAX_BODY + " characters");
        }
        Instant sent = records.clock().instant();
        Message m = new Message(newId(sent), accountId, institutionId, institutionName, subject.strip(), body.strip(), ref, sent,
                false, 0);
        Stored s = records.put(sender, COLLECTION, m.key(), toJson(m), 0);
        return fromJson(accountId, s);
    }

    /** {@code accountId}'s letters, newest first (at most {@value #LIMIT}); empty for anyone but the recipient. */
    public List<Message> list(Who who, String accountId) {
        if (!recipient(who, accountId)) return List.of();
        List<Stored> stored = records.listOwn(COLLECTION, accountId, Integer.MAX_VALUE);
        List<Message> out = new ArrayList<>(Math.min(stored.size(), LIMIT));
        for (int i = stored.size() - 1; i >= 0 && out.size() < LIMIT; i--) out.add(fromJson(accountId, stored.get(i)));
        records.readBy(who, COLLECTION, "", out.size());
        return out;
    }

    /** How many of {@code accountId}'s letters are unread (0 for anyone but the recipient). */
    public int unread(Who who, String accountId) {
        if (!recipient(who, accountId)) return 0;
        int n = 0;
        for (Stored s : records.listOwn(COLLECTION, accountId, Integer.MAX_VALUE)) {
            if (!s.json().path("read").asBoolean()) n++;
        }
        return n;
    }

    /**
     * Opens letter {@code id} of {@code accountId}, marking it read when writes are possible.
     *
     * @throws PortalException NOT_FOUND when there is no such letter or {@code who} is not its recipient
     */
    public Message open(Who who, String accountId, String id) {
        Optional<Stored> found = recipient(who, accountId) && validId(id)
                ? records.get(COLLECTION, accountId + ":" + id) : Optional.empty();
        Stored s = found.orElseThrow(() -> new PortalException(PortalException.Kind.NOT_FOUND, "no such letter"));
        records.readBy(who, COLLECTION, s.key(), 1);
        Message m = fromJson(accountId, s);
        if (m.read() || records.safeMode().isPresent()) return m;
        try {
            ObjectNode json = s.json().deepCopy().put("read", true);
            return fromJson(accountId, records.put(who, COLLECTION, s.key(), json, s.version()));
        } catch (PortalException e) {
            // Reading is what the citizen asked for; the read mark is bookkeeping that can wait.
            return m;
        }
    }

    private static boolean recipient(Who who, String accountId) {
        return who.actor().equals("citizen:" + accountId);
    }

    private static boolean validId(String id) {
        return id.matches("[0-9]{13}-[0-9a-z]{1,20}");
    }

    static String newId(Instant sent) {
        StringBuilder b = new StringBuilder(String.format("%013d-", sent.toEpochMilli()));
        for (int i = 0; i < 8; i++) b.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        return b.toString();
    }

    static ObjectNode toJson(Message m) {
        // "account" names the data subject whose keys seal the letter (PortalCollections).
        ObjectNode o = PortalRecords.JSON.createObjectNode().put("id", m.id()).put("account", m.accountId());
        o.putObject("from").put("id", m.institutionId()).put("name", m.institutionName());
        o.put("subject", m.subject()).put("body", m.body());
        if (m.ref() != null) o.put("ref", m.ref());
        return o.put("sent", m.sent().toString()).put("read", m.read());
    }

    static Message fromJson(String accountId, Stored s) {
        JsonNode o = s.json();
        return new Message(o.path("id").asText(), accountId, o.path("from").path("id").asText(), o.path("from").path("name").asText(),
                o.path("subject").asText(), o.path("body").asText(), o.hasNonNull("ref") ? o.path("ref").asText() : null,
                Instant.parse(o.path("sent").asText()), o.path("read").asBoolean(), s.version());
    }
}
