/**
 * Verified recovery from a vault: {@link org.kalaja.engine.recovery.VaultAudit} checks a vault
 * against its newest cosigned checkpoint; {@link org.kalaja.engine.recovery.Recovery} rebuilds a
 * fresh store from it, writing only what was authenticated (DESIGN.md, G3).
 */
@NullMarked
package org.kalaja.engine.recovery;

import org.jspecify.annotations.NullMarked;
