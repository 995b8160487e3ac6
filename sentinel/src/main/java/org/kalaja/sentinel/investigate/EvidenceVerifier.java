package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kalaja.engine.recovery.TrustedKeys;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.NoteVerifier;
import org.kalaja.ledger.TlogProof;
import org.kalaja.ledger.TlogProofException;
import org.kalaja.ledger.VerifierKey;

/**
 * Checks an {@link EvidencePack} offline: the manifest's file hashes (and that nothing unlisted was added),
 * the checkpoint's signatures, every entry's tlog-proof against that one checkpoint, and every blob
 * against the hash and length its entry commits to.
 *
 * <p>Keys given by the caller win; a key not given is taken from the manifest, which proves integrity
 * only (whoever wrote the pack wrote the manifest): {@link Report#keysFromPack()} says which, so a report
 * never claims more than was checked. All failures are collected, each naming the entry or file.
 */
public final class EvidenceVerifier {
    private static final Pattern ENTRY_FILE = Pattern.compile("entries/(0|[1-9]\\d{0,18})\\.(entry|json)");
    private static final Pattern PROOF_FILE = Pattern.compile("proofs/(0|[1-9]\\d{0,18})\\.tlog-proof");

    private EvidenceVerifier() {
    }

    /** The keys an investigator obtained independently of the pack; each absent one is read from the manifest. */
    public record Keys(Optional<VerifierKey> log, List<VerifierKey> witnesses, OptionalInt quorum) {
        public Keys {
            witnesses = List.copyOf(witnesses);
        }

        /** No key given: everything from the manifest (integrity only). */
        public static Keys none() {
            return new Keys(Optional.empty(), List.of(), OptionalInt.empty());
        }
    }

    /**
     * The verdict. When {@link #ok()} is false, {@link #failures()} names each failing entry or file.
     *
     * @param cosigners    the witnesses whose cosignatures verified on the checkpoint
     * @param keysFromPack which keys came from the manifest rather than the caller, "" when none did
     */
    public record Report(boolean ok, String incident, String origin, long checkpointSize, String root, int entries, int blobs,
            List<String> cosigners, int quorum, String keysFromPack, List<String> failures) {
        public Report {
            cosigners = List.copyOf(cosigners);
            failures = List.copyOf(failures);
        }
    }

    /** Verifies the pack in {@code dir}. @throws IOException if the directory cannot be read at all */
    public static Report verify(Path dir, Keys given) throws IOException {
        List<String> failures = new ArrayList<>();
        Path manifestFile = dir.resolve("MANIFEST.json");
        if (!Files.isRegularFile(manifestFile)) {
            return failed(List.of("MANIFEST.json is missing from " + dir));
        }
        JsonNode m;
        try {
            m = TimelineFormat.JSON.readTree(manifestFile.toFile());
        } catch (IOException e) {
            return failed(List.of("MANIFEST.json is not JSON: " + e.getMessage()));
        }
        checkFiles(dir, m, failures);
        List<String> fromPack = new ArrayList<>();
        TrustedKeys keys;
        try {
            keys = keys(m, given, fromPack);
        } catch (IllegalArgumentException e) {
            failures.add("keys: " + e.getMessage());
            return failed(failures);
        }
        Note note;
        Checkpoint cp;
        try {
            note = Note.parse(Files.readAllBytes(dir.resolve("checkpoint")));
            cp = Checkpoint.of(note);
        } catch (IOException | IllegalArgumentException e) {
            failures.add("checkpoint: not a signed checkpoint note: " + e.getMessage());
            return failed(failures);
        }
        String origin = m.path("origin").asText(cp.origin());
        if (!cp.origin().equals(origin)) failures.add("checkpoint: origin " + cp.origin() + " is not the manifest's " + origin);
        if (m.path("checkpoint_size").asLong(-1) != cp.size()) {
            failures.add("checkpoint: size " + cp.size() + " is not the manifest's " + m.path("checkpoint_size"));
        }
        List<String> cosigners = cosigners(note, keys, failures);
        int entries = 0;
        int blobs = 0;
        Set<Long> listed = new HashSet<>();
        for (long index : EvidencePack.listedEntries(m)) {
            listed.add(index);
            String name = "entry " + index + " (entries/" + index + ".entry)";
            try {
                byte[] bytes = Files.readAllBytes(dir.resolve("entries/" + index + ".entry"));
                TlogProof proof = TlogProof.parse(Files.readAllBytes(dir.resolve("proofs/" + index + ".tlog-proof")));
                if (proof.index() != index) {
                    failures.add(name + ": its proof is for index " + proof.index());
                    continue;
                }
                if (!proof.checkpoint().equals(note)) {
                    Checkpoint other = Checkpoint.of(proof.checkpoint());
                    failures.add(name + ": its proof is against the checkpoint of size " + other.size() + " root "
                            + other.rootHash().base64() + ", not the pack's checkpoint of size " + cp.size() + " root "
                            + cp.rootHash().base64());
                    continue;
                }
                proof.verifyEntry(bytes, origin, keys.log(), keys.witnesses(), keys.quorum());
                entries++;
                Entry e = EntryCodec.decode(bytes);
                if (e.bodyType() == BodyType.BLOB_REF && checkBlob(dir, name, BlobRef.fromBody(e.body()), failures)) blobs++;
            } catch (TlogProofException e) {
                failures.add(name + ": " + e.getMessage());
            } catch (IOException e) {
                failures.add(name + ": cannot read " + e.getMessage());
            } catch (IllegalArgumentException e) {
                failures.add(name + ": malformed: " + e.getMessage());
            }
        }
        for (Map.Entry<String, JsonNode> file : m.path("files").properties()) {
            String f = file.getKey();
            Matcher em = ENTRY_FILE.matcher(f);
            Matcher pm = PROOF_FILE.matcher(f);
            Long i = em.matches() ? Long.valueOf(em.group(1)) : pm.matches() ? Long.valueOf(pm.group(1)) : null;
            if (i != null && !listed.contains(i)) failures.add(f + " belongs to entry " + i + ", which the manifest does not list");
        }
        return new Report(failures.isEmpty(), m.path("incident").asText(""), origin, cp.size(), cp.rootHash().base64(), entries,
                blobs, cosigners, keys.quorum(), String.join(", ", fromPack), failures);
    }

    private static Report failed(List<String> failures) {
        return new Report(false, "", "", 0, "", 0, 0, List.of(), 0, "", failures);
    }

    /** Every listed file has its hash; every file present is listed; no listed path leaves the pack. */
    private static void checkFiles(Path dir, JsonNode m, List<String> failures) throws IOException {
        Map<String, String> present = EvidencePack.hashes(dir);
        Set<String> listed = new HashSet<>();
        for (Map.Entry<String, JsonNode> f : m.path("files").properties()) {
            String path = f.getKey();
            listed.add(path);
            if (path.startsWith("/") || Arrays.asList(path.split("/")).contains("..")) {
                failures.add(path + ": a manifest path must stay inside the pack");
                continue;
            }
            String actual = present.get(path);
            if (actual == null) failures.add(path + ": listed in MANIFEST.json but missing");
            else if (!actual.equals(f.getValue().asText())) {
                failures.add(path + ": SHA-256 is " + actual + ", MANIFEST.json says " + f.getValue().asText());
            }
        }
        for (String p : present.keySet()) {
            if (!listed.contains(p)) failures.add(p + ": not listed in MANIFEST.json");
        }
    }

    private static TrustedKeys keys(JsonNode m, Keys given, List<String> fromPack) {
        VerifierKey log = given.log().orElseGet(() -> {
            fromPack.add("log key");
            return VerifierKey.parse(m.path("vkey").asText(""));
        });
        List<VerifierKey> witnesses = given.witnesses();
        int quorum;
        if (witnesses.isEmpty()) {
            List<VerifierKey> listed = new ArrayList<>();
            m.path("witnesses").forEach(w -> listed.add(VerifierKey.parse(w.asText())));
            if (!listed.isEmpty()) fromPack.add("witness keys and quorum");
            witnesses = listed;
            quorum = given.quorum().orElse(m.path("quorum").asInt(listed.size()));
        } else {
            quorum = given.quorum().orElse(witnesses.size());
        }
        return new TrustedKeys(log, witnesses, quorum, String.join(", ", fromPack));
    }

    private static List<String> cosigners(Note note, TrustedKeys keys, List<String> failures) {
        List<NoteVerifier> known = new ArrayList<>(keys.witnesses());
        known.add(keys.log());
        try {
            List<NoteVerifier> ok = note.verify(known);
            if (!ok.contains(keys.log())) failures.add("checkpoint: no valid signature by the log key " + keys.log());
            List<String> cosigners = keys.witnesses().stream().filter(ok::contains).map(VerifierKey::name).toList();
            if (cosigners.size() < keys.quorum()) {
                failures.add("checkpoint: " + cosigners.size() + " valid witness cosignatures, the quorum is " + keys.quorum());
            }
            return cosigners;
        } catch (NoteVerificationException e) {
            failures.add("checkpoint: " + e.getMessage());
            return List.of();
        }
    }

    private static boolean checkBlob(Path dir, String entry, BlobRef ref, List<String> failures) throws IOException {
        Path p = dir.resolve("blobs/" + ref.sha256().hex());
        if (!Files.isRegularFile(p)) {
            failures.add(entry + ": its blob blobs/" + ref.sha256().hex() + " is missing");
            return false;
        }
        byte[] blob = Files.readAllBytes(p);
        if (!Hash.sha256(blob).equals(ref.sha256()) || blob.length != ref.length()) {
            failures.add(entry + ": blobs/" + ref.sha256().hex() + " has SHA-256 " + Hash.sha256(blob).hex() + " and " + blob.length
                    + " bytes; the entry commits to " + ref.length() + " bytes");
            return false;
        }
        return true;
    }
}
