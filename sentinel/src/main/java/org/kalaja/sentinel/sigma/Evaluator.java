package org.kalaja.sentinel.sigma;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link RuleSet} over events as they happen, keeping one sliding window per correlation and group.
 * Thread-safe: request threads call {@link #evaluate} concurrently; each window is updated and checked
 * under its own monitor, so of N parallel events of one group exactly the one that makes a condition true
 * gets the first {@link Match}, and every later one gets a Match too while the condition holds (so the
 * caller can refuse it). Memory is bounded: windows hold at most their threshold (+1) events or values,
 * each correlation at most {@code maxKeys} groups (the least recently updated is evicted), and
 * {@link #sweep} drops groups idle for longer than their timespan.
 */
public final class Evaluator {
    /** Groups kept per correlation unless told otherwise ({@code --sentinel-max-keys}). */
    public static final int DEFAULT_MAX_KEYS = 20_000;

    private record Compiled(Rule rule, Detection detection, boolean standalone, List<RuleSet.Dependent> dependents) {
    }

    private final Map<String, List<Compiled>> byAction = new HashMap<>();
    private final List<Compiled> anyAction = new ArrayList<>();
    private final Map<String, List<RuleSet.Dependent>> dependents;
    private final Map<Correlation, Groups> groups = new IdentityHashMap<>();
    private final AtomicLong evicted = new AtomicLong();

    public Evaluator(RuleSet rules) {
        this(rules, DEFAULT_MAX_KEYS);
    }

    /** @param maxKeys the most groups kept per correlation, at least 1 */
    public Evaluator(RuleSet rules, int maxKeys) {
        if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
        this.dependents = rules.dependents;
        for (RuleLoader.Loaded d : rules.detections) {
            Detection det = d.detection();
            if (det == null) continue;
            Compiled c = new Compiled(d.rule(), det, rules.standalone.contains(d.rule().id()),
                    rules.dependents.getOrDefault(d.rule().id(), List.of()));
            if (det.actions() == null) anyAction.add(c);
            else for (String a : det.actions()) byAction.computeIfAbsent(a, k -> new ArrayList<>()).add(c);
        }
        for (Correlation c : rules.correlations) groups.put(c, new Groups(maxKeys, evicted));
    }

    /**
     * Counts {@code event}, which happened at {@code time}, in every rule it matches.
     *
     * @return the matches this event completes or continues, empty for most events
     */
    public List<Match> evaluate(Fields event, Instant time) {
        List<Compiled> indexed = event.get("event.action") instanceof String a
                ? byAction.getOrDefault(a.toLowerCase(Locale.ROOT), List.of()) : List.of();
        if (indexed.isEmpty() && anyAction.isEmpty()) return List.of();
        long t = micros(time);
        List<Match> out = new ArrayList<>(2);
        for (Compiled c : indexed) detect(c, event, time, t, out);
        for (Compiled c : anyAction) detect(c, event, time, t, out);
        return out;
    }

    private void detect(Compiled c, Fields event, Instant time, long t, List<Match> out) {
        if (!c.detection().predicate().test(event)) return;
        if (c.standalone()) {
            Map<String, Object> group = new LinkedHashMap<>();
            for (String f : List.of("user.id", "source.ip")) {
                Object v = event.get(f);
                if (v != null) group.put(f, v);
            }
            out.add(new Match(c.rule(), group, 1, time, time));
        }
        for (RuleSet.Dependent d : c.dependents()) correlate(d, c.rule(), event, t, out);
    }

    private void correlate(RuleSet.Dependent d, Rule source, Fields event, long t, List<Match> out) {
        Correlation k = d.correlation();
        Map<String, Object> group = new LinkedHashMap<>();
        StringBuilder key = new StringBuilder();
        for (String g : k.groupBy()) {
            Object v = event.get(k.groupField(g, source));
            // An absent group-by field is a group of its own ("" ), not a reason to skip the event.
            key.append(v == null ? "" : v).append('\0');
            if (v != null) group.put(g, v);
        }
        Object value = k.field() == null ? null : event.get(k.field());
        Window w = groups.get(k).window(key.toString(), k);
        Match m = null;
        boolean rising;
        synchronized (w) {
            double measure = w.add(t, d.source(), value);
            boolean holds = k.holds(measure);
            rising = holds && !w.held;
            w.held = holds;
            if (holds) m = new Match(k.rule(), group, (long) measure, instant(w.first()), instant(w.last));
        }
        if (m == null) return;
        out.add(m);
        // A chain counts a correlation's finding once per episode: the rising edge, not every event after it.
        if (rising) {
            Fields finding = name -> group.containsKey(name) ? group.get(name) : event.get(name);
            for (RuleSet.Dependent next : dependents.getOrDefault(k.rule().id(), List.of())) correlate(next, k.rule(), finding, t, out);
        }
    }

    /** Drops the windows whose last event is older than their correlation's timespan at {@code now}. */
    public void sweep(Instant now) {
        long t = micros(now);
        groups.forEach((k, g) -> g.sweep(t - k.span()));
    }

    /** Windows evicted because a correlation had {@code maxKeys} groups (a key flood shows here). */
    public long evicted() {
        return evicted.get();
    }

    /** Groups currently held, over all correlations. */
    public int windows() {
        return groups.values().stream().mapToInt(Groups::size).sum();
    }

    static long micros(Instant i) {
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** The windows of one correlation by group key, least recently updated first. */
    private static final class Groups {
        private final LinkedHashMap<String, Window> windows;

        Groups(int maxKeys, AtomicLong evicted) {
            windows = new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                    if (size() <= maxKeys) return false;
                    evicted.incrementAndGet();
                    return true;
                }
            };
        }

        synchronized Window window(String key, Correlation k) {
            Window w = windows.get(key);
            if (w == null) {
                w = k.newWindow();
                windows.put(key, w);
            }
            return w;
        }

        synchronized void sweep(long idleBefore) {
            windows.values().removeIf(w -> w.touched < idleBefore);
        }

        synchronized int size() {
            return windows.size();
        }
    }

    @Override
    public String toString() {
        return "Evaluator[" + windows() + " windows, " + evicted() + " evicted]";
    }

}
