package org.kalaja.portal.seal;

import java.util.List;
import java.util.Map;

/**
 * What a clerk asks {@link Documents#issue} to seal: the words printed on the document. Every string
 * is written into the canonical note as {@link DocumentNote} says (newlines and other control
 * characters become spaces, runs of spaces collapse, ends are trimmed), so the caller MAY pass form
 * answers as typed.
 *
 * @param institution     the issuing institution's id ({@code civil-registry}); the clerk's own, which the
 *                        caller MUST have checked against the clerk's session
 * @param institutionName the institution's official name, printed on the document
 * @param service         the catalogue service id the document answers ({@code birth-certificate})
 * @param title           the document's title ("Birth certificate")
 * @param holderAccount   the citizen account the document is issued to; only that account reads it
 * @param holderName      the holder's name as printed
 * @param personalNumber  the holder's personal number (NID), printed in full, masked on verification
 * @param applicationRef  the application's reference number
 * @param fields          the document's content, label then value, in the order printed; labels MUST
 *                        NOT be blank
 */
public record DocumentRequest(String institution, String institutionName, String service, String title, String holderAccount,
        String holderName, String personalNumber, String applicationRef, List<Map.Entry<String, String>> fields) {
    public DocumentRequest {
        fields = List.copyOf(fields);
    }
}
