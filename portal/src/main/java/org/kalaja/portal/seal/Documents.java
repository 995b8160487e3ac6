package org.kalaja.portal.seal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.kalaja.ledger.Note;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.PortalException.Kind;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

/**
 * Issues, lists and revokes sealed documents. Records (all through {@link PortalRecords}, so each change
 * is a log entry):
 * <ul>
 *   <li>{@code documents/<id>}: {@code note} (the signed note, verbatim), {@code holderAccount},
 *       {@code holderName}, {@code institution}, {@code institutionName}, {@code service}, {@code title},
 *       {@code applicationRef}, {@code issued}, {@code revoked}, and once revoked {@code revokedReason},
 *       {@code revokedAt}, {@code revokedBy} and {@code issuedIndex}. Version 1 is the issuing entry the
 *       verification proves; a revocation is version 2 and never changes {@code note}.</li>
 *   <li>{@code my-documents/<holderAccount>:<id>}: the holder's index, written before the document, so a
 *       failed issue leaves at most an index entry pointing at nothing (skipped when listing), never a
 *       document its holder cannot find.</li>
 *   <li>{@code seal-keys/<institution>}: {@code vkey}, {@code name}, {@code registered}: the public seal key,
 *       registered before its first use; a new key is a new version, so the history says which key was
 *       the institution's at any log index.</li>
 * </ul>
 *
 * <p>Authorization: only staff ({@code clerk:}/{@code admin:} actors, or the portal itself) issue and
 * revoke, and callers MUST pass the institution from the clerk's session; a citizen reads only documents
 * issued to their own account; anything else is {@link Kind#NOT_FOUND}, never data. Every read of a
 * document is audited.
 */
public final class Documents {
    static final String DOCUMENTS = "documents";
    static final String MINE = "my-documents";
    static final String SEAL_KEYS = "seal-keys";
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Pattern ID = Pattern.compile("D[0-9A-HJKMNP-TV-Z]{16}");
    private static final int MAX_LIST = 500;

    private final PortalRecords records;
    private final SealKeys keys;
    private final SecureRandom random = new SecureRandom();
    /** "institution vkey" pairs known to be the registered current key, so issuing reads seal-keys once. */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public Documents(PortalRecords records, SealKeys keys) {
        this.records = records;
        this.keys = keys;
    }

    /**
     * Seals and records a document for {@code req.holderAccount()}; blocks until it is durable.
     *
     * @throws PortalException FORBIDDEN unless {@code clerk} is staff; INVALID for an unusable request;
     *     SAFE_MODE, CONTAINED or UNAVAILABLE from the store (nothing visible is written then)
     */
    public SealedDocument issue(Who clerk, DocumentRequest req) {
        requireStaff(clerk);
        if (!validKey(req.holderAccount())) throw new PortalException(Kind.INVALID, "the holder's account id is not valid");
        String id = newId();
        DocumentNote content;
        try {
            content = new DocumentNote(id, req.institution(), req.institutionName(), req.title(), req.holderName(),
                    req.personalNumber(), records.clock().instant(), req.applicationRef(),
                    req.fields().stream().map(f -> new DocumentNote.Field(f.getKey(), f.getValue())).toList());
        } catch (IllegalArgumentException e) {
            throw new PortalException(Kind.INVALID, e.getMessage(), e);
        }
        String text = content.text();
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > DocumentNote.MAX_TEXT) {
            throw new PortalException(Kind.INVALID, "the document is too long to seal (at most " + DocumentNote.MAX_TEXT + " bytes)");
        }
        SealKeys.SealKey key = keys.key(req.institution());
        register(clerk, req.institution(), key);
        String note = Note.sign(text, key.signer()).format();

        ObjectNode mine = PortalRecords.JSON.createObjectNode().put("account", req.holderAccount()).put("id", id)
                .put("title", content.title()).put("institution", content.institution()).put("institutionName", content.institutionName())
                .put("issued", content.issued().toString());
        records.put(clerk, MINE, req.holderAccount() + ":" + id, mine, 0);
        ObjectNode doc = PortalRecords.JSON.createObjectNode().put("note", note).put("holderAccount", req.holderAccount())
                .put("holderName", content.holder()).put("institution", content.institution())
                .put("institutionName", content.institutionName()).put("service", req.service()).put("title", content.title())
                .put("applicationRef", content.application()).put("issued", content.issued().toString()).put("revoked", false);
        Stored s = records.put(clerk, DOCUMENTS, id, doc, 0);
        return toSealed(s);
    }

    /** The documents issued to {@code accountId}, newest first; only the holder may list them. */
    public List<SealedDocument> ofHolder(Who citizen, String accountId) {
        requireHolder(citizen, accountId);
        List<SealedDocument> out = new ArrayList<>();
        for (Stored m : records.listOwn(MINE, accountId, MAX_LIST)) {
            String id = m.json().path("id").asText();
            records.get(DOCUMENTS, id).map(Documents::toSealed).filter(d -> d.holderAccount().equals(accountId)).ifPresent(out::add);
        }
        out.sort((a, b) -> b.issued().compareTo(a.issued()));
        records.readBy(citizen, DOCUMENTS, "", out.size());
        return out;
    }

    /** One document, for its holder only. @throws PortalException NOT_FOUND for anyone else or an unknown id */
    public SealedDocument forHolder(Who citizen, String accountId, String id) {
        requireHolder(citizen, accountId);
        SealedDocument d = find(id).filter(x -> x.holderAccount().equals(accountId)).orElseThrow(Documents::notFound);
        records.readBy(citizen, DOCUMENTS, d.id(), 1);
        return d;
    }

    /** One document, for staff of the issuing institution only. @throws PortalException NOT_FOUND otherwise */
    public SealedDocument forInstitution(Who clerk, String institution, String id) {
        requireStaff(clerk);
        SealedDocument d = find(id).filter(x -> x.institution().equals(institution)).orElseThrow(Documents::notFound);
        records.readBy(clerk, DOCUMENTS, d.id(), 1);
        return d;
    }

    /**
     * Revokes a document of {@code institution} (the clerk's, from the session), keeping its text and seal:
     * verification then says "revoked" with {@code reason}. Revoking twice keeps the first revocation.
     *
     * @throws PortalException NOT_FOUND unless the document was issued by {@code institution}; INVALID for a
     *     blank reason; FORBIDDEN unless staff; the store's failures
     */
    public SealedDocument revoke(Who clerk, String institution, String id, String reason) {
        requireStaff(clerk);
        String why = DocumentNote.clean(reason);
        if (why.equals("-")) throw new PortalException(Kind.INVALID, "Enter the reason for revoking the document");
        Stored s = records.get(DOCUMENTS, id).filter(x -> x.json().path("institution").asText().equals(institution))
                .orElseThrow(Documents::notFound);
        if (s.json().path("revoked").asBoolean()) return toSealed(s);
        ObjectNode body = s.json().deepCopy();
        body.put("revoked", true).put("revokedReason", why).put("revokedAt", records.clock().instant().toString())
                .put("revokedBy", clerk.actor()).put("issuedIndex", issuedIndex(s));
        return toSealed(records.put(clerk, DOCUMENTS, id, body, s.version()));
    }

    /**
     * A document id as typed or read from paper, in canonical form: case, spaces and dashes ignored,
     * Crockford's look-alikes ({@code O} for 0, {@code I}/{@code L} for 1) accepted; empty if it cannot be one.
     */
    public static Optional<String> normalizeId(String typed) {
        StringBuilder b = new StringBuilder(17);
        for (char c : typed.strip().toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == ' ' || c == '-') continue;
            b.append(b.isEmpty() ? c : switch (c) {
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> c;
            });
        }
        String id = b.toString();
        return isDocumentId(id) ? Optional.of(id) : Optional.empty();
    }

    /** Whether {@code s} is a canonical document id: {@code D} and 16 Crockford base32 characters. */
    public static boolean isDocumentId(String s) {
        return ID.matcher(s).matches();
    }

    /** The key name an institution's seal key has on a portal served at {@code host}. */
    public static String sealKeyName(String institution, String host) {
        return institution + ".seal." + host;
    }

    Optional<SealedDocument> find(String id) {
        if (!isDocumentId(id)) return Optional.empty();
        return records.get(DOCUMENTS, id).map(Documents::toSealed);
    }

    private String newId() {
        StringBuilder b = new StringBuilder(17).append('D');
        for (int i = 0; i < 16; i++) b.append(CROCKFORD.charAt(random.nextInt(32)));
        return b.toString();
    }

    private void register(Who who, String institution, SealKeys.SealKey key) {
        String vkey = key.vkey().format();
        if (registered.contains(institution + " " + vkey)) return;
        for (int attempt = 0; ; attempt++) {
            Optional<Stored> current = records.get(SEAL_KEYS, institution);
            if (current.isPresent() && current.get().json().path("vkey").asText().equals(vkey)) break;
            ObjectNode body = PortalRecords.JSON.createObjectNode().put("vkey", vkey).put("name", key.vkey().name())
                    .put("registered", records.clock().instant().toString());
            try {
                records.put(who, SEAL_KEYS, institution, body, current.map(Stored::version).orElse(0L));
                break;
            } catch (PortalException e) {
                // Another node registered at the same moment: read again, theirs may be this key.
                if (e.kind() != Kind.CONFLICT || attempt == 2) throw e;
            }
        }
        registered.add(institution + " " + vkey);
    }

    static long issuedIndex(Stored s) {
        return s.json().has("issuedIndex") ? s.json().path("issuedIndex").asLong() : s.index();
    }

    static SealedDocument toSealed(Stored s) {
        ObjectNode j = s.json();
        boolean revoked = j.path("revoked").asBoolean();
        @Nullable String reason = revoked ? j.path("revokedReason").asText() : null;
        return new SealedDocument(s.key(), j.path("note").asText(), j.path("institution").asText(), j.path("title").asText(),
                j.path("holderAccount").asText(), j.path("holderName").asText(), Instant.parse(j.path("issued").asText()),
                issuedIndex(s), revoked, reason);
    }

    private static void requireStaff(Who who) {
        String a = who.actor();
        if (!(a.startsWith("clerk:") || a.startsWith("admin:") || a.equals(Who.SYSTEM.actor()))) {
            throw new PortalException(Kind.FORBIDDEN, "only an institution's staff issue and revoke documents");
        }
    }

    private static void requireHolder(Who who, String accountId) {
        if (!who.actor().equals("citizen:" + accountId)) throw notFound();
    }

    private static boolean validKey(String s) {
        return s.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,150}");
    }

    static PortalException notFound() {
        return new PortalException(Kind.NOT_FOUND, "no such document");
    }
}
