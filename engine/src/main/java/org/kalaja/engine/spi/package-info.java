/**
 * The store SPI: what a database must provide for Kalaja to keep its log and the state derived from it.
 *
 * <p>A driver implements {@link org.kalaja.engine.spi.Store} and nothing else. Drivers share no code
 * with each other; the contract tests in {@code kalaja-testkit} say what every driver must do.
 * The engine owns all logic (versions, encoding, hashing, signing); a driver only keeps rows,
 * transactions and locks.
 */
@NullMarked
package org.kalaja.engine.spi;

import org.jspecify.annotations.NullMarked;
