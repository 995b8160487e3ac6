package org.kalaja.portal.seal;

import java.util.List;
import java.util.Optional;

/**
 * Where the verification page finds the checkpoint it proves documents against. The server answers
 * with the newest checkpoint the witnesses cosigned (as published to the vaults), or the log's own
 * signed checkpoint when the node has no witnesses.
 */
public interface CheckpointSource {
    /** The newest cosigned checkpoint note (C2SP signed-note text), if any. */
    Optional<String> cosignedCheckpoint();

    /** The witnesses' verifier keys (C2SP vkeys) whose cosignatures count; empty when none are configured. */
    List<String> witnessKeys();

    /** The log's own verifier key. */
    String logKey();
}
