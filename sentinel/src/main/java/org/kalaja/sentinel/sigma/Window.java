package org.kalaja.sentinel.sigma;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The sliding window of one correlation for one group. Not thread-safe by itself: the evaluator updates
 * and reads a window only while holding its monitor. Times are microseconds since the epoch; a window's
 * clock never goes back ({@code now = max(event time, last)}), so thread jitter cannot reorder it. Memory
 * is bounded by the correlation's threshold, never by the event rate.
 */
abstract sealed class Window {
    final long span;
    long last = Long.MIN_VALUE;
    /** The condition held after the previous update (a match is a rising edge when this was false). */
    boolean held;
    /** When the window was last updated, read by the sweeper without the monitor. */
    volatile long touched;

    Window(long span) {
        this.span = span;
    }

    /** Counts one event of source rule {@code source} with its correlated {@code value}; returns the measure. */
    final double add(long time, int source, @Nullable Object value) {
        long now = Math.max(time, last);
        last = now;
        touched = now;
        return update(now, source, value);
    }

    abstract double update(long now, int source, @Nullable Object value);

    /** The earliest event still counted, after the last {@link #add}. */
    abstract long first();

    /** event_count: a ring of the last {@code capacity} event times; the count saturates at the capacity. */
    static final class Events extends Window {
        private final long[] times;
        private int head;
        private int size;
        private long first;

        Events(long span, int capacity) {
            super(span);
            times = new long[capacity];
        }

        @Override
        double update(long now, int source, @Nullable Object value) {
            times[head] = now;
            head = (head + 1) % times.length;
            if (size < times.length) size++;
            // Times in the ring never decrease: binary search for the oldest one inside the span.
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (at(mid) < now - span) lo = mid + 1;
                else hi = mid;
            }
            first = at(lo);
            return size - lo;
        }

        private long at(int logical) {
            return times[Math.floorMod(head - size + logical, times.length)];
        }

        @Override
        long first() {
            return first;
        }
    }

    /** value_count: the most recently seen distinct values (at most {@code capacity}) with their last time. */
    static final class Values extends Window {
        private final int capacity;
        private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>(16, 0.75f, true);

        Values(long span, int capacity) {
            super(span);
            this.capacity = capacity;
        }

        @Override
        double update(long now, int source, @Nullable Object value) {
            if (value instanceof List<?> l) {
                for (Object v : l) if (v != null) put(String.valueOf(v), now);
            } else if (value != null) {
                put(String.valueOf(value), now);
            }
            Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
            while (it.hasNext() && it.next().getValue() < now - span) it.remove();
            return seen.size();
        }

        private void put(String v, long now) {
            seen.put(v, now);
            if (seen.size() > capacity) seen.pollFirstEntry();
        }

        @Override
        long first() {
            Map.Entry<String, Long> e = seen.firstEntry();
            return e == null ? last : e.getValue();
        }
    }

    /** value_sum: amounts in time order; amounts closer than span/1024 share a slot, so at most ~1024 slots. */
    static final class Sum extends Window {
        private final ArrayDeque<double[]> slots = new ArrayDeque<>(); // {time, amount}
        private double sum;

        Sum(long span) {
            super(span);
        }

        @Override
        double update(long now, int source, @Nullable Object value) {
            double amount = value instanceof Number n ? n.doubleValue() : parse(value);
            if (amount != 0) {
                double[] tail = slots.peekLast();
                if (tail != null && tail[0] >= now - span / 1024) {
                    tail[0] = now;
                    tail[1] += amount;
                } else {
                    slots.addLast(new double[] {now, amount});
                }
                sum += amount;
            }
            while (!slots.isEmpty() && slots.peekFirst()[0] < now - span) sum -= slots.pollFirst()[1];
            if (slots.isEmpty()) sum = 0; // drop accumulated rounding
            return sum;
        }

        private static double parse(@Nullable Object value) {
            if (value instanceof String s) {
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            return 0;
        }

        @Override
        long first() {
            double[] head = slots.peekFirst();
            return head == null ? last : (long) head[0];
        }
    }

    /**
     * temporal: the last time each source rule matched; the measure is how many did within the span.
     * temporal_ordered: the start of the earliest-ending chain 0..i seen in order; the measure is the
     * length of the longest chain still inside the span.
     */
    static final class Temporal extends Window {
        private final long[] seen;
        private final boolean ordered;
        private long first;

        Temporal(long span, int rules, boolean ordered) {
            super(span);
            seen = new long[rules];
            Arrays.fill(seen, Long.MIN_VALUE);
            this.ordered = ordered;
        }

        @Override
        double update(long now, int source, @Nullable Object value) {
            long horizon = now - span;
            if (!ordered) {
                seen[source] = now;
                int n = 0;
                first = now;
                for (long t : seen) {
                    if (t >= horizon) {
                        n++;
                        first = Math.min(first, t);
                    }
                }
                return n;
            }
            if (source == 0) seen[0] = now;
            else if (seen[source - 1] >= horizon) seen[source] = seen[source - 1];
            int n = 0;
            while (n < seen.length && seen[n] >= horizon) n++;
            first = n == 0 ? now : seen[n - 1];
            return n;
        }

        @Override
        long first() {
            return first;
        }
    }
}
