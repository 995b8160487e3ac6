package org.kalaja.engine.shipping;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the shipper for status pages and metrics.
 *
 * @param logSize entries committed to the store
 * @param publishedSize the size of the newest checkpoint allowed out (cosigned by the quorum, or
 *     signed by the log when there are no witnesses); 0 before the first
 * @param vaults one per vault, in the order configured
 * @param witnesses one per witness, in the order configured; empty without witnesses
 * @param alarms the most recent alarms, oldest first (at most {@link Shipper#KEPT_ALARMS})
 * @param witnessAlarmsTotal witness refusals because of a fork or rollback since start
 * @param vaultAlarmsTotal vaults stopped because of tampering, another log or a rollback, since start
 */
public record ShippingStatus(long logSize, long publishedSize, List<VaultStatus> vaults, List<WitnessStatus> witnesses,
        List<Alarm> alarms, long witnessAlarmsTotal, long vaultAlarmsTotal) {
    public ShippingStatus {
        vaults = List.copyOf(vaults);
        witnesses = List.copyOf(witnesses);
        alarms = List.copyOf(alarms);
    }

    /** What a vault's shipping is doing. */
    public enum State {
        /** Reading the vault's published checkpoint, or writing its keys. */
        STARTING,
        /** Holds everything published so far. */
        CAUGHT_UP,
        /** Copying tiles, bundles and blobs, then publishing. */
        SHIPPING,
        /** The vault is down; retrying with backoff. Nothing is lost: the backlog stays in the store. */
        RETRYING,
        /** Stopped after an alarm (tampering, another log, a rollback); an operator must look. */
        STOPPED
    }

    /**
     * @param vault the vault's description (never a secret)
     * @param shippedSize the tree size of the checkpoint the vault published; -1 until known
     * @param lagEntries committed entries the vault does not hold yet
     * @param lagSeconds how long the oldest of those has been committed (as this node observed it)
     * @param maxLagSeconds the largest {@code lagSeconds} seen since start
     * @param lastError the last failure, or null
     */
    public record VaultStatus(String vault, State state, long shippedSize, long lagEntries, double lagSeconds,
            double maxLagSeconds, @Nullable String lastError) {}

    /**
     * @param url the witness's submission URL
     * @param cosignedSize the size it last cosigned as far as this node knows, or -1
     * @param lastResult {@code cosigned}, {@code alarm}, {@code refused}, {@code unreachable} or {@code none}
     * @param detail what the witness last did, in words
     */
    public record WitnessStatus(String url, long cosignedSize, String lastResult, String detail) {}

    /** Something an operator must look at now: evidence of tampering, a fork or a rollback. */
    public record Alarm(Instant time, String source, String message) {}
}
