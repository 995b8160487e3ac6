package org.kalaja.portal.web;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** What the public status page says about the node; the server answers from its sentinel and shipper. */
public interface StatusSource {
    /**
     * @param paused           whether writes are paused (safe mode)
     * @param pausedSince      since when, if known
     * @param vaults           off-site vaults the log is copied to
     * @param vaultsUp         of those, the ones that took the latest copy
     * @param maxLagSeconds    how far the furthest vault trails, in seconds
     * @param witnesses        independent witnesses cosigning checkpoints
     * @param logSize          entries in the log
     * @param checkpointSize   entries covered by the newest signed checkpoint
     */
    record Snapshot(boolean paused, @Nullable Instant pausedSince, int vaults, int vaultsUp, double maxLagSeconds, int witnesses, long logSize,
            long checkpointSize) {}

    Snapshot snapshot();
}
