package org.kalaja.sentinel.sigma;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A detection rule's {@code detection} section compiled to one predicate: a search identifier that is a
 * map is the AND of its items, a list of maps the OR of the maps; the condition combines identifiers.
 *
 * @param actions the {@code event.action} values (lower case) an event needs to match, null when any
 *                action may match: the evaluator indexes rules by it
 */
record Detection(Predicate<Fields> predicate, @Nullable Set<String> actions) {

    static Detection compile(Map<?, ?> detection, Origin origin) {
        Object condition = detection.get("condition");
        if (condition == null) throw origin.refuse("detection without condition");
        if (detection.containsKey("timeframe")) throw origin.refuse("'timeframe' in detection: use a correlation rule");
        Map<String, Predicate<Fields>> ids = new LinkedHashMap<>();
        Map<String, @Nullable Set<String>> actions = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : detection.entrySet()) {
            String id = String.valueOf(e.getKey());
            if (id.equals("condition")) continue;
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                Item item = map(id, m, origin);
                ids.put(id, item.predicate);
                actions.put(id, item.actions);
            } else if (v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof Map<?, ?>)) {
                List<Predicate<Fields>> any = new ArrayList<>();
                Set<String> union = new HashSet<>();
                boolean indexed = true;
                for (Object x : l) {
                    Item item = map(id, (Map<?, ?>) x, origin);
                    any.add(item.predicate);
                    if (item.actions == null) indexed = false;
                    else union.addAll(item.actions);
                }
                ids.put(id, ev -> {
                    for (Predicate<Fields> p : any) if (p.test(ev)) return true;
                    return false;
                });
                actions.put(id, indexed ? union : null);
            } else if (v instanceof List<?>) {
                throw origin.refuse("keyword list in search identifier '" + id + "': name the fields");
            } else {
                throw origin.refuse("search identifier '" + id + "' is neither a map nor a list of maps");
            }
        }
        List<Condition> parsed = new ArrayList<>();
        if (condition instanceof String s) {
            parsed.add(Condition.parse(s, ids.keySet(), origin));
        } else if (condition instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof String)) {
            for (Object x : l) parsed.add(Condition.parse((String) x, ids.keySet(), origin));
        } else {
            throw origin.refuse("condition is neither a string nor a list of strings");
        }
        Condition c = parsed.size() == 1 ? parsed.getFirst() : new Condition.Or(parsed);
        return new Detection(c.compile(ids), c.actions(actions));
    }

    private record Item(Predicate<Fields> predicate, @Nullable Set<String> actions) {
    }

    private static Item map(String id, Map<?, ?> m, Origin origin) {
        if (m.isEmpty()) throw origin.refuse("empty search identifier '" + id + "'");
        List<FieldMatcher> all = new ArrayList<>();
        Set<String> actions = null;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            FieldMatcher f = FieldMatcher.compile(String.valueOf(e.getKey()), e.getValue(), origin);
            all.add(f);
            if (f.field.equals("event.action")) {
                Set<String> plain = f.plainValues();
                if (plain != null) {
                    if (actions == null) actions = new HashSet<>(plain);
                    else actions.retainAll(plain);
                }
            }
        }
        FieldMatcher[] items = all.toArray(FieldMatcher[]::new);
        return new Item(ev -> {
            for (FieldMatcher f : items) if (!f.test(ev)) return false;
            return true;
        }, actions);
    }
}
