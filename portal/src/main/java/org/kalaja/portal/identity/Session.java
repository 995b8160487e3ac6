package org.kalaja.portal.identity;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A signed-in person, as the session cookie carries it. Sessions need no write to the log, so people
 * can sign in while the node is in safe mode.
 *
 * @param id          random; sign-out revokes it
 * @param accountId   the account's id
 * @param role        {@code citizen}, {@code clerk} or {@code admin}
 * @param institution the clerk's institution id; null for citizens and admins
 * @param name        the display name
 * @param verified    whether every factor the role requires was presented (TOTP for clerks and admins);
 *                    a session that is not verified MUST NOT reach anything but the second-factor page
 * @param csrf        the token this session's forms carry
 */
public record Session(String id, String accountId, String role, @Nullable String institution, String name, boolean verified,
        String csrf, Instant issued, Instant expires) {

    /** The actor entries and audit events record: {@code citizen:<id>}, {@code clerk:<id>}, {@code admin:<id>}. */
    public String actor() {
        return role + ":" + accountId;
    }
}
