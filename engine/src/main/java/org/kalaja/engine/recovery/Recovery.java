package org.kalaja.engine.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.ledger.Checkpoint;

/**
 * {@code kalaja recover}: rebuilds a store from a vault, every entry authenticated against the
 * vault's newest cosigned checkpoint before it is written ({@link VaultAudit}).
 *
 * <p>Into the store go the entries with their original bytes, the state and idempotency keys
 * replayed from them ({@link org.kalaja.engine.LogReplay}), the blobs, the hash tiles and the
 * history's checkpoints, so that {@code kalaja verify} passes on the result and a node started on it
 * continues the same log. Entries go in large transactions; the checkpoint goes last, so a store
 * without one is an unfinished recovery.
 *
 * <h2>What an operator can rely on</h2>
 * <ul>
 *   <li>Nothing is written that was not authenticated; a discrepancy stops the vault's attempt with a
 *       message naming the object, and the next vault (if any) is tried, which the output says.</li>
 *   <li>Resumable: a store that holds a prefix and no checkpoint (an interrupted recovery) is
 *       continued; its entries MUST equal the vault's, byte for byte, or recovery stops.</li>
 *   <li>A store with a checkpoint is never touched: it is a finished recovery or a live log.</li>
 * </ul>
 */
public final class Recovery {
    /**
     * How much to recover.
     *
     * @param atIndex when present, only entries 0..atIndex (a point in time by index)
     * @param atTime  when present, only the entries up to the last one written at or before it
     */
    public record Options(Optional<Long> atIndex, Optional<Instant> atTime) {
        public static final Options EVERYTHING = new Options(Optional.empty(), Optional.empty());

        public Options {
            if (atIndex.isPresent() && atTime.isPresent()) throw new IllegalArgumentException("give --at as an index or a time, not both");
            if (atIndex.isPresent() && atIndex.get() < 0) throw new IllegalArgumentException("--at index must not be negative");
        }
    }

    /**
     * What was restored.
     *
     * @param entries    entries the store holds now
     * @param resumed    entries it already held from an earlier attempt (checked, not written again)
     * @param checkpoint the checkpoint the store holds now (its latest)
     * @param verifiedAgainst the vault's newest checkpoint, which every entry up to it was authenticated against
     * @param adopted  entries after that checkpoint taken over from a shipping round that was cut off,
     *                 each authenticated by the round's note signed by the log; the node integrates them
     * @param attempts   one line per vault that failed before the one that succeeded
     */
    public record Summary(String vault, long entries, long resumed, long bytes, long blobs, Checkpoint checkpoint,
            Checkpoint verifiedAgainst, long adopted, List<String> cosigners, String keysFromVault, List<String> findings,
            List<String> attempts, Duration took) {
        public Summary {
            cosigners = List.copyOf(cosigners);
            findings = List.copyOf(findings);
            attempts = List.copyOf(attempts);
        }
    }

    /** How to check one vault: its keys (given, or read from it). */
    @FunctionalInterface
    public interface KeySource {
        TrustedKeys keys(Vault vault) throws VerificationException;
    }

    private Recovery() {
    }

    /**
     * Recovers into {@code store} from the first of {@code vaults} that verifies, in order.
     *
     * @throws VerificationException if no vault verified; the message holds every vault's failure
     * @throws IllegalStateException if {@code store} already holds a checkpoint
     */
    public static Summary recover(List<Vault> vaults, KeySource keys, Store store, Options options, Consumer<String> progress)
            throws VerificationException {
        if (vaults.isEmpty()) throw new IllegalArgumentException("give at least one vault to recover from");
        Optional<String> existing = store.latestCheckpoint();
        if (existing.isPresent()) {
            throw new IllegalStateException(store.describe() + " already holds a log with a checkpoint of "
                    + Checkpoint.of(org.kalaja.ledger.Note.parse(existing.get())).size() + " entries: it is a finished recovery"
                    + " or a live node, and recovery never writes over one. Recover into an empty directory or database");
        }
        List<String> attempts = new ArrayList<>();
        for (int i = 0; i < vaults.size(); i++) {
            Vault vault = vaults.get(i);
            long started = System.nanoTime();
            try {
                progress.accept("recovering from " + vault.describe() + " into " + store.describe()
                        + (store.size() > 0 ? " (continuing: it already holds " + store.size() + " entries)" : ""));
                StoreSink sink = new StoreSink(store, options, vault, progress);
                TrustedKeys trusted = keys.keys(vault);
                VaultAudit.Report report = VaultAudit.run(vault, trusted, sink, true, progress);
                InterruptedRound.Adoption adopted = options.equals(Options.EVERYTHING)
                        ? InterruptedRound.adopt(vault, trusted.log(), sink, progress) : InterruptedRound.Adoption.NONE;
                if (store.size() > sink.appended()) {
                    throw new VerificationException(store.describe() + " holds " + store.size() + " entries, but the vault authenticates "
                            + sink.appended() + ": the entries after them were not written by recovery. Recover into an empty directory or database");
                }
                sink.finish();
                List<String> findings = new ArrayList<>(report.findings());
                findings.addAll(adopted.findings());
                return new Summary(vault.describe(), store.size(), sink.resumed(), report.bytes(), report.blobs(),
                        sink.storedCheckpoint(), report.checkpoint(), adopted.entries(), report.cosigners(), report.keysFromVault(),
                        findings, attempts, Duration.ofNanos(System.nanoTime() - started));
            } catch (VerificationException | VaultException e) {
                String why = (e instanceof VaultException v && v.retryable() ? "cannot be read: " : "failed verification: ")
                        + e.getMessage();
                attempts.add(vault.describe() + " " + why);
                if (i + 1 < vaults.size()) {
                    progress.accept("vault " + vault.describe() + " " + why);
                    progress.accept("falling back to the next vault, " + vaults.get(i + 1).describe()
                            + "; what was already written was authenticated and is kept if the next vault agrees");
                }
            }
        }
        throw new VerificationException(attempts.size() == 1 ? attempts.getFirst()
                : "no vault could be recovered from:\n  " + String.join("\n  ", attempts));
    }
}
