/**
 * The records engine: JSON records kept as entries of a verifiable log, with the current state
 * derived from it.
 *
 * <p>Data flows one way: a caller's mutation goes to the {@link org.kalaja.engine.RecordsEngine},
 * whose sequencer appends it to the log and applies it to the state in one store transaction (many
 * mutations per transaction: group commit); the integrator then folds new entries into the Merkle
 * tree's tiles and signs a checkpoint. Reads go to the store's state and entries.
 */
@NullMarked
package org.kalaja.engine;

import org.jspecify.annotations.NullMarked;
