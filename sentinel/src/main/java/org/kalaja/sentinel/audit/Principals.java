package org.kalaja.sentinel.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.AuditEvent;

/**
 * Names and roles of token actors, read from the committed {@code kalaja.tokens} state and its log
 * entries, for events derived from entries that record only {@code token:<id>}. A token's name and
 * role never change after creation, so answers are cached for good; a revoked token is still named
 * (from the creation entry before its tombstone). Unknown actors get "".
 *
 * <p>Thread-safe.
 */
public final class Principals {
    private static final String TOKEN = "token:";

    /** What the token record says about its holder. */
    public record Principal(String name, String role) {
        static final Principal UNKNOWN = new Principal("", "");
    }

    private final Store store;
    private final Map<String, Principal> known = new ConcurrentHashMap<>();

    public Principals(Store store) {
        this.store = store;
    }

    /** The name and role of {@code actor} ({@code token:<id>}); both "" when it is no known token. */
    public Principal of(String actor) {
        if (!actor.startsWith(TOKEN)) return Principal.UNKNOWN;
        Principal p = known.get(actor);
        if (p != null) return p;
        Optional<Principal> read = read(actor.substring(TOKEN.length()));
        read.ifPresent(found -> known.put(actor, found));
        return read.orElse(Principal.UNKNOWN);
    }

    /** {@code event} with its actor's name and role filled in where the event lacks them. */
    public AuditEvent complete(AuditEvent event) {
        if (!event.actorName().isEmpty() && !event.role().isEmpty()) return event;
        Principal p = of(event.actor());
        if (p == Principal.UNKNOWN) return event;
        return new AuditEvent(event.time(), event.action(), event.outcome(), event.actor(),
                event.actorName().isEmpty() ? p.name() : event.actorName(), event.role().isEmpty() ? p.role() : event.role(),
                event.address(), event.userAgent(), event.collection(), event.key(), event.version(), event.index(),
                event.count(), event.reason(), event.extra());
    }

    private Optional<Principal> read(String tokenId) {
        Optional<RecordState> state;
        try {
            state = store.state(new RecordId(Tokens.COLLECTION, tokenId));
        } catch (RuntimeException e) {
            return Optional.empty(); // an id no store accepts is no token
        }
        long index = state.map(RecordState::index).orElse(-1L);
        while (index >= 0) {
            Optional<StoredEntry> stored = store.entry(index);
            if (stored.isEmpty()) return Optional.empty();
            Entry e = EntryCodec.decode(stored.get().data());
            if (e.kind() == EntryKind.TOKEN_CREATED && e.bodyType() == BodyType.JSON) {
                try {
                    JsonNode body = AccessCodec.JSON.readTree(e.body());
                    return Optional.of(new Principal(body.path("name").asText(""), body.path("role").asText("")));
                } catch (IOException ex) {
                    return Optional.empty();
                }
            }
            index = stored.get().previousIndex();
        }
        return Optional.empty();
    }
}
