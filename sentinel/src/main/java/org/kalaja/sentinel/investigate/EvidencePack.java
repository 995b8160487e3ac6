package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.recovery.TrustedKeys;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.Proofs;
import org.kalaja.ledger.TlogProof;
import org.kalaja.ledger.TlogProofException;
import org.kalaja.sentinel.investigate.Timeline.Item;

/**
 * Writes an incident's evidence pack: a directory an investigator can check offline, trusting only the
 * log's and the witnesses' public keys.
 *
 * <pre>
 *   MANIFEST.json              {format, incident, origin, vkey, witnesses, quorum, witnessed, checkpoint_size,
 *                               files: {path: sha256 hex}, entries: [{index, why}]}
 *   checkpoint                 the signed (and, with witnesses, cosigned) checkpoint every proof is against
 *   entries/&lt;index&gt;.entry      the entry's canonical bytes: exactly what the Merkle tree commits to
 *   entries/&lt;index&gt;.json       the same decoded for reading; NOT authenticated
 *   proofs/&lt;index&gt;.tlog-proof  c2sp.org/tlog-proof of the entry against {@code checkpoint}
 *   blobs/&lt;sha256 hex&gt;         bodies too large for an entry, named by the hash their entry commits to
 *   timeline.json, timeline.md, stix-bundle.json, README.txt
 * </pre>
 *
 * <p>Entries: 0 (the log's identity: origin and key), and every entry the timeline names. Invariants: every
 * proof is against the one {@code checkpoint}, whose tree holds every included entry; each proof is
 * verified before it is written, so a pack that cannot verify is never handed over; MANIFEST.json lists
 * every other file with its SHA-256 (it does not authenticate them: the proofs do, for the entries).
 */
public final class EvidencePack {
    /** The first line of README.txt and the manifest's {@code format}. */
    public static final String FORMAT = "kalaja-evidence/v1";

    private EvidencePack() {
    }

    /**
     * The checkpoint every proof is against, and the keys that verify it.
     *
     * @param checkpoint the signed checkpoint note, with every cosignature
     */
    public record Anchor(Note checkpoint, TrustedKeys keys) {
        /** The size of the checkpoint's tree. */
        public long size() {
            return Checkpoint.of(checkpoint).size();
        }

        /** The latest checkpoint the log signed itself, after integrating every committed entry: no witnesses. */
        public static Anchor of(TransparencyLog log) {
            log.integrate();
            Note note = Note.parse(log.checkpoint().orElseThrow(() -> new IllegalStateException("the log has no checkpoint yet")));
            return new Anchor(note, new TrustedKeys(log.identity().verifierKey(), List.of(), 0, ""));
        }

        /**
         * The checkpoint a vault published: cosigned by a quorum of witnesses when the node has them. To
         * have it cover the newest entries, wait first on {@code Shipper.published(EvidencePack.lastIndex(timeline))}.
         */
        public static Anchor of(Vault vault, TrustedKeys keys) {
            byte[] note = vault.checkpoint().orElseThrow(() -> new IllegalStateException(vault.describe()
                    + " has published no checkpoint yet"));
            return new Anchor(Note.parse(note), keys);
        }
    }

    /** What was written. @param entries the included indexes, ascending */
    public record Written(Path dir, long checkpointSize, List<Long> entries, int blobs, boolean witnessed) {
        public Written {
            entries = List.copyOf(entries);
        }
    }

    /** The largest index the pack of {@code timeline} holds: the checkpoint MUST cover it. */
    public static long lastIndex(Timeline timeline) {
        return timeline.entryIndexes().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /**
     * Writes the pack into {@code dir} (created if absent; MUST be empty if present).
     *
     * @throws IllegalStateException if the checkpoint does not cover every entry, or an entry's proof
     *     does not verify against it (wrong keys, a checkpoint of another log, a store changed behind the log)
     */
    public static Written write(Store store, Timeline timeline, ObjectNode stix, Anchor anchor, Path dir) throws IOException {
        Checkpoint cp = Checkpoint.of(anchor.checkpoint());
        Map<Long, String> why = reasons(timeline);
        long last = why.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        if (cp.size() <= last) {
            throw new IllegalStateException("the checkpoint of " + cp.origin() + " has " + cp.size() + " entries and does not cover entry "
                    + last + "; wait for the next checkpoint (or shipping) and try again");
        }
        Files.createDirectories(dir);
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.findAny().isPresent()) throw new IllegalArgumentException(dir + " is not empty");
        }
        Files.createDirectories(dir.resolve("entries"));
        Files.createDirectories(dir.resolve("proofs"));
        Files.write(dir.resolve("checkpoint"), anchor.checkpoint().toBytes());
        int blobs = 0;
        for (long index : why.keySet()) {
            byte[] bytes = store.entry(index).orElseThrow(() -> new IllegalStateException("the store has no entry " + index)).data();
            TlogProof proof = new TlogProof(new byte[0], index, Proofs.inclusionProof(index, cp.size(),
                    (level, i, width) -> store.tile(level, i).orElseThrow(() -> new IllegalStateException(
                            "tile " + level + "/" + i + " is missing from the store; run `kalaja verify`"))), anchor.checkpoint());
            try {
                proof.verifyEntry(bytes, cp.origin(), anchor.keys().log(), anchor.keys().witnesses(), anchor.keys().quorum());
            } catch (TlogProofException e) {
                throw new IllegalStateException("entry " + index + " does not verify against the checkpoint: " + e.getMessage(), e);
            }
            Files.write(dir.resolve("entries/" + index + ".entry"), bytes);
            Entry entry = EntryCodec.decode(bytes);
            Files.write(dir.resolve("entries/" + index + ".json"), TimelineFormat.bytes(decoded(index, entry)));
            Files.writeString(dir.resolve("proofs/" + index + ".tlog-proof"), proof.format());
            if (entry.bodyType() == BodyType.BLOB_REF) {
                BlobRef ref = BlobRef.fromBody(entry.body());
                byte[] blob = store.blob(ref.sha256().bytes()).orElseThrow(() -> new IllegalStateException(
                        "entry " + index + " refers to blob " + ref.sha256().hex() + ", which the store does not have"));
                Files.createDirectories(dir.resolve("blobs"));
                Files.write(dir.resolve("blobs/" + ref.sha256().hex()), blob);
                blobs++;
            }
        }
        timeline.writeTo(dir);
        Files.write(dir.resolve("stix-bundle.json"), TimelineFormat.bytes(stix));
        Files.writeString(dir.resolve("README.txt"), readme(timeline, anchor, cp));
        Files.write(dir.resolve("MANIFEST.json"), TimelineFormat.bytes(manifest(dir, timeline, anchor, cp, why)));
        return new Written(dir, cp.size(), List.copyOf(why.keySet()), blobs, !anchor.keys().witnesses().isEmpty());
    }

    /** Index → why it is in the pack, for the manifest; index 0 always. */
    private static Map<Long, String> reasons(Timeline timeline) {
        Map<Long, String> why = new TreeMap<>();
        why.put(0L, "log identity: the origin and the log's verifier key");
        for (Item i : timeline.items()) {
            why.putIfAbsent(i.index(), i.why().id() + ": " + i.action() + " by " + i.actor()
                    + (i.address().isEmpty() ? "" : " from " + i.address())
                    + (i.key().isEmpty() ? "" : " on " + i.collection() + "/" + i.key()));
        }
        return why;
    }

    private static ObjectNode decoded(long index, Entry e) {
        ObjectNode o = TimelineFormat.JSON.createObjectNode();
        o.put("unauthenticated", "decoded from entries/" + index + ".entry for reading; only that file is covered by the proof");
        o.put("index", index).put("kind", e.kind().name()).put("time", e.time().toString()).put("actor", e.actor())
                .put("client_address", e.clientAddress()).put("user_agent", e.userAgent()).put("collection", e.collection())
                .put("key", e.key()).put("record_version", e.recordVersion()).put("idempotency_key", e.idempotencyKey())
                .put("body_type", e.bodyType().name());
        switch (e.bodyType()) {
            case JSON -> o.set("body", parsedOrText(e.body()));
            case BLOB_REF -> {
                BlobRef ref = BlobRef.fromBody(e.body());
                o.putObject("body").put("blob", "blobs/" + ref.sha256().hex()).put("sha256", ref.sha256().hex())
                        .put("length", ref.length()).put("content_type", ref.contentType());
            }
            case SEALED -> o.put("body_base64", Base64.getEncoder().encodeToString(e.body()));
            case NONE -> { }
        }
        return o;
    }

    private static JsonNode parsedOrText(byte[] body) {
        try {
            return TimelineFormat.JSON.readTree(body);
        } catch (IOException ex) {
            return TimelineFormat.JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private static ObjectNode manifest(Path dir, Timeline timeline, Anchor anchor, Checkpoint cp, Map<Long, String> why)
            throws IOException {
        ObjectNode m = TimelineFormat.JSON.createObjectNode();
        m.put("format", FORMAT).put("incident", timeline.incident().id()).put("origin", cp.origin())
                .put("vkey", anchor.keys().log().format());
        ArrayNode w = m.putArray("witnesses");
        anchor.keys().witnesses().forEach(k -> w.add(k.format()));
        m.put("quorum", anchor.keys().quorum()).put("witnessed", !anchor.keys().witnesses().isEmpty())
                .put("checkpoint_size", cp.size()).put("root", cp.rootHash().base64()).put("written", Instant.now().toString());
        ObjectNode files = m.putObject("files");
        for (Map.Entry<String, String> f : hashes(dir).entrySet()) files.put(f.getKey(), f.getValue());
        ArrayNode entries = m.putArray("entries");
        why.forEach((i, reason) -> entries.addObject().put("index", i).put("why", reason));
        return m;
    }

    /** Every file under {@code dir} but the manifest, by relative path with '/' separators, with its SHA-256 hex. */
    static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
                String rel = relative(dir, p);
                if (!rel.equals("MANIFEST.json")) out.put(rel, Hash.sha256(Files.readAllBytes(p)).hex());
            }
        }
        return out;
    }

    static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String readme(Timeline t, Anchor anchor, Checkpoint cp) {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("Incident", t.incident().id() + ": " + t.incident().rule().title());
        lines.put("Log", cp.origin() + ", checkpoint of " + cp.size() + " entries, root " + cp.rootHash().base64());
        lines.put("Log key", anchor.keys().log().format());
        lines.put("Witnesses", anchor.keys().witnesses().isEmpty() ? "none: the checkpoint is signed by the log only"
                : anchor.keys().quorum() + " of " + anchor.keys().witnesses().stream().map(Object::toString).toList());
        StringBuilder b = new StringBuilder(FORMAT).append("\n\n");
        lines.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        b.append("""

                Every file entries/N.entry is log entry N exactly as the log's Merkle tree commits to it, and
                proofs/N.tlog-proof (c2sp.org/tlog-proof) proves it is in the tree of the signed checkpoint in the
                file `checkpoint`. Check the whole pack offline, with keys you obtained independently of it:

                  kalaja verify-evidence DIR --vkey LOG_VKEY [--witness-vkey W --quorum K]
                  peer-verifier -evidence DIR -vkey LOG_VKEY [-witness-vkey W]   (Kalaja's tools/peer-verifier, Go)

                entries/N.json, timeline.json, timeline.md and stix-bundle.json are readings of the entries, not
                evidence themselves. STIX bundle and timeline are marked TLP:AMBER. See docs/INVESTIGATION.md.
                """);
        return b.toString();
    }

    /** The entry indexes a manifest lists, in its order; -1 for an entry without an index. */
    static List<Long> listedEntries(JsonNode manifest) {
        List<Long> out = new ArrayList<>();
        manifest.path("entries").forEach(e -> out.add(e.path("index").asLong(-1)));
        return out;
    }
}
