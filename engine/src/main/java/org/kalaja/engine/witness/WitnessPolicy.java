package org.kalaja.engine.witness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kalaja.ledger.Note;

/**
 * A k-of-n witness policy: submits each checkpoint to every witness at once and decides whether at
 * least k of them cosigned.
 *
 * <p>Invariants: {@code 1 <= k <= n}, and the witnesses' keys are distinct. {@link #cosign} waits
 * for every witness (each bounded by its client's timeout), so it reports every refusal and every
 * alarm, not only the first k answers; it never throws for what a witness does.
 */
public final class WitnessPolicy implements AutoCloseable {
    private final List<WitnessClient> witnesses;
    private final int quorum;

    /**
     * @throws IllegalArgumentException if {@code quorum} is not between 1 and the number of witnesses,
     *     or two witnesses share a key
     */
    public WitnessPolicy(List<WitnessClient> witnesses, int quorum) {
        if (quorum < 1 || quorum > witnesses.size()) {
            throw new IllegalArgumentException("the quorum must be between 1 and the number of witnesses ("
                    + witnesses.size() + "), got " + quorum);
        }
        Set<String> keys = new HashSet<>();
        for (WitnessClient w : witnesses) {
            if (!keys.add(w.key().format())) {
                throw new IllegalArgumentException("two witnesses have the key " + w.key()
                        + "; one witness counted twice would fake a quorum");
            }
        }
        this.witnesses = List.copyOf(witnesses);
        this.quorum = quorum;
    }

    public List<WitnessClient> witnesses() {
        return witnesses;
    }

    public int quorum() {
        return quorum;
    }

    /**
     * Submits {@code signedCheckpoint} to every witness with proofs from {@code proofs}, and returns
     * the checkpoint with the cosignatures collected.
     */
    public QuorumResult cosign(Note signedCheckpoint, ConsistencySource proofs) {
        List<WitnessResult> results = new ArrayList<>(witnesses.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<WitnessResult>> pending = new ArrayList<>();
            for (WitnessClient w : witnesses) {
                pending.add(pool.submit(() -> w.submit(signedCheckpoint, proofs)));
            }
            for (int i = 0; i < pending.size(); i++) {
                results.add(await(pending.get(i), witnesses.get(i)));
            }
        }
        Note collected = signedCheckpoint;
        for (WitnessResult r : results) {
            if (r instanceof WitnessResult.Cosigned c) {
                for (Note.Signature s : c.cosignatures()) {
                    collected = collected.withSignature(s);
                }
            }
        }
        long cosigned = results.stream().filter(r -> r instanceof WitnessResult.Cosigned).count();
        return cosigned >= quorum ? new QuorumResult.Reached(collected, quorum, results)
                : new QuorumResult.Missed(collected, quorum, results);
    }

    private static WitnessResult await(Future<WitnessResult> f, WitnessClient w) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WitnessResult.Unreachable(w.url(), "interrupted while waiting for witness " + w.url());
        } catch (ExecutionException e) {
            // submit() handles what witnesses and networks do; this is a bug or an Error, reported, not hidden.
            return new WitnessResult.Refused(w.url(), 0, "submitting to witness " + w.url() + " failed: " + e.getCause());
        }
    }

    /** Closes every witness client. */
    @Override
    public void close() {
        witnesses.forEach(WitnessClient::close);
    }
}
