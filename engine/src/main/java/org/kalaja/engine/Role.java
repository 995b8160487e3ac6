package org.kalaja.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an API token may do. The set is closed: a role MUST NOT gain a permission without a change
 * here, so that what each token can do is readable in one place.
 */
public enum Role {
    /** Everything: records, tokens, administration. */
    ADMIN,
    /** A person in a back office: reads and writes records. */
    CLERK,
    /** Reads only. */
    READER,
    /** Another system acting on its own behalf: reads and writes records. */
    SERVICE;

    /** The role's name as the API and CLI spell it: {@code admin}, {@code clerk}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every role reads records. */
    public boolean mayRead() {
        return true;
    }

    /** Whether this role creates, replaces and deletes records. */
    public boolean mayWriteRecords() {
        return this != READER;
    }

    /** Whether this role manages tokens and the node. */
    public boolean mayAdminister() {
        return this == ADMIN;
    }

    /** @throws EngineException INVALID listing the roles when {@code id} names none */
    public static Role parse(String id) {
        for (Role r : values()) {
            if (r.id().equals(id)) return r;
        }
        throw new EngineException(EngineException.Problem.INVALID, "unknown role '" + id + "'; use one of "
                + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")));
    }
}
