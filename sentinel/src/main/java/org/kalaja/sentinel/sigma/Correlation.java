package org.kalaja.sentinel.sigma;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A correlation rule as loaded: what it counts, over which rules, per which group, within which span and
 * against which condition. {@code sources} are the referenced rules once the rule set resolved them.
 *
 * @param refs       the {@code rules} entries as written (names or ids)
 * @param aliases    alias → (rule name → field): a group-by alias reads a different field per source rule
 * @param span       the timespan in microseconds
 * @param thresholds one or two conditions, all of which must hold (a range)
 * @param field      the counted or summed field of value_count and value_sum, else null
 */
record Correlation(Rule rule, Type type, List<String> refs, List<Rule> sources, List<String> groupBy,
        Map<String, Map<String, String>> aliases, long span, List<Threshold> thresholds, @Nullable String field,
        boolean generate) {

    /** The most events or distinct values a window keeps: memory, not the rate, is what it bounds. */
    static final long MAX_THRESHOLD = 10_000;

    enum Type { EVENT_COUNT, VALUE_COUNT, VALUE_SUM, TEMPORAL, TEMPORAL_ORDERED }

    /** {@code op} is one of gt gte lt lte eq neq. */
    record Threshold(String op, double value) {
        boolean holds(double measure) {
            return switch (op) {
                case "gt" -> measure > value;
                case "gte" -> measure >= value;
                case "lt" -> measure < value;
                case "lte" -> measure <= value;
                case "eq" -> measure == value;
                default -> measure != value;
            };
        }
    }

    private static final Pattern TIMESPAN = Pattern.compile("(\\d{1,9})([smhd])");
    private static final List<String> OPS = List.of("gt", "gte", "lt", "lte", "eq", "neq");

    boolean holds(double measure) {
        for (Threshold t : thresholds) if (!t.holds(measure)) return false;
        return true;
    }

    /** The ring or map size that tells every threshold apart: N for {@code gte N}, N + 1 otherwise. */
    int capacity() {
        double c = 1;
        for (Threshold t : thresholds) c = Math.max(c, t.op.equals("gte") ? t.value : Math.floor(t.value) + 1);
        return (int) c;
    }

    Window newWindow() {
        return switch (type) {
            case EVENT_COUNT -> new Window.Events(span, capacity());
            case VALUE_COUNT -> new Window.Values(span, capacity());
            case VALUE_SUM -> new Window.Sum(span);
            case TEMPORAL, TEMPORAL_ORDERED -> new Window.Temporal(span, sources.size(), type == Type.TEMPORAL_ORDERED);
        };
    }

    /** The group-by field an event of {@code source} is grouped on: the alias's field for that rule, if any. */
    String groupField(String groupBy, Rule source) {
        Map<String, String> alias = aliases.get(groupBy);
        if (alias == null) return groupBy;
        String f = alias.get(source.name());
        return f == null ? groupBy : f;
    }

    /**
     * This correlation with its lower bounds ({@code gt}, {@code gte}) moved to {@code value}: an
     * approved {@code rule.raise}. Upper bounds stay.
     *
     * @throws IllegalArgumentException when it has no lower bound, or {@code value} is beyond {@link #MAX_THRESHOLD}
     */
    Correlation withLowerBound(long value) {
        if (value < 1 || value > MAX_THRESHOLD) throw new IllegalArgumentException("a threshold is 1 to " + MAX_THRESHOLD + ", got " + value);
        List<Threshold> moved = thresholds.stream().map(t -> t.op().startsWith("gt") ? new Threshold(t.op(), value) : t).toList();
        if (moved.equals(thresholds) && thresholds.stream().noneMatch(t -> t.op().startsWith("gt"))) {
            throw new IllegalArgumentException("rule " + rule.id() + " has no lower bound (gt or gte) to raise");
        }
        return new Correlation(rule, type, refs, sources, groupBy, aliases, span, moved, field, generate);
    }

    Correlation withSources(List<Rule> resolved) {
        return new Correlation(rule, type, refs, List.copyOf(resolved), groupBy, aliases, span, thresholds, field, generate);
    }

    /** Reads the {@code correlation} section of a document. @throws RuleException naming what is not supported */
    static Correlation parse(Rule rule, Map<?, ?> c, @Nullable Object generate, Origin origin) {
        for (Object k : c.keySet()) {
            if (!List.of("type", "rules", "group-by", "timespan", "condition", "aliases", "generate").contains(String.valueOf(k))) {
                throw origin.refuse("unsupported correlation attribute '" + k + "'");
            }
        }
        Type type = switch (String.valueOf(c.get("type"))) {
            case "event_count" -> Type.EVENT_COUNT;
            case "value_count" -> Type.VALUE_COUNT;
            case "value_sum" -> Type.VALUE_SUM;
            case "temporal" -> Type.TEMPORAL;
            case "temporal_ordered" -> Type.TEMPORAL_ORDERED;
            default -> throw origin.refuse("unsupported correlation type '" + c.get("type") + "'");
        };
        List<String> refs = strings(c.get("rules"), "correlation rules", origin);
        if (refs.isEmpty()) throw origin.refuse("correlation without rules");
        List<String> groupBy = strings(c.get("group-by"), "group-by", origin);
        if (groupBy.isEmpty()) throw origin.refuse("correlation without group-by");
        Matcher m = TIMESPAN.matcher(String.valueOf(c.get("timespan")));
        if (!m.matches()) throw origin.refuse("timespan '" + c.get("timespan") + "' (expected a number and s, m, h or d)");
        long unit = switch (m.group(2)) {
            case "s" -> 1L;
            case "m" -> 60L;
            case "h" -> 3_600L;
            default -> 86_400L;
        };
        long span = Long.parseLong(m.group(1)) * unit * 1_000_000L;
        if (span <= 0) throw origin.refuse("timespan must be positive");
        Map<String, Map<String, String>> aliases = aliases(c.get("aliases"), origin);
        String field = null;
        List<Threshold> thresholds = new ArrayList<>();
        if (c.get("condition") instanceof Map<?, ?> cond) {
            for (Map.Entry<?, ?> e : cond.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (k.equals("field")) {
                    if (!(e.getValue() instanceof String f)) throw origin.refuse("condition field must be one field name");
                    field = f;
                } else if (OPS.contains(k) && e.getValue() instanceof Number n) {
                    thresholds.add(new Threshold(k, n.doubleValue()));
                } else {
                    throw origin.refuse("unsupported correlation condition '" + k + ": " + e.getValue() + "'");
                }
            }
        } else if (c.get("condition") != null) {
            throw origin.refuse("correlation condition is not a map");
        }
        switch (type) {
            case VALUE_COUNT, VALUE_SUM -> {
                if (field == null) throw origin.refuse(type.name().toLowerCase() + " needs condition.field");
            }
            default -> {
                if (field != null) throw origin.refuse("condition.field only belongs to value_count and value_sum");
            }
        }
        if (type == Type.TEMPORAL_ORDERED && !thresholds.isEmpty()) throw origin.refuse("a condition on temporal_ordered");
        if (thresholds.isEmpty()) {
            if (type != Type.TEMPORAL && type != Type.TEMPORAL_ORDERED) throw origin.refuse("correlation without condition");
            thresholds.add(new Threshold("gte", refs.size()));
        }
        if (thresholds.size() > 2) throw origin.refuse("more than two conditions");
        Correlation out = new Correlation(rule, type, refs, List.of(), groupBy, aliases, span, thresholds, field,
                Boolean.TRUE.equals(generate != null ? generate : c.get("generate")));
        if (type != Type.VALUE_SUM && out.capacity() > MAX_THRESHOLD) {
            throw origin.refuse("threshold above " + MAX_THRESHOLD + " (windows keep that many events or values)");
        }
        return out;
    }

    private static Map<String, Map<String, String>> aliases(@Nullable Object raw, Origin origin) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (raw == null) return out;
        if (!(raw instanceof Map<?, ?> m)) throw origin.refuse("aliases is not a map");
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> per)) throw origin.refuse("alias '" + e.getKey() + "' is not a map of rule → field");
            Map<String, String> fields = new LinkedHashMap<>();
            per.forEach((r, f) -> fields.put(String.valueOf(r), String.valueOf(f)));
            out.put(String.valueOf(e.getKey()), Map.copyOf(fields));
        }
        return Map.copyOf(out);
    }

    static List<String> strings(@Nullable Object raw, String what, Origin origin) {
        if (raw == null) return List.of();
        if (!(raw instanceof List<?> l)) throw origin.refuse(what + " is not a list");
        List<String> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof String s)) throw origin.refuse(what + " holds a non-string '" + o + "'");
            out.add(s);
        }
        return List.copyOf(out);
    }
}
