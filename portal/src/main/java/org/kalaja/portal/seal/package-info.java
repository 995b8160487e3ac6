@NullMarked
package org.kalaja.portal.seal;

import org.jspecify.annotations.NullMarked;
