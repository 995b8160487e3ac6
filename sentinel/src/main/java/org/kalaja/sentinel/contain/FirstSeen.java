package org.kalaja.sentinel.contain;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.sentinel.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each token was used from before: the addresses and clients (User-Agents) its entries and
 * requests came from. An event from an address or client the actor never used gets
 * {@code kalaja.first_seen.address} / {@code kalaja.first_seen.client} = true, which the rules on
 * stolen credentials read (ATT&CK T1078 Valid Accounts, T1098 Account Manipulation).
 *
 * <p>An actor with no history has no baseline, so nothing it does is "first seen": a token's first
 * use is not an alarm, its first use from a second place is. The history is warmed from the newest
 * {@value #WARM_ENTRIES} entries of the log on a background thread at start (until then, and for
 * actors only in older entries, there is no baseline), then kept from the live events.
 *
 * <p>Bounded: at most {@value #MAX_ACTORS} actors (later ones have no baseline) and
 * {@value #MAX_PER_ACTOR} addresses and clients each (later ones are not remembered, so they keep
 * reading as first seen: the safe side).
 */
final class FirstSeen {
    static final String ADDRESS = "kalaja.first_seen.address";
    static final String CLIENT = "kalaja.first_seen.client";
    static final int MAX_ACTORS = 100_000;
    static final int MAX_PER_ACTOR = 64;
    static final long WARM_ENTRIES = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(FirstSeen.class);

    private final Map<String, Places> byActor = new ConcurrentHashMap<>();

    /** The places one actor was seen from; its own monitor, so actors never wait for each other. */
    private static final class Places {
        final LinkedHashSet<String> addresses = new LinkedHashSet<>();
        final LinkedHashSet<String> clients = new LinkedHashSet<>();
    }

    /** The event, tagged where it comes from a place its actor has a history without; then remembered. */
    AuditEvent tag(AuditEvent event) {
        if (!event.actor().startsWith("token:")) return event;
        Places p = places(event.actor());
        if (p == null) return event;
        boolean newAddress;
        boolean newClient;
        synchronized (p) {
            newAddress = !event.address().isEmpty() && !p.addresses.isEmpty() && !p.addresses.contains(event.address());
            newClient = !event.userAgent().isEmpty() && !p.clients.isEmpty() && !p.clients.contains(event.userAgent());
            remember(p, event.address(), event.userAgent());
        }
        if (!newAddress && !newClient) return event;
        return event.with(newAddress && newClient ? Map.of(ADDRESS, true, CLIENT, true) : Map.of(newAddress ? ADDRESS : CLIENT, true));
    }

    /** Reads where each actor wrote from in the newest entries of the log on the returned thread. */
    Thread warm(Store store) {
        return Thread.ofPlatform().daemon(true).name("kalaja-sentinel-first-seen").start(() -> {
            long size = store.size();
            try {
                store.entries(Math.max(0, size - WARM_ENTRIES), size, stored -> {
                    Entry e = EntryCodec.decode(stored.data());
                    if (!e.actor().startsWith("token:")) return;
                    Places p = places(e.actor());
                    if (p == null) return;
                    synchronized (p) {
                        remember(p, e.clientAddress(), e.userAgent());
                    }
                });
            } catch (RuntimeException ex) {
                LOG.warn("could not read the log's recent entries for first-seen addresses; they are learnt from requests only", ex);
            }
        });
    }

    private Places places(String actor) {
        Places p = byActor.get(actor);
        if (p != null || byActor.size() >= MAX_ACTORS) return p;
        return byActor.computeIfAbsent(actor, a -> new Places());
    }

    private static void remember(Places p, String address, String client) {
        if (!address.isEmpty() && p.addresses.size() < MAX_PER_ACTOR) p.addresses.add(address);
        if (!client.isEmpty() && p.clients.size() < MAX_PER_ACTOR) p.clients.add(client);
    }
}
