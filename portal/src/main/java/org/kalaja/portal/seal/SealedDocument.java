package org.kalaja.portal.seal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An issued document as its holder (or the issuing clerk) sees it.
 *
 * @param id            {@code D} and 16 Crockford base32 characters (80 random bits); printed on paper
 * @param note          the signed note, the document's canonical form ({@link DocumentNote}); the seal
 *                      signature covers its text
 * @param institution   the issuing institution's id
 * @param title         the document's title
 * @param holderAccount the account it was issued to
 * @param holderName    the holder's name as printed
 * @param issued        when it was sealed (the {@code issued} line of the note)
 * @param logIndex      the index of the log entry that issued it (version 1 of {@code documents/<id>}):
 *                      the entry the verification page proves
 * @param revoked       whether the institution revoked it since
 * @param revokedReason the institution's reason, or null when not revoked
 */
public record SealedDocument(String id, String note, String institution, String title, String holderAccount, String holderName,
        Instant issued, long logIndex, boolean revoked, @Nullable String revokedReason) {

    /** The parsed note: every line of the document. */
    public DocumentNote content() {
        return DocumentNote.parseSigned(note);
    }
}
