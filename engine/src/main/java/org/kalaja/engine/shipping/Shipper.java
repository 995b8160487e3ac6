package org.kalaja.engine.shipping;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.shipping.ShippingStatus.Alarm;
import org.kalaja.engine.shipping.ShippingStatus.VaultStatus;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.WitnessKeys;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessPolicy;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the log to its vaults in the background: for each new signed checkpoint every vault,
 * independently, receives the round's signed announcement and the blobs, bundles and tiles of the
 * checkpoint's tree ({@link VaultShipper} says in which order, and why); once one vault holds them, the
 * witnesses are asked for their quorum (when witnesses are configured); then every vault receives the
 * cosigned checkpoint in its history, then as its published checkpoint.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>No witness is asked to cosign a checkpoint before at least one vault holds its tree's data, so a
 *       log rebuilt from a vault never falls short of a checkpoint a witness holds.</li>
 *   <li>A checkpoint that missed the witness quorum MUST NOT reach any vault; a fork or rollback refusal
 *       by a witness is an alarm (logged at ERROR, listed in {@link #status()}, counted) even when the
 *       quorum was reached.</li>
 *   <li>A vault never publishes a checkpoint whose data it lacks; its published checkpoint is the
 *       shipper's only progress record, so a restart resumes where the vault is, and a vault that was
 *       down catches up when it returns, independently of the others.</li>
 *   <li>{@link #published(long)} completes only once EVERY vault published a checkpoint covering the
 *       index; a vault that stopped on an alarm never does.</li>
 * </ul>
 *
 * <p>Threads: one coordinator (checkpoints, witnesses, integration on demand) and one per vault.
 */
public final class Shipper implements AutoCloseable {
    /** How many alarms {@link #status()} lists; the totals count every one. */
    public static final int KEPT_ALARMS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);
    /** Size observations kept for lag in seconds; beyond that the oldest stay, so lag is never understated. */
    private static final int MAX_OBSERVATIONS = 4096;

    private final LogSource log;
    private final ShipperConfig config;
    private final @Nullable WitnessPolicy witnesses;
    private final WitnessRounds rounds;
    private final List<VaultShipper> vaults;
    private final List<Thread> threads = new ArrayList<>();
    private final Object lock = new Object();
    // Guarded by lock:
    private @Nullable Note target;
    /** With witnesses: the newest log-signed checkpoint, whose data the vaults receive before it is cosigned. */
    private @Nullable Note dataTarget;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();
    private final ArrayDeque<long[]> observations = new ArrayDeque<>();
    private final ArrayDeque<Alarm> alarms = new ArrayDeque<>();
    private boolean closed;
    private boolean wake;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private final AtomicLong vaultAlarms = new AtomicLong();

    private record Waiter(long index, CompletableFuture<Void> done) implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter o) {
            return Long.compare(index, o.index);
        }
    }

    private Shipper(LogSource log, List<Vault> vaults, @Nullable WitnessPolicy witnesses, ShipperConfig config) {
        this.log = log;
        this.config = config;
        this.witnesses = witnesses;
        this.rounds = new WitnessRounds(witnesses, log, config, this);
        WitnessKeys keys = witnesses == null ? null
                : new WitnessKeys(witnesses.quorum(), witnesses.witnesses().stream().map(WitnessClient::key).toList());
        this.vaults = vaults.stream().map(v -> new VaultShipper(v, this, log, keys, config.parallelism())).toList();
    }

    /**
     * Starts shipping {@code log} to {@code vaults}, through {@code witnesses} if not null. The caller
     * keeps ownership of the vaults and the policy, and closes them after the shipper.
     *
     * @throws IllegalArgumentException if no vault is given
     */
    public static Shipper start(LogSource log, List<Vault> vaults, @Nullable WitnessPolicy witnesses, ShipperConfig config) {
        if (vaults.isEmpty()) throw new IllegalArgumentException("the shipper needs at least one vault");
        Shipper s = new Shipper(log, vaults, witnesses, config);
        s.threads.add(Thread.ofPlatform().name("kalaja-shipper").daemon(true).start(s::coordinate));
        for (VaultShipper v : s.vaults) {
            s.threads.add(Thread.ofPlatform().name("kalaja-ship-" + v.vault().describe()).daemon(true).start(v));
        }
        return s;
    }

    /**
     * Completes once every vault published a checkpoint whose tree holds entry {@code index}. Asking
     * for an index makes the shipper integrate and ship now rather than at the next interval.
     * Completes exceptionally with {@link IllegalStateException} if the shipper closes first.
     */
    public CompletableFuture<Void> published(long index) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                done.completeExceptionally(new IllegalStateException("the node is stopping; the write is in the store"));
            } else if (minShipped() > index) {
                done.complete(null);
            } else {
                waiters.add(new Waiter(index, done));
                wake = true;
                lock.notifyAll();
            }
        }
        return done;
    }

    /**
     * The newest checkpoint the vaults are being given: the log's signed checkpoint with the witnesses'
     * cosignatures once a quorum cosigned it (without witnesses, the log's signature alone). Empty until
     * the first one.
     */
    public java.util.Optional<Note> cosigned() {
        synchronized (lock) {
            return java.util.Optional.ofNullable(target);
        }
    }

    /** A snapshot for status pages and metrics. */
    public ShippingStatus status() {
        long size = log.size();
        List<VaultStatus> vs = new ArrayList<>();
        List<Alarm> kept;
        long published;
        synchronized (lock) {
            for (VaultShipper v : vaults) {
                long shipped = v.shipped();
                double lag = lagSeconds(shipped);
                vs.add(new VaultStatus(v.vault().describe(), v.state(), shipped, Math.max(0, size - Math.max(0, shipped)),
                        lag, v.noteLag(lag), v.lastError()));
            }
            kept = List.copyOf(alarms);
            published = target == null ? 0 : Checkpoint.of(target).size();
        }
        return new ShippingStatus(size, published, vs, rounds.status(), kept, rounds.alarmsTotal(), vaultAlarms.get());
    }

    /** Stops shipping (what is not shipped stays in the store for the next start) and fails pending waits. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            closing.countDown();
            lock.notifyAll();
            for (Waiter w : waiters) {
                w.done().completeExceptionally(new IllegalStateException("the node is stopping; the write is in the store"));
            }
            waiters.clear();
        }
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        vaults.forEach(VaultShipper::close);
    }

    private void coordinate() {
        long offered = -1;
        while (!closed()) {
            long before = offered;
            try {
                observe(log.size());
                if (waitingBeyond(checkpointSize())) log.integrate();
                Note latest = log.checkpoint().map(Note::parse).orElse(null);
                if (latest != null && witnesses != null) setDataTarget(latest);
                // With witnesses, a checkpoint is cosigned only once a vault holds its tree's data: a witness
                // that holds a checkpoint no vault can rebuild would see the rebuilt, shorter log as a fork.
                Note candidate = witnesses == null ? latest : dataTargetHeld();
                if (candidate != null && Checkpoint.of(candidate).size() > offered) {
                    Note allowed = rounds.cosign(candidate);
                    if (allowed != null) {
                        offered = Checkpoint.of(candidate).size();
                        setTarget(allowed);
                    }
                }
                noteLags();
            } catch (RuntimeException e) {
                LOG.warn("the shipper could not read the log, will retry: {}", e.toString());
            }
            synchronized (lock) {
                // Go round again at once only for a writer who waits and when the last round moved on.
                boolean again = wake || (offered > before && waitingBeyondLocked(offered));
                wake = false;
                if (!closed && !again) {
                    try {
                        lock.wait(config.pollInterval().toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                wake = false;
            }
        }
    }

    private long checkpointSize() {
        return log.checkpoint().map(n -> Checkpoint.of(Note.parse(n)).size()).orElse(0L);
    }

    private boolean waitingBeyond(long size) {
        synchronized (lock) {
            return waitingBeyondLocked(size);
        }
    }

    /** True if someone waits for an entry that a tree of {@code size} leaves does not hold. */
    private boolean waitingBeyondLocked(long size) {
        long highest = -1;
        for (Waiter w : waiters) highest = Math.max(highest, w.index());
        return highest >= size;
    }

    private void setTarget(Note note) {
        synchronized (lock) {
            target = note;
            lock.notifyAll();
        }
    }

    private void setDataTarget(Note note) {
        synchronized (lock) {
            if (dataTarget == null || Checkpoint.of(note).size() > Checkpoint.of(dataTarget).size()) {
                dataTarget = note;
                lock.notifyAll();
            }
        }
    }

    /** The data target once at least one vault holds all its data, else null. */
    private @Nullable Note dataTargetHeld() {
        synchronized (lock) {
            if (dataTarget == null) return null;
            long size = Checkpoint.of(dataTarget).size();
            for (VaultShipper v : vaults) {
                if (v.dataIn() >= size) return dataTarget;
            }
            return null;
        }
    }

    /**
     * What a vault at published size {@code shipped}, holding the data of the tree of {@code dataIn}
     * leaves, does next: publish a (cosigned) checkpoint larger than {@code shipped}, else take in the
     * data of a signed one larger than {@code dataIn}. Blocks until there is one; null once closed.
     */
    @Nullable Work awaitWork(long shipped, long dataIn) throws InterruptedException {
        synchronized (lock) {
            while (!closed) {
                if (target != null && Checkpoint.of(target).size() > shipped) return new Work(target, true);
                if (dataTarget != null && Checkpoint.of(dataTarget).size() > dataIn) return new Work(dataTarget, false);
                lock.wait();
            }
            return null;
        }
    }

    /** A checkpoint for a vault: to publish (its data first, if the vault lacks it), or only its data. */
    record Work(Note checkpoint, boolean publish) {}

    /** A vault took in the data of a tree: the coordinator may now have a checkpoint to cosign. */
    void dataIn() {
        synchronized (lock) {
            wake = true;
            lock.notifyAll();
        }
    }

    /** A vault published: completes the waits every vault now covers. */
    void published() {
        synchronized (lock) {
            long min = minShipped();
            while (!waiters.isEmpty() && waiters.peek().index() < min) waiters.poll().done().complete(null);
            while (!observations.isEmpty() && observations.peekFirst()[0] <= min) observations.pollFirst();
        }
    }

    private long minShipped() {
        long min = Long.MAX_VALUE;
        for (VaultShipper v : vaults) min = Math.min(min, v.shipped());
        return min;
    }

    private void observe(long size) {
        synchronized (lock) {
            long[] last = observations.peekLast();
            if ((last == null || size > last[0]) && size > minShipped() && observations.size() < MAX_OBSERVATIONS) {
                observations.addLast(new long[] {size, System.nanoTime()});
            }
        }
    }

    /** Seconds since the first entry a vault at {@code shipped} lacks was seen committed. */
    private double lagSeconds(long shipped) {
        for (long[] o : observations) {
            if (o[0] > shipped) return (System.nanoTime() - o[1]) / 1e9;
        }
        return 0;
    }

    private void noteLags() {
        synchronized (lock) {
            for (VaultShipper v : vaults) v.noteLag(lagSeconds(v.shipped()));
        }
    }

    void vaultAlarm(String source, String message) {
        alarm(source, message);
        vaultAlarms.incrementAndGet(); // after the alarm is listed: a reader who sees the count sees the alarm
    }

    void alarm(String source, String message) {
        LOG.error("ALARM {}: {}", source, message);
        synchronized (lock) {
            if (alarms.size() == KEPT_ALARMS) alarms.pollFirst();
            alarms.addLast(new Alarm(Instant.now(), source, message));
        }
    }

    ShipperConfig config() {
        return config;
    }

    boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Sleeps for {@code d}, or until close. */
    void sleep(Duration d) {
        try {
            closing.await(Math.max(1, d.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
