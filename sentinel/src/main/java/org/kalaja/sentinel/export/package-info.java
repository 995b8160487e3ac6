/**
 * Audit events out of the node, never on the write path: {@link org.kalaja.sentinel.export.AuditExporter}
 * follows the committed log from a saved cursor and hands events to sinks (NDJSON file, syslog,
 * webhook) in OCSF 1.8.0 ({@link org.kalaja.sentinel.export.OcsfMapper}) or ECS
 * ({@link org.kalaja.sentinel.export.EcsMapper}). Delivery is at least once; a slow or absent sink
 * only makes its exporter lag.
 */
@NullMarked
package org.kalaja.sentinel.export;

import org.jspecify.annotations.NullMarked;
