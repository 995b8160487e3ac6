/**
 * The composition root: chooses the store driver, wires engine, transparency log and tokens into a
 * {@link org.kalaja.server.Node}, serves the HTTP API and runs the command line.
 *
 * <p>This is the one package that names concrete drivers; an architecture test keeps it so.
 */
@NullMarked
package org.kalaja.server;

import org.jspecify.annotations.NullMarked;
