@NullMarked
package org.kalaja.portal.web;

import org.jspecify.annotations.NullMarked;
