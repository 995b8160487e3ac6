package org.kalaja.portal.store;

import java.util.Map;
import java.util.Set;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.Names;
import org.kalaja.engine.RecordsEngine;

/**
 * Every collection the portal writes, and what it declares about its bodies: the one place that says
 * what is sealed (docs/portal/SECURITY.md, "Sealed personal data").
 *
 * <p>A sealed collection's bodies are encrypted before they enter an entry, under data keys of the
 * account named by the subject field: the citizen's account id for everything about a citizen (their
 * account, applications, drafts, letters, documents and the indexes that find them), a staff member's
 * own id for their account. Destroying one account's keys ({@code keyring.shred(…, accountId, …)})
 * erases all of it and nothing of anyone else's. Plain collections hold nothing personal in their
 * bodies. Keys are in clear in every entry, so no collection may use personal data as a key: emails,
 * personal numbers and provider subjects become {@link PortalRecords#pseudonym} keys.
 *
 * <p>Writes to a collection listed in neither set are refused ({@link #require}): a new collection
 * MUST be classified here before it holds anything.
 */
final class PortalCollections {
    /** Sealed collections (short names) → the JSON Pointer to the account id that is each body's data subject. */
    static final Map<String, String> SEALED = Map.of(
            "accounts", "/id",
            "account-emails", "/account",
            "account-ids", "/account",
            "oidc-subjects", "/account",
            "applications", "/applicant",
            "my-applications", "/account",
            "drafts", "/account",
            "inbox", "/account",
            "documents", "/holderAccount",
            "my-documents", "/account");
    /** Plain collections: the staff list (account id → role) and institutions' public seal keys. */
    static final Set<String> PLAIN = Set.of("account-staff", "seal-keys");

    private PortalCollections() {
    }

    /**
     * Declares every sealed collection that is not declared so yet (a log entry each, written once per
     * node; later starts find the declarations and write nothing). Versions written before a declaration
     * stay as they were: the log is never rewritten.
     */
    static void declare(RecordsEngine engine) {
        SEALED.forEach((collection, subject) -> {
            CollectionPolicy wanted = new CollectionPolicy(true, subject);
            String name = Names.PORTAL_PREFIX + collection;
            if (!engine.policy(name).equals(wanted)) engine.declare(Who.SYSTEM.caller(), name, wanted);
        });
    }

    /** @throws IllegalArgumentException for a collection this class does not classify (a programming error) */
    static void require(String collection) {
        String shortName = collection.startsWith(Names.PORTAL_PREFIX) ? collection.substring(Names.PORTAL_PREFIX.length()) : collection;
        if (!SEALED.containsKey(shortName) && !PLAIN.contains(shortName)) {
            throw new IllegalArgumentException("portal collection " + shortName + " is neither sealed nor declared plain in PortalCollections");
        }
    }
}
