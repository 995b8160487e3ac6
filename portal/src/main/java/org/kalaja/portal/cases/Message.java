package org.kalaja.portal.cases;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One letter from an institution in a citizen's inbox, stored in {@code portal.inbox} under key
 * {@code <accountId>:<id>}. Messages are official correspondence: once sent, only {@link #read} ever
 * changes.
 *
 * @param id              13-digit epoch milliseconds, "-", and random characters: sorts by time of sending
 * @param accountId       the recipient's account id
 * @param institutionId   the sending institution's id
 * @param institutionName the sending institution's official name, as it was when the letter was sent
 * @param subject         one line
 * @param body            plain text; paragraphs separated by blank lines
 * @param ref             the application the letter is about, or null
 * @param sent            when the institution sent it
 * @param read            whether the recipient has opened it
 * @param version         the record version read
 */
public record Message(String id, String accountId, String institutionId, String institutionName, String subject, String body,
        @Nullable String ref, Instant sent, boolean read, long version) {

    /** The storage key: {@code <accountId>:<id>}. */
    public String key() {
        return accountId + ":" + id;
    }

    /** The body's paragraphs, for rendering without markup in the text. */
    public java.util.List<String> paragraphs() {
        return java.util.Arrays.stream(body.split("\\R\\s*\\R")).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }
}
