package org.kalaja.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kalaja.ledger.Hash;

/**
 * The leaf hashes of the entries this node committed lately, handed from the sequencer to the
 * integrator in memory so that integration does not read back from the store what was just written
 * to it. Hashes, not entries: the planner hashes each entry as it encodes it, and the integrator takes
 * a range only every checkpoint interval; holding the entries themselves that long kept about a
 * second of writes (100 MB under full load) alive through every young collection.
 *
 * <p>Only an optimisation: the integrator takes a range from here when this node committed all of it
 * (one node alone, the usual case) and reads it from the store otherwise (entries from other nodes
 * on a shared PostgreSQL, or more than fits here). Bounded to {@link #MAX_LEAVES}; the oldest are
 * dropped first. The sequencer publishes a batch only after its commit returned, so nothing here was
 * ever refused by the store.
 */
final class RecentLeaves {
    static final int MAX_LEAVES = 1 << 19;

    private record Batch(long first, List<Hash> leaves) {
        long end() {
            return first + leaves.size();
        }
    }

    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private int held;

    /** Records that entries with these leaf hashes were committed at indexes {@code first, first+1, …}. */
    synchronized void committed(long first, List<Hash> leaves) {
        if (leaves.isEmpty()) return;
        batches.addLast(new Batch(first, leaves));
        held += leaves.size();
        while (held > MAX_LEAVES) held -= batches.removeFirst().leaves().size();
    }

    /**
     * The leaf hashes of the entries at {@code [from, to)} if this node holds all of them; forgets everything
     * before {@code from} (the integrator never asks for it again).
     */
    synchronized Optional<List<Hash>> take(long from, long to) {
        while (!batches.isEmpty() && batches.peekFirst().end() <= from) held -= batches.removeFirst().leaves().size();
        List<Hash> out = new ArrayList<>((int) Math.min(to - from, Integer.MAX_VALUE));
        long next = from;
        for (Batch b : batches) {
            if (next >= to) break;
            if (b.first() > next) return Optional.empty();
            int start = (int) (next - b.first());
            int stop = (int) Math.min(b.leaves().size(), to - b.first());
            out.addAll(b.leaves().subList(start, stop));
            next = b.first() + stop;
        }
        return next == to ? Optional.of(out) : Optional.empty();
    }
}
