/** Demo data for trying the portal and for load measurements: never for a production node. */
@NullMarked
package org.kalaja.portal.demo;

import org.jspecify.annotations.NullMarked;
