package org.kalaja.engine;

import java.time.Clock;
import java.time.Duration;

/**
 * Tunables of the engine, with defaults that suit one node on modest hardware.
 *
 * @param maxBatch            most mutations committed in one store transaction (group commit)
 * @param queueCapacity       most mutations waiting; beyond it writes are refused as OVERLOADED
 * @param maxBodyBytes        largest record body accepted
 * @param checkpointInterval  how often the integrator folds new entries into the tree and signs a
 *                            checkpoint
 */
public record EngineConfig(int maxBatch, int queueCapacity, int maxBodyBytes, Duration checkpointInterval, Clock clock) {
    public EngineConfig {
        if (maxBatch < 1 || queueCapacity < 1 || maxBodyBytes < 2) {
            throw new IllegalArgumentException("batch, queue and body limits must be positive");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpoint interval must be positive");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(4096, 100_000, 4 * 1024 * 1024, Duration.ofMillis(500), Clock.systemUTC());
    }

    public EngineConfig withCheckpointInterval(Duration interval) {
        return new EngineConfig(maxBatch, queueCapacity, maxBodyBytes, interval, clock);
    }

    public EngineConfig withClock(Clock newClock) {
        return new EngineConfig(maxBatch, queueCapacity, maxBodyBytes, checkpointInterval, newClock);
    }
}
