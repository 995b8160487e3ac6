package org.kalaja.engine.shipping;

import java.util.Optional;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.witness.ConsistencySource;
import org.kalaja.ledger.Hash;

/**
 * What the shipper reads from the log: its signed checkpoints and the resources they cover.
 *
 * <p>Contract: {@link #tile} and {@link #bundle} MUST return the resource as it is in the tree of any
 * checkpoint {@link #checkpoint()} returned that covers it (resources only grow, a narrower one being a
 * prefix of a wider one), and MAY throw for one beyond the latest checkpoint. Thread-safe.
 */
public interface LogSource extends ConsistencySource {
    /** The log's C2SP verifier key. */
    String vkey();

    /** Entries committed to the store (acknowledged in store durability), integrated or not. */
    long size();

    /** The latest signed checkpoint note, if the log signed one. */
    Optional<String> checkpoint();

    /** Integrates what is committed and signs a checkpoint of it now, rather than at the next interval. */
    void integrate();

    /** The root of the tree of {@code treeSize} leaves, at most the latest checkpoint's. */
    Hash root(long treeSize);

    /** The hashes of a tile, {@code width} of them, as tlog-tiles serves it. */
    byte[] tile(int level, long index, int width);

    /** An entry bundle of {@code width} entries, as tlog-tiles serves it. */
    byte[] bundle(long index, int width);

    /** The content of the blob a BLOB_REF entry names, if the store holds it. */
    Optional<byte[]> blob(Hash sha256);

    /** {@code text} as a signed note, signed by the log's key (for {@link ShippingRound}s). */
    String sign(String text);

    /** The log of a running node: its transparency log, and its store for blobs and size. */
    static LogSource of(TransparencyLog log, Store store) {
        return new LogSource() {
            @Override
            public String vkey() {
                return log.vkey();
            }

            @Override
            public long size() {
                return store.size();
            }

            @Override
            public Optional<String> checkpoint() {
                return log.checkpoint();
            }

            @Override
            public void integrate() {
                log.integrate();
            }

            @Override
            public Hash root(long treeSize) {
                return log.root(treeSize);
            }

            @Override
            public byte[] tile(int level, long index, int width) {
                return log.tile(level, index, width);
            }

            @Override
            public byte[] bundle(long index, int width) {
                return log.bundle(index, width);
            }

            @Override
            public String sign(String text) {
                return log.sign(text);
            }

            @Override
            public Optional<byte[]> blob(Hash sha256) {
                return store.blob(sha256.bytes());
            }

            @Override
            public java.util.List<Hash> consistencyProof(long oldSize, long newSize) {
                return log.consistencyProof(oldSize, newSize);
            }
        };
    }
}
