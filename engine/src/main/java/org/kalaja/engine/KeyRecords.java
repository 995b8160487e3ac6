package org.kalaja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;

/**
 * The key records ({@code kalaja.keys}) as the keyring reads and writes them: system entries of
 * kind KEY_EVENT, written through the engine; or, for checks of a store no engine runs on (a node
 * just recovered), read only.
 */
public final class KeyRecords implements Keyring.Records {
    private final Store store;
    private final @Nullable RecordsEngine engine;

    private KeyRecords(Store store, @Nullable RecordsEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    static KeyRecords of(RecordsEngine engine) {
        return new KeyRecords(engine.store(), engine);
    }

    /** The key records of {@code store}, for reading; {@link #write} refuses. */
    public static KeyRecords readOnly(Store store) {
        return new KeyRecords(store, null);
    }

    @Override
    public Optional<Keyring.Current> current(String id) {
        return store.state(new RecordId(Keyring.COLLECTION, id)).flatMap(s -> store.entry(s.index())
                .map(stored -> new Keyring.Current(s.version(), parse(EntryCodec.decode(stored.data()).body()))));
    }

    @Override
    public void write(Caller caller, String id, ObjectNode body, long expectedVersion) {
        if (engine == null) throw new UnsupportedOperationException("these key records are read only");
        try {
            Sealing.join(engine.appendSystem(EntryKind.KEY_EVENT, caller, new RecordId(Keyring.COLLECTION, id),
                    JsonBodies.mapper().writeValueAsBytes(body), expectedVersion));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<String> ids(String after, int limit) {
        return store.list(Keyring.COLLECTION, after, limit).stream().map(s -> s.id().key()).toList();
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JsonBodies.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("a key record is not JSON: " + e.getMessage(), e);
        }
    }
}
