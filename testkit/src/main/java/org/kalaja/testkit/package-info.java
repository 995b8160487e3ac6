/**
 * What every store driver must do, as tests: extend {@link org.kalaja.testkit.StoreContract}. And
 * fault-injecting doubles, such as {@link org.kalaja.testkit.FaultyStore}, for testing the paths where
 * the outside world fails.
 */
@NullMarked
package org.kalaja.testkit;

import org.jspecify.annotations.NullMarked;
