/**
 * Side-by-side benchmarks: Kalaja's path against the plain alternative, same engine, same
 * durability, same run. They print medians and ratios, never pass/fail verdicts.
 */
@NullMarked
package org.kalaja.server.bench;

import org.jspecify.annotations.NullMarked;
