package org.kalaja.server.drill;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drill's normal life, from set-up to the wipe: a gateway's writers through the API, a clerk
 * reading, and citizens in the portal. Everything the node acknowledged is remembered here, on the
 * drill's side, as the people would remember it (the write's body; the application's reference).
 */
final class NormalLife {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    /** Each read's time and status: {nanos, status}. */
    private final List<long[]> clerkReads = new CopyOnWriteArrayList<>();
    private final List<long[]> citizenReads = new CopyOnWriteArrayList<>();
    /** Citizen's email to the reference of the application the portal confirmed. */
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    private final CountDownLatch sent;

    private NormalLife(int citizens) {
        sent = new CountDownLatch(citizens);
    }

    /**
     * Starts {@code writers} gateway writers (each acknowledged write goes into {@code acknowledged}), a
     * clerk reading {@code citizensRecords}, and one thread per citizen of {@code people}.
     */
    static NormalLife start(DrillApi api, String serviceToken, String clerkToken, List<String> citizensRecords, List<String> people,
            int writers, Map<String, String> acknowledged) {
        NormalLife life = new NormalLife(people.size());
        for (int w = 0; w < writers; w++) {
            String prefix = "life-" + w + "-";
            life.threads.add(Thread.ofPlatform().name("drill-life-" + w).start(() -> life.write(api, serviceToken, prefix, acknowledged)));
        }
        life.threads.add(Thread.ofPlatform().name("drill-clerk").start(() -> life.read(api, clerkToken, citizensRecords)));
        for (String email : people) {
            Citizen citizen = new Citizen(api.base(), email);
            life.threads.add(Thread.ofPlatform().name("drill-citizen").start(() -> life.citizen(citizen)));
        }
        return life;
    }

    /** Waits until every citizen applied or gave up (at most {@code seconds}); how many applications the portal confirmed. */
    int awaitApplications(int seconds) throws InterruptedException {
        sent.await(seconds, TimeUnit.SECONDS);
        return applied.size();
    }

    /** Stops everyone (the node is gone by then, or going). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) t.join(Duration.ofSeconds(30));
    }

    /** How many citizens, signing in to the portal at {@code base}, find the application it confirmed to them. */
    int applicationsFoundIn(String base) throws IOException, InterruptedException {
        int found = 0;
        for (Map.Entry<String, String> a : applied.entrySet()) {
            Citizen citizen = new Citizen(base, a.getKey());
            if (citizen.signIn() && citizen.applications().body().contains(a.getValue())) found++;
        }
        return found;
    }

    /** The clerk's reads between the two times that were served (200), or that were not. */
    long clerkReads(long from, long to, boolean served) {
        return count(clerkReads, from, to, served);
    }

    /** The citizens' reads of their applications page between the two times that were served (200), or that were not. */
    long citizenReads(long from, long to, boolean served) {
        return count(citizenReads, from, to, served);
    }

    private static long count(List<long[]> reads, long from, long to, boolean served) {
        return reads.stream().filter(r -> r[0] >= from && r[0] <= to && (r[1] == 200) == served).count();
    }

    /** A gateway writer: new applications, one after the other, until the node is gone or the drill stops. */
    private void write(DrillApi api, String token, String prefix, Map<String, String> acknowledged) {
        for (int i = 0; !stop.get(); i++) {
            String body = "{\"applicant\":\"" + prefix + i + "\",\"service\":\"birth-certificate\"}";
            try {
                if (api.send(token, "applications", prefix + i, body) == 200) acknowledged.put("applications/" + prefix + i, body);
            } catch (IOException e) {
                return; // the node is gone: what it acknowledged is recorded
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A clerk reading citizens' records, about ten a second (well inside a person's pace). */
    private void read(DrillApi api, String token, List<String> keys) {
        for (int i = 0; !stop.get(); i++) {
            long at = System.nanoTime();
            try {
                clerkReads.add(new long[] {at, api.get(token, "citizens", keys.get(i % keys.size()))});
                Thread.sleep(100);
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A citizen: signs in, applies once (the sentinel rightly flags a citizen sending dozens), then looks at the applications every half second. */
    private void citizen(Citizen citizen) {
        boolean counted = false;
        try {
            if (citizen.signIn()) {
                String reference = citizen.applyForBirthCertificate();
                if (reference != null) applied.put(citizen.email(), reference);
            }
            sent.countDown();
            counted = true;
            while (!stop.get()) {
                long at = System.nanoTime();
                citizenReads.add(new long[] {at, citizen.applications().statusCode()});
                Thread.sleep(500);
            }
        } catch (IOException e) {
            // the node is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!counted) sent.countDown();
        }
    }
}
