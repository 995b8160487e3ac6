package org.kalaja.engine.witness;

import java.util.List;
import org.kalaja.ledger.Hash;

/**
 * Where the log side of the witness protocol gets consistency proofs: the log itself. A
 * {@code TransparencyLog}'s {@code consistencyProof} method has this shape.
 */
@FunctionalInterface
public interface ConsistencySource {
    /**
     * The RFC 6962 consistency proof from the tree of {@code oldSize} leaves to the tree of
     * {@code newSize} leaves of this log; empty when {@code oldSize} is 0 or equals {@code newSize}.
     * Called only with {@code 0 <= oldSize <= newSize} and {@code newSize} the size of a checkpoint
     * the log signed. MAY throw an unchecked exception when it cannot produce the proof.
     */
    List<Hash> consistencyProof(long oldSize, long newSize);
}
