package org.kalaja.engine.shipping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.NoteVerificationException;
import org.kalaja.ledger.VerifierKey;

/**
 * What a shipping round is about to write, signed by the log before the round writes anything else:
 * the vault had published the tree of {@code from} leaves; the round ships the tree of {@code to}
 * leaves with root {@code root}, and these are the SHA-256 hashes of its entry bundles, in the order
 * of {@link #bundles()} (the order the shipper puts them, one after the other).
 *
 * <p>Why it exists: a vault is write-once, and a primary killed in the middle of a round leaves
 * bundles (and perhaps tiles) of a tree that was never published. A node rebuilt from the vault that
 * continued the log from the published tree would produce other entries at those indexes, and
 * shipping them would collide with what the dead primary left, for ever. With the round's
 * announcement, recovery can authenticate every bundle the round got into the vault, each on its own,
 * and take their entries over ({@link org.kalaja.engine.recovery.Recovery}): the rebuilt log then
 * repeats the dead primary's entries exactly as far as the vault holds them, and no object it ships
 * ever differs from one already there.
 *
 * <p>Text of the signed note (docs/FORMATS.md, "Shipping rounds"), each line ending in a newline:
 * <pre>
 * kalaja shipping round v1
 * &lt;origin&gt;
 * &lt;from&gt; &lt;to&gt; &lt;root, base64&gt;
 * &lt;SHA-256 of each bundle, 64 lower-case hex digits&gt;   (one line per bundle, at most {@value #INLINE})
 * </pre>
 * A round of more than {@value #INLINE} bundles lists them instead in a blob, the concatenated
 * 32-byte hashes, named on the last line as {@code list <SHA-256 of the blob, hex>}. The first line
 * cannot be a checkpoint's second (a decimal size), so a round's note is never mistaken for a
 * checkpoint, although the same key signs both.
 */
public record ShippingRound(String origin, long from, long to, Hash root, List<Hash> bundleHashes) {
    /** The first line of the text. */
    static final String HEADER = "kalaja shipping round v1";
    /** Most bundle hashes listed in the note itself (64 KiB of lines and less); more go to a blob. */
    public static final int INLINE = 1000;
    private static final String LIST = "list ";

    public ShippingRound {
        if (from < 0 || to <= from) throw new IllegalArgumentException("a shipping round goes from a tree to a larger one, not " + from + " to " + to);
        bundleHashes = List.copyOf(bundleHashes);
        if (bundleHashes.size() != ShipPlan.bundles(from, to).size()) {
            throw new IllegalArgumentException("a round from " + from + " to " + to + " ships " + ShipPlan.bundles(from, to).size()
                    + " bundles, not " + bundleHashes.size());
        }
    }

    /** The entry bundles of the round, in the order they are put: ascending index, the partial one last. */
    public List<BundleId> bundles() {
        return ShipPlan.bundles(from, to);
    }

    /** The blob listing the bundle hashes, for a round too large to list them in its note. */
    public Optional<byte[]> listBlob() {
        if (bundleHashes.size() <= INLINE) return Optional.empty();
        byte[] out = new byte[bundleHashes.size() * Hash.SIZE];
        for (int i = 0; i < bundleHashes.size(); i++) System.arraycopy(bundleHashes.get(i).bytes(), 0, out, i * Hash.SIZE, Hash.SIZE);
        return Optional.of(out);
    }

    /** The note's text. */
    public String text() {
        StringBuilder b = new StringBuilder(HEADER).append('\n').append(origin).append('\n')
                .append(from).append(' ').append(to).append(' ').append(root.base64()).append('\n');
        Optional<byte[]> list = listBlob();
        if (list.isPresent()) {
            b.append(LIST).append(Hash.sha256(list.get()).hex()).append('\n');
        } else {
            for (Hash h : bundleHashes) b.append(h.hex()).append('\n');
        }
        return b.toString();
    }

    /** The blob a round's note names for its bundle list, if it names one (its hash, as the note states it). */
    public static Optional<Hash> listNamedBy(Note note) {
        String[] lines = note.text().split("\n");
        String last = lines[lines.length - 1];
        return last.startsWith(LIST) ? Optional.of(Hash.fromHex(last.substring(LIST.length()))) : Optional.empty();
    }

    /**
     * Parses and authenticates a round's note: signed by {@code log}, of its origin.
     *
     * @param list the blob the note names, when it names one (see {@link #listNamedBy}); checked against its hash
     * @throws IllegalArgumentException if it is not a round's note, does not verify, or {@code list} does not match
     */
    public static ShippingRound verify(byte[] signedNote, VerifierKey log, Optional<byte[]> list) {
        Note note;
        try {
            note = Note.parse(signedNote);
            note.verify(List.of(log));
        } catch (NoteVerificationException e) {
            throw new IllegalArgumentException("not signed by the log key " + log.name() + ": " + e.getMessage(), e);
        }
        String[] lines = note.text().split("\n");
        if (lines.length < 4 || !lines[0].equals(HEADER)) throw new IllegalArgumentException("not a shipping round's note");
        if (!lines[1].equals(log.name())) throw new IllegalArgumentException("a round of log '" + lines[1] + "', not of " + log.name());
        String[] tree = lines[2].split(" ");
        if (tree.length != 3) throw new IllegalArgumentException("the third line is not '<from> <to> <root>': " + lines[2]);
        long from = Long.parseLong(tree[0]);
        long to = Long.parseLong(tree[1]);
        Hash root = Hash.fromBase64(tree[2]);
        List<Hash> hashes = new ArrayList<>();
        Optional<Hash> named = listNamedBy(note);
        if (named.isPresent()) {
            byte[] blob = list.orElseThrow(() -> new IllegalArgumentException("the round's bundle list, blob " + named.get().hex() + ", is missing"));
            if (!Hash.sha256(blob).equals(named.get()) || blob.length % Hash.SIZE != 0) {
                throw new IllegalArgumentException("the blob given as the round's bundle list is not the one its note names");
            }
            for (int i = 0; i < blob.length; i += Hash.SIZE) hashes.add(Hash.of(blob, i));
        } else {
            for (int i = 3; i < lines.length; i++) hashes.add(Hash.of(HexFormat.of().parseHex(lines[i])));
        }
        return new ShippingRound(lines[1], from, to, root, hashes);
    }

    /** The signed note, as the vault holds it. */
    byte[] signedBy(LogSource log) {
        return log.sign(text()).getBytes(StandardCharsets.UTF_8);
    }
}
