/**
 * Containment: what the sentinel does when a rule matches (revoke, freeze, block an address, safe mode),
 * the incidents it opens, and the two-person approvals that lift containment. Every action is a log entry
 * in a {@code kalaja.*} system collection, and the in-memory state here is rebuilt from the current state
 * of those collections at start, so containment survives a restart.
 *
 * <p>The server uses this package through {@link org.kalaja.sentinel.Sentinel}; the classes here are
 * public only where the facade hands them out ({@link org.kalaja.sentinel.contain.Containment},
 * {@link org.kalaja.sentinel.contain.Incidents}, {@link org.kalaja.sentinel.contain.Approvals}).
 */
@NullMarked
package org.kalaja.sentinel.contain;

import org.jspecify.annotations.NullMarked;
