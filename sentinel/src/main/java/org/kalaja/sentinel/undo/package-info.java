/**
 * Incident undo (design §7.2): the changes an incident's actors made are reversed by appending
 * compensating entries, never by editing the log or the state; a record a legitimate actor changed
 * afterwards is reported as a conflict and left alone.
 */
@NullMarked
package org.kalaja.sentinel.undo;

import org.jspecify.annotations.NullMarked;
