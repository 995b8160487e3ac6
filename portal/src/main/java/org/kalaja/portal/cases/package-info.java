@NullMarked
package org.kalaja.portal.cases;

import org.jspecify.annotations.NullMarked;
