package org.kalaja.sentinel.sigma;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A detection's {@code condition}, parsed by recursive descent into a tree whose {@code x of} patterns
 * are already expanded to the identifiers they name. Precedence, least binding first: {@code or},
 * {@code and}, {@code not}, {@code 1 of}/{@code all of}, parentheses. {@code them} and patterns leave out
 * identifiers starting with {@code _} (a pattern that itself starts with {@code _} may name them).
 */
sealed interface Condition {
    record Ref(String id) implements Condition {
    }

    record And(List<Condition> all) implements Condition {
    }

    record Or(List<Condition> any) implements Condition {
    }

    record Not(Condition inner) implements Condition {
    }

    /** Compiles the tree over the compiled search identifiers. */
    default Predicate<Fields> compile(Map<String, Predicate<Fields>> ids) {
        return switch (this) {
            case Ref r -> ids.get(r.id());
            case Not n -> n.inner().compile(ids).negate();
            case And a -> {
                List<Predicate<Fields>> parts = a.all().stream().map(c -> c.compile(ids)).toList();
                yield e -> {
                    for (Predicate<Fields> p : parts) if (!p.test(e)) return false;
                    return true;
                };
            }
            case Or o -> {
                List<Predicate<Fields>> parts = o.any().stream().map(c -> c.compile(ids)).toList();
                yield e -> {
                    for (Predicate<Fields> p : parts) if (p.test(e)) return true;
                    return false;
                };
            }
        };
    }

    /**
     * The {@code event.action} values an event MUST have to satisfy this condition, given the same for
     * each identifier (null = any); null when the condition can hold for any action. Used only to index
     * rules, so it may answer null where a finer analysis could do better, never a set too small.
     */
    default @Nullable Set<String> actions(Map<String, @Nullable Set<String>> ids) {
        return switch (this) {
            case Ref r -> ids.get(r.id());
            case Not n -> null;
            case And a -> {
                Set<String> out = null;
                for (Condition c : a.all()) {
                    Set<String> s = c.actions(ids);
                    if (s == null) continue;
                    if (out == null) out = new HashSet<>(s);
                    else out.retainAll(s);
                }
                yield out;
            }
            case Or o -> {
                Set<String> out = new HashSet<>();
                for (Condition c : o.any()) {
                    Set<String> s = c.actions(ids);
                    if (s == null) yield null;
                    out.addAll(s);
                }
                yield out;
            }
        };
    }

    /** Parses {@code text} against the detection's identifiers. @throws RuleException naming what is wrong */
    static Condition parse(String text, Set<String> identifiers, Origin origin) {
        Parser p = new Parser(text, identifiers, origin);
        Condition c = p.or();
        if (p.pos < p.tokens.size()) throw p.fail("unexpected '" + p.tokens.get(p.pos) + "'");
        return c;
    }

    final class Parser {
        private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|\\||[^\\s()|]+)");
        final List<String> tokens = new ArrayList<>();
        final String text;
        final Set<String> identifiers;
        final Origin origin;
        int pos;

        Parser(String text, Set<String> identifiers, Origin origin) {
            this.text = text;
            this.identifiers = identifiers;
            this.origin = origin;
            Matcher m = TOKEN.matcher(text);
            int at = 0;
            while (m.find() && m.start() == at) {
                tokens.add(m.group(1));
                at = m.end();
            }
            if (!text.substring(at).isBlank()) throw fail("cannot read '" + text.substring(at) + "'");
            if (tokens.contains("|")) throw fail("aggregation ('|') in a condition: use a correlation rule");
        }

        RuleException fail(String why) {
            return origin.refuse("condition '" + text + "': " + why);
        }

        private @Nullable String peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        private String next() {
            if (pos >= tokens.size()) throw fail("ends too early");
            return tokens.get(pos++);
        }

        private boolean keyword(String k) {
            String t = peek();
            if (t != null && t.equalsIgnoreCase(k)) {
                pos++;
                return true;
            }
            return false;
        }

        Condition or() {
            List<Condition> parts = new ArrayList<>(List.of(and()));
            while (keyword("or")) parts.add(and());
            return parts.size() == 1 ? parts.getFirst() : new Or(parts);
        }

        private Condition and() {
            List<Condition> parts = new ArrayList<>(List.of(not()));
            while (keyword("and")) parts.add(not());
            return parts.size() == 1 ? parts.getFirst() : new And(parts);
        }

        private Condition not() {
            return keyword("not") ? new Not(not()) : primary();
        }

        private Condition primary() {
            String t = next();
            if (t.equals("(")) {
                Condition c = or();
                if (!")".equals(next())) throw fail("missing ')'");
                return c;
            }
            if (t.equals(")")) throw fail("unexpected ')'");
            if (keyword("of")) {
                boolean all = t.equalsIgnoreCase("all");
                if (!all && !t.equals("1")) throw fail("'" + t + " of' (only '1 of' and 'all of' are supported)");
                List<Condition> refs = expand(next());
                return refs.size() == 1 ? refs.getFirst() : all ? new And(refs) : new Or(refs);
            }
            if (Set.of("and", "or", "not", "of", "them").contains(t.toLowerCase(java.util.Locale.ROOT))) {
                throw fail("unexpected '" + t + "'");
            }
            if (!identifiers.contains(t)) throw fail("unknown search identifier '" + t + "'");
            return new Ref(t);
        }

        private List<Condition> expand(String pattern) {
            boolean them = pattern.equalsIgnoreCase("them");
            Pattern p = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
            List<Condition> refs = new ArrayList<>();
            for (String id : identifiers) {
                boolean hidden = id.startsWith("_") && (them || !pattern.startsWith("_"));
                if (!hidden && (them || p.matcher(id).matches())) refs.add(new Ref(id));
            }
            if (refs.isEmpty()) throw fail("'" + pattern + "' names no search identifier");
            return refs;
        }
    }
}
