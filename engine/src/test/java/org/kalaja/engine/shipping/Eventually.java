package org.kalaja.engine.shipping;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition that background threads will make true, failing the test if they do not in time. */
final class Eventually {
    private Eventually() {}

    static void until(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + limit);
            Thread.sleep(10);
        }
    }
}
