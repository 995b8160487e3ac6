@NullMarked
package org.kalaja.portal.store;

import org.jspecify.annotations.NullMarked;
