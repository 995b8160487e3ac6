package org.kalaja.engine.shipping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.shipping.ShippingStatus.WitnessStatus;
import org.kalaja.engine.witness.QuorumResult;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessPolicy;
import org.kalaja.engine.witness.WitnessResult;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipper's witness step: turns a log-signed checkpoint into a publishable one, or into nothing.
 * A missed quorum is retried with capped exponential backoff (a newer checkpoint is tried instead
 * when there is one); every fork or rollback refusal is an alarm. Used by the coordinator thread only,
 * except {@link #status()}.
 */
final class WitnessRounds {
    private static final Logger LOG = LoggerFactory.getLogger(WitnessRounds.class);

    private final @Nullable WitnessPolicy policy;
    private final LogSource log;
    private final ShipperConfig config;
    private final Shipper owner;
    private final AtomicLong alarms = new AtomicLong();
    private volatile List<WitnessStatus> status;
    private Duration backoff;
    private long nextAttempt = System.nanoTime();

    WitnessRounds(@Nullable WitnessPolicy policy, LogSource log, ShipperConfig config, Shipper owner) {
        this.policy = policy;
        this.log = log;
        this.config = config;
        this.owner = owner;
        this.backoff = config.minBackoff();
        this.status = policy == null ? List.of() : policy.witnesses().stream()
                .map(w -> new WitnessStatus(w.url().toString(), -1, "none", "no checkpoint submitted yet")).toList();
    }

    /**
     * The checkpoint as it may be published: {@code signed} itself without witnesses, with the
     * collected cosignatures when the quorum was reached; null when it was missed or it is too soon to
     * ask again.
     */
    @Nullable Note cosign(Note signed) {
        if (policy == null) return signed;
        if (System.nanoTime() - nextAttempt < 0) return null;
        QuorumResult r = policy.cosign(signed, log);
        record(r);
        long size = Checkpoint.of(signed).size();
        for (WitnessResult.Alarm a : r.alarms()) {
            owner.alarm("witness " + a.witness(), a.kind() + ": " + a.detail() + " (checkpoint of size " + size + ")");
            alarms.incrementAndGet();
        }
        if (r instanceof QuorumResult.Reached reached) {
            backoff = config.minBackoff();
            return reached.checkpoint();
        }
        LOG.warn("checkpoint of size {} is not published: {}; retrying in {} ms", size, r.summary(), backoff.toMillis());
        nextAttempt = System.nanoTime() + backoff.toNanos();
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : doubled;
        return null;
    }

    List<WitnessStatus> status() {
        return status;
    }

    long alarmsTotal() {
        return alarms.get();
    }

    private void record(QuorumResult r) {
        List<WitnessStatus> out = new ArrayList<>();
        List<WitnessClient> clients = policy == null ? List.of() : policy.witnesses();
        for (int i = 0; i < clients.size(); i++) {
            WitnessClient c = clients.get(i);
            WitnessResult res = r.results().get(i);
            String kind = switch (res) {
                case WitnessResult.Cosigned x -> "cosigned";
                case WitnessResult.Alarm x -> "alarm";
                case WitnessResult.Refused x -> "refused";
                case WitnessResult.Unreachable x -> "unreachable";
            };
            out.add(new WitnessStatus(c.url().toString(), c.knownSize().orElse(-1), kind, res.detail()));
        }
        status = List.copyOf(out);
    }
}
