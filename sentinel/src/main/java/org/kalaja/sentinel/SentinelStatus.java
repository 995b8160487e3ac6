package org.kalaja.sentinel;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The sentinel at a glance, for {@code GET /api/v1/sentinel} and the status page.
 *
 * @param safeMode          whether record writes are refused
 * @param safeModeSince     when safe mode began, null when off
 * @param safeModeIncident  the incident that caused it, {@code ""} when none or off
 * @param pendingWrites     containment entries decided in memory and not yet durable
 */
public record SentinelStatus(boolean safeMode, @Nullable Instant safeModeSince, String safeModeIncident, int frozenActors,
        int blockedAddresses, int openIncidents, int pendingApprovals, int maintenanceWindows, int rules, long pendingWrites) {
}
