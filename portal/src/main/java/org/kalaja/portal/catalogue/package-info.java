@NullMarked
package org.kalaja.portal.catalogue;

import org.jspecify.annotations.NullMarked;
