package org.kalaja.server;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.shipping.Shipper;

/**
 * {@code --durability vault}: a record write is answered only once a checkpoint covering its entry
 * was published to every vault. The wait is here, in the HTTP layer, not in the engine: the engine's
 * promise (a completed write future means durable in the store) stays one promise for every caller,
 * and what to answer when the vaults are slow (503, retry with the same Idempotency-Key, which waits
 * again without writing twice) is a matter of the protocol.
 */
final class VaultDurability {
    private VaultDurability() {}

    /**
     * Returns once every vault holds {@code r}'s entry, at once in store durability.
     *
     * @throws ApiError 503 {@code not_in_vaults} when the vaults do not hold it within the timeout
     */
    static void await(Node node, WriteResult r) {
        Node.Shipping shipping = node.shipping();
        if (shipping.durability() != Node.Durability.VAULT) return;
        Shipper shipper = node.shipper().orElseThrow();
        String why;
        try {
            shipper.published(r.index()).get(shipping.timeout().toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (TimeoutException e) {
            why = "not every vault holds it after " + shipping.timeout().toMillis() + " ms";
        } catch (ExecutionException e) {
            why = e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        throw new ApiError(503, "not_in_vaults", "the write is durable in the store (log index " + r.index() + ", version "
                + r.version() + ") but not yet in the vaults (" + why + "). Retry with the same Idempotency-Key: the"
                + " retry writes nothing new and waits for the vaults again. Without an Idempotency-Key, do not retry:"
                + " read the record instead. /api/v1/status shows each vault's lag and last error",
                Map.of("Retry-After", "5"));
    }
}
