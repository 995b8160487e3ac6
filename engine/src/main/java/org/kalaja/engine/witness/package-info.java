/**
 * Witnesses, c2sp.org/tlog-witness: the server side ({@link org.kalaja.engine.witness.Witness}), which
 * cosigns a log's checkpoint only when it is consistent with every checkpoint of that log it cosigned
 * before, and the log side ({@link org.kalaja.engine.witness.WitnessClient},
 * {@link org.kalaja.engine.witness.WitnessPolicy}), which collects a k-of-n quorum of cosignatures and
 * reports a witness's refusal to accept a fork or a rollback as an alarm.
 *
 * <p>Formats and signatures come from the ledger ({@code Note}, {@code Checkpoint},
 * {@code Cosignature}, {@code ProofVerifier}); this package adds the protocol, the witness's durable
 * state and the quorum.
 */
@NullMarked
package org.kalaja.engine.witness;

import org.jspecify.annotations.NullMarked;
