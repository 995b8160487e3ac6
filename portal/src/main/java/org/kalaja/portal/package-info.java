/**
 * The public e-services portal: a service catalogue in files, citizen journeys, the clerk back office,
 * sealed documents and their public verification (docs/PORTAL.md).
 *
 * <p>Everything the portal stores goes through {@link org.kalaja.portal.store.PortalRecords} into
 * {@code portal.*} collections of the records engine. The portal knows no store driver and no server;
 * the server mounts its routes.
 */
@NullMarked
package org.kalaja.portal;

import org.jspecify.annotations.NullMarked;
