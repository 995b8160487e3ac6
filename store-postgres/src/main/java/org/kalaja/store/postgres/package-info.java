/**
 * The PostgreSQL store driver: {@link org.kalaja.store.postgres.PostgresStore} and nothing else public.
 */
@NullMarked
package org.kalaja.store.postgres;

import org.jspecify.annotations.NullMarked;
