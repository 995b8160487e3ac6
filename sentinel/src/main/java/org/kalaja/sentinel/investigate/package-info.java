/**
 * What an investigator at a CERT takes away from an incident: a {@link org.kalaja.sentinel.investigate.Timeline}
 * of everything the implicated actors and addresses did, a STIX 2.1 bundle
 * ({@link org.kalaja.sentinel.investigate.StixBundle}) and an evidence pack
 * ({@link org.kalaja.sentinel.investigate.EvidencePack}): the relevant log entries with inclusion proofs
 * against one cosigned checkpoint, which {@link org.kalaja.sentinel.investigate.EvidenceVerifier} (and the Go
 * peer verifier) check offline, trusting nothing but the log's and the witnesses' public keys.
 *
 * <p>Reads the store only; writes nothing to the log.
 */
@NullMarked
package org.kalaja.sentinel.investigate;

import org.jspecify.annotations.NullMarked;
