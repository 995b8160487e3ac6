/**
 * The shipper: copies the log to its vaults (DESIGN.md, G1) once witnesses have cosigned it (G2).
 *
 * <p>{@link org.kalaja.engine.shipping.Shipper} is the one public service; it reads the log through
 * {@link org.kalaja.engine.shipping.LogSource} and writes through the vault SPI. Nothing here talks
 * to a store driver or to HTTP.
 */
@NullMarked
package org.kalaja.engine.shipping;

import org.jspecify.annotations.NullMarked;
