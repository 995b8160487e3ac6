/**
 * The vault SPI: off-site, write-once storage of the log in the C2SP tlog-tiles layout, so that
 * wiping every disk of the primary cannot destroy an acknowledged record (DESIGN.md, G1).
 *
 * <p>A driver implements {@link org.kalaja.engine.vault.Vault}; {@link org.kalaja.engine.vault.VaultPaths}
 * is the one place that knows the layout. {@link org.kalaja.engine.vault.DirectoryVault} is the
 * default driver. Drivers share no code with each other; {@code VaultContract} in
 * {@code kalaja-testkit} says, as tests, what every driver must do.
 */
@NullMarked
package org.kalaja.engine.vault;

import org.jspecify.annotations.NullMarked;
