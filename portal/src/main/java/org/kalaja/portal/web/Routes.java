package org.kalaja.portal.web;

import io.javalin.Javalin;

/** A group of the portal's pages (sign-in, citizen journeys, back office, verification, status). */
public interface Routes {
    void register(Javalin app);
}
