/**
 * The state audit (design §7.1, ATT&CK T1565.001 Stored Data Manipulation): the record states a store
 * keeps are compared with the states the log implies, periodically, on demand and whenever another
 * process commits to the store; a mismatch raises an incident and the rows are put back as the log
 * says, in one transaction that also records the evidence.
 *
 * <p>The expected state is always recomputed from the log's entries, never read from the store's
 * state rows, which are what an attacker with database access would edit.
 */
@NullMarked
package org.kalaja.sentinel.state;

import org.jspecify.annotations.NullMarked;
