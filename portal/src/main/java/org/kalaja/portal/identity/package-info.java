@NullMarked
package org.kalaja.portal.identity;

import org.jspecify.annotations.NullMarked;
