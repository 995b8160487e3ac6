package org.kalaja.bench;

import java.security.DigestException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Proofs;
import org.kalaja.ledger.ProofException;
import org.kalaja.ledger.ProofVerifier;
import org.kalaja.ledger.Tile;
import org.kalaja.ledger.TreeBuilder;
import org.kalaja.ledger.TreeUpdate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-entry CPU costs of the ledger path, each of which runs once per acknowledged write: the
 * raw SHA-256 of a 1 KiB entry (the machine's floor), the RFC 6962 leaf hash, encoding and decoding
 * a 1 KiB entry, folding 4,096 leaves into the tiled tree, and checking an inclusion proof; and what
 * a verifier pays per entry on top of the raw rate: a streamed block against a whole one-block
 * message, and an interior node's hash.
 *
 * <p>Run: {@code ./mvnw -q -pl bench -am package -DskipTests && java -jar bench/target/benchmarks.jar}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LedgerBenchmarks {
    private byte[] encoded;
    private Entry entry;
    private List<Hash> leaves;
    private Map<Long, byte[]> tiles;
    private long treeSize;
    private Hash root;
    private List<Hash> proof;
    private Hash provenLeaf;
    private final MessageDigest streaming = Hash.sha256Digest();
    private final MessageDigest oneBlock = Hash.sha256Digest();
    private final byte[] digest = new byte[Hash.SIZE];

    @Setup
    public void setUp() throws Exception {
        byte[] body = new byte[1024];
        new Random(1).nextBytes(body);
        for (int i = 0; i < body.length; i++) body[i] = (byte) ('a' + (body[i] & 15));
        entry = new Entry(EntryKind.RECORD_PUT, Instant.parse("2026-11-26T12:00:00Z"), "token:3f9a0c1d2e3f4a5b",
                "127.0.0.1", "kalaja-bench", "applications", "A-2026-000123", 1, "", BodyType.JSON, body);
        encoded = EntryCodec.encode(entry);
        leaves = new ArrayList<>();
        for (int i = 0; i < 4096; i++) leaves.add(Merkle.leafHash(("entry " + i).getBytes()));
        tiles = new HashMap<>();
        TreeUpdate update = TreeBuilder.append(0, this::tile, leaves);
        for (Tile t : update.changedTiles()) tiles.put(key(t.id().level(), t.id().index()), t.hashes());
        treeSize = update.size();
        root = update.root();
        proof = Proofs.inclusionProof(1234, treeSize, this::tile);
        provenLeaf = leaves.get(1234);
    }

    private byte[] tile(int level, long index, int width) {
        return tiles.get(key(level, index));
    }

    private static long key(int level, long index) {
        return ((long) level << 56) | index;
    }

    @Benchmark
    public byte[] sha256Of1KiBRaw() {
        return Hash.sha256Digest().digest(encoded);
    }

    @Benchmark
    public Hash leafHashOf1KiBEntry() {
        return Merkle.leafHash(encoded);
    }

    /**
     * One more 64-byte block into a digest that is never finished: what a block costs when
     * streamed, as the raw SHA-256 rate streams the bundles.
     */
    @Benchmark
    public MessageDigest sha256OfOneMoreBlockStreamed() {
        streaming.update(encoded, 0, 64);
        return streaming;
    }

    /**
     * The whole SHA-256 of 55 bytes, one block with its padding: a block plus what the JDK spends on
     * every message (resetting, padding, finishing); a verifier pays it twice per entry.
     */
    @Benchmark
    public byte[] sha256OfAOneBlockMessage() throws DigestException {
        oneBlock.update(encoded, 0, 55);
        oneBlock.digest(digest, 0, Hash.SIZE);
        return digest;
    }

    /** An interior node of the tree, {@code SHA-256(0x01 || left || right)}: 65 bytes, two blocks. */
    @Benchmark
    public Hash nodeHash() {
        return Merkle.nodeHash(provenLeaf, root);
    }

    @Benchmark
    public byte[] encode1KiBEntry() {
        return EntryCodec.encode(entry);
    }

    @Benchmark
    public Entry decode1KiBEntry() {
        return EntryCodec.decode(encoded);
    }

    @Benchmark
    public TreeUpdate append4096LeavesToAnEmptyTree() {
        return TreeBuilder.append(0, (l, i, w) -> {
            throw new IllegalStateException("an empty tree has no tiles");
        }, leaves);
    }

    @Benchmark
    public boolean verifyInclusionIn4096() throws ProofException {
        ProofVerifier.verifyInclusion(provenLeaf, 1234, treeSize, proof, root);
        return true;
    }
}
