package org.kalaja.portal.catalogue;

/**
 * An issuing institution: it decides applications for its services and seals their documents.
 *
 * @param id        short lower-case id used in keys, URLs and clerk roles ({@code civil-registry})
 * @param name      the official name in English, shown to citizens and printed on documents
 * @param localName the official name in Albanian, printed under {@code name} on documents, or ""
 * @param counter   where to get the institution's services in person when the portal cannot serve
 *                  (shown on the "service unavailable" page), or ""
 */
public record Institution(String id, String name, String localName, String counter) {

    /** An institution with only an English name. */
    public Institution(String id, String name) {
        this(id, name, "", "");
    }
}
