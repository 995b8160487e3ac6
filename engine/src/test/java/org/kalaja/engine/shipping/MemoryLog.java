package org.kalaja.engine.shipping;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.Proofs;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.Tile;
import org.kalaja.ledger.TilePath;
import org.kalaja.ledger.TreeBuilder;
import org.kalaja.ledger.TreeUpdate;

/**
 * A log in memory for shipper tests, built with the ledger's own tree code: real entries (JSON or
 * blob references), tiles, bundles and signed checkpoints, and a count of integrations asked for.
 */
final class MemoryLog implements LogSource {
    final SigningKey key;
    final AtomicInteger integrations = new AtomicInteger();
    private final List<byte[]> entries = new ArrayList<>();
    private final Map<String, byte[]> tiles = new ConcurrentHashMap<>();
    private final Map<Hash, byte[]> blobs = new ConcurrentHashMap<>();
    private volatile String checkpoint;
    private long integrated;

    private final String prefix;

    MemoryLog(String origin) {
        this(SigningKey.generate(origin, SignatureType.ED25519), "");
    }

    /** A log signed by {@code key} whose entries differ by {@code prefix}: with a real log's key, a fork of it. */
    MemoryLog(SigningKey key, String prefix) {
        this.key = key;
        this.prefix = prefix;
    }

    String origin() {
        return key.name();
    }

    /** Commits {@code n} JSON entries (not yet integrated). */
    synchronized MemoryLog append(int n) {
        for (int i = 0; i < n; i++) {
            byte[] body = ("{\"n\":\"" + prefix + entries.size() + "\"}").getBytes(StandardCharsets.UTF_8);
            entries.add(entry(BodyType.JSON, body));
        }
        return this;
    }

    /** Commits one entry referring to a blob of {@code content}, and stores the blob. */
    synchronized Hash appendBlob(byte[] content) {
        Hash h = Hash.sha256(content);
        blobs.put(h, content.clone());
        entries.add(entry(BodyType.BLOB_REF, new BlobRef(h, content.length, "application/pdf").toBody()));
        return h;
    }

    private byte[] entry(BodyType type, byte[] body) {
        return EntryCodec.encode(new Entry(EntryKind.RECORD_PUT, Instant.ofEpochSecond(1_700_000_000L + entries.size()),
                "test", "127.0.0.1", "t", "c", "k" + entries.size(), 1, "", type, body));
    }

    /** Commits {@code n} entries and integrates them. */
    MemoryLog grow(int n) {
        append(n);
        integrate();
        return this;
    }

    @Override
    public synchronized void integrate() {
        integrations.incrementAndGet();
        if (integrated == entries.size()) return;
        List<Hash> leaves = new ArrayList<>();
        for (long i = integrated; i < entries.size(); i++) leaves.add(Merkle.leafHash(entries.get((int) i)));
        TreeUpdate u = TreeBuilder.append(integrated, (l, i, w) -> tiles.get(l + "/" + i), leaves);
        for (Tile t : u.changedTiles()) tiles.put(t.id().level() + "/" + t.id().index(), t.hashes());
        integrated = u.size();
        checkpoint = new Checkpoint(key.name(), u.size(), u.root()).sign(key).format();
    }

    @Override
    public String vkey() {
        return key.verifierKey().format();
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public Optional<String> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }

    @Override
    public Hash root(long treeSize) {
        return TreeBuilder.root(treeSize, this::tile);
    }

    @Override
    public byte[] tile(int level, long index, int width) {
        byte[] t = tiles.get(level + "/" + index);
        if (t == null || t.length < width * Hash.SIZE) throw new IllegalStateException("no tile " + level + "/" + index);
        return Arrays.copyOf(t, width * Hash.SIZE);
    }

    @Override
    public synchronized byte[] bundle(long index, int width) {
        int first = (int) (index * TilePath.FULL_WIDTH);
        return EntryBundle.encode(entries.subList(first, first + width));
    }

    @Override
    public String sign(String text) {
        return Note.sign(text, key).format();
    }

    @Override
    public Optional<byte[]> blob(Hash sha256) {
        return Optional.ofNullable(blobs.get(sha256)).map(byte[]::clone);
    }

    @Override
    public List<Hash> consistencyProof(long oldSize, long newSize) {
        return Proofs.consistencyProof(oldSize, newSize, this::tile);
    }
}
