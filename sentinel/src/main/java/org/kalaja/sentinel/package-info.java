/**
 * The sentinel (issue 4, DESIGN.md G4 and G6): every mutation and every access that matters becomes an
 * {@link org.kalaja.sentinel.AuditEvent}; Sigma rules over sliding windows detect a destructive attack
 * while it happens; containment (revoke, freeze, safe mode) follows the triggering event within a
 * second; the state audit finds a store changed behind the log; incident undo appends compensating
 * entries; the investigation hands over a timeline, a STIX 2.1 bundle and an evidence pack.
 *
 * <p>Depends on the engine and the ledger, never on a store driver or the server: the server is the
 * composition root that feeds it events and maps its refusals to HTTP.
 */
@NullMarked
package org.kalaja.sentinel;

import org.jspecify.annotations.NullMarked;
