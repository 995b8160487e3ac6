package org.kalaja.engine.recovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.shipping.ShippingRound;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.VerifierKey;

/**
 * The entries of a shipping round that was cut off (the primary died in the middle of it): in the vault
 * beyond its newest checkpoint, announced and authenticated by the round's note ({@link ShippingRound}).
 *
 * <p>Recovery takes them over so that the rebuilt log repeats the dead primary's entries as far as the
 * vault holds them: otherwise the rebuilt node would write other entries at those indexes and could
 * never ship them to a vault that already holds the old ones (a write-once vault keeps what it has).
 * What is taken over is exactly the bundles the round put, in order, up to the first one missing; each
 * MUST hash to what the round announced, and every blob its entries name MUST be in the vault.
 *
 * <p>Among several rounds beyond the checkpoint (a rebuilt node that was itself cut off), the one
 * whose bundles reach furthest wins. A round's note that does not verify, or a bundle that differs
 * from its announcement, is reported and not used: it does not come from the log's key.
 */
final class InterruptedRound {
    private InterruptedRound() {}

    /** What was taken over: how many entries, from which round, and what was set aside. */
    record Adoption(long entries, Optional<String> round, List<String> findings) {
        static final Adoption NONE = new Adoption(0, Optional.empty(), List.of());
    }

    /**
     * Hands the authenticated entries after {@code sink}'s checkpoint to it, if rounds left any: the
     * round reaching furthest from the checkpoint, then, while the last one was complete, the round
     * reaching furthest from where it ended (with witnesses, a vault takes in the data of several
     * trees before the first is cosigned and published).
     */
    static Adoption adopt(Vault vault, VerifierKey log, StoreSink sink, Consumer<String> progress) throws VerificationException {
        long size = sink.target().size();
        List<String> findings = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        List<ShippingRound> rounds = new ArrayList<>();
        for (String path : vault.list(VaultPaths.ROUNDS)) {
            if (VaultPaths.roundSize(path) <= size) continue;
            Optional<ShippingRound> round = read(vault, log, path, findings);
            if (round.isPresent()) {
                paths.add(path);
                rounds.add(round.get());
            }
        }
        long at = size;
        List<String> used = new ArrayList<>();
        while (true) {
            int best = -1;
            int bestBundles = 0;
            long bestReach = at;
            for (int i = 0; i < rounds.size(); i++) {
                ShippingRound r = rounds.get(i);
                if (r.from() > at || r.to() <= at) continue;
                int reached = 0;
                long reach = r.from();
                for (BundleId b : r.bundles()) {
                    Optional<byte[]> bundle = vault.get(b.path());
                    if (bundle.isEmpty()) break;
                    if (!Hash.sha256(bundle.get()).equals(r.bundleHashes().get(reached))) {
                        findings.add(b.path() + " differs from what round " + paths.get(i) + " announced: not taken over (another round's,"
                                + " or tampered with)");
                        break;
                    }
                    reached++;
                    reach = b.firstEntry() + b.width();
                }
                if (reach > bestReach) {
                    best = i;
                    bestBundles = reached;
                    bestReach = reach;
                }
            }
            if (best < 0) break;
            ShippingRound r = rounds.get(best);
            progress.accept("the vault holds entries " + at + ".." + (bestReach - 1) + " after its newest checkpoint, from a shipping round"
                    + " not published (" + paths.get(best) + ", signed by the log): taking them over");
            long taken = take(vault, r, bestBundles, sink);
            used.add(paths.get(best));
            if (taken < bestReach) {
                findings.add("entries " + taken + ".." + (bestReach - 1) + " of round " + paths.get(best) + " name blobs the vault lacks: not taken over");
            }
            at = taken;
            if (taken < r.to()) break;
        }
        return new Adoption(at - size, used.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", used)), findings);
    }

    private static Optional<ShippingRound> read(Vault vault, VerifierKey log, String path, List<String> findings) {
        byte[] note = vault.get(path).orElseThrow();
        try {
            Optional<byte[]> list = ShippingRound.listNamedBy(Note.parse(note)).flatMap(h -> vault.get(VaultPaths.blob(h)));
            ShippingRound round = ShippingRound.verify(note, log, list);
            if (round.to() != VaultPaths.roundSize(path) || !VaultPaths.round(round.to(), round.from(), round.root()).equals(path)) {
                findings.add(path + " holds the round of another tree (" + round.from() + " to " + round.to() + " entries, root "
                        + round.root().hex() + "): not used");
                return Optional.empty();
            }
            return Optional.of(round);
        } catch (IllegalArgumentException e) {
            findings.add(path + " is not a shipping round signed by the log (" + e.getMessage() + "): not used");
            return Optional.empty();
        }
    }

    /** Hands the first {@code bundles} bundles' entries after the checkpoint to the sink; returns the size reached. */
    private static long take(Vault vault, ShippingRound round, int bundles, StoreSink sink) throws VerificationException {
        long next = sink.appended();
        for (BundleId b : round.bundles().subList(0, bundles)) {
            List<byte[]> entries = EntryBundle.decode(vault.get(b.path()).orElseThrow());
            long first = b.firstEntry();
            if (first < next) {
                int known = (int) Math.min(entries.size(), next - first);
                if (!sink.holds(first, entries.subList(0, known))) {
                    throw new VerificationException(b.path() + ", announced by round " + VaultPaths.round(round.to(), round.from(), round.root())
                            + " signed by the log, holds other entries below " + next + " than the vault's checkpoint: the log key"
                            + " signed two histories (a fork). Keep the vault as evidence");
                }
                entries = entries.subList(known, entries.size());
                first = next;
            }
            List<Entry> decoded = new ArrayList<>(entries.size());
            Map<Hash, byte[]> blobs = new HashMap<>();
            int usable = 0;
            for (byte[] bytes : entries) {
                Entry e = EntryCodec.decode(bytes);
                if (e.bodyType() == BodyType.BLOB_REF && !fetch(vault, BlobRef.fromBody(e.body()).sha256(), blobs)) break;
                decoded.add(e);
                usable++;
            }
            sink.adopt(first, entries.subList(0, usable), decoded, blobs);
            next = first + usable;
            if (usable < entries.size()) break;
        }
        return next;
    }

    private static boolean fetch(Vault vault, Hash sha256, Map<Hash, byte[]> into) {
        if (into.containsKey(sha256)) return true;
        Optional<byte[]> blob = vault.get(VaultPaths.blob(sha256));
        if (blob.isEmpty() || !Hash.sha256(blob.get()).equals(sha256)) return false;
        into.put(sha256, blob.get());
        return true;
    }
}
