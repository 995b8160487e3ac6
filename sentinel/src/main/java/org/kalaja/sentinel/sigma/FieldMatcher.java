package org.kalaja.sentinel.sigma;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * One {@code field|modifier…: value(s)} item of a search identifier, compiled at load. A list of values
 * is OR ({@code all}: AND); a list-valued field matches when any element matches; {@code null} matches an
 * absent field. Every value is compiled once (wildcards, regular expressions, networks), never per event.
 */
final class FieldMatcher implements Predicate<Fields> {
    private static final Set<String> SUPPORTED = Set.of("contains", "startswith", "endswith", "all", "re", "i", "m", "s",
            "cidr", "gt", "gte", "lt", "lte", "exists", "neq", "cased");
    private static final Set<String> REFUSED = Set.of("base64", "base64offset", "utf16", "utf16le", "utf16be", "wide",
            "windash", "expand", "fieldref", "minute", "hour", "day", "week", "month", "year");
    private static final Set<String> NUMERIC = Set.of("gt", "gte", "lt", "lte");

    final String field;
    final Set<String> modifiers;
    final List<Object> values;
    private final Predicate<@Nullable Object> test;

    private FieldMatcher(String field, Set<String> modifiers, List<Object> values, Predicate<@Nullable Object> test) {
        this.field = field;
        this.modifiers = modifiers;
        this.values = values;
        this.test = test;
    }

    @Override
    public boolean test(Fields event) {
        return test.test(event.get(field));
    }

    /** The plain (no modifier, no wildcard) string values, lower-cased; null when the item is anything else. */
    @Nullable Set<String> plainValues() {
        if (!modifiers.isEmpty()) return null;
        Set<String> out = new LinkedHashSet<>();
        for (Object v : values) {
            if (!(v instanceof String s) || s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('\\') >= 0) return null;
            out.add(s.toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    static FieldMatcher compile(String key, @Nullable Object value, Origin origin) {
        String[] parts = key.split("\\|", -1);
        String field = parts[0];
        if (field.isEmpty()) throw origin.refuse("keyword search ('" + key + "'): name the field");
        Set<String> mods = new LinkedHashSet<>();
        for (int i = 1; i < parts.length; i++) {
            String m = parts[i];
            if (REFUSED.contains(m)) throw origin.refuse("unsupported modifier '" + m + "' on " + field);
            if (!SUPPORTED.contains(m)) throw origin.refuse("unknown modifier '" + m + "' on " + field);
            if (!mods.add(m)) throw origin.refuse("modifier '" + m + "' twice on " + field);
        }
        if (!mods.contains("re") && (mods.contains("i") || mods.contains("m") || mods.contains("s"))) {
            throw origin.refuse("modifiers i, m, s belong after re, on " + field);
        }
        List<Object> values = new ArrayList<>();
        if (value instanceof List<?> l) {
            if (l.isEmpty()) throw origin.refuse("empty list of values for " + field);
            for (Object v : l) values.add(v == null ? NULL : v);
        } else {
            values.add(value == null ? NULL : value);
        }
        for (Object v : values) {
            if (v instanceof java.util.Map<?, ?> || v instanceof List<?>) throw origin.refuse("nested value for " + field);
        }
        boolean all = mods.contains("all");
        if (all && values.size() < 2) throw origin.refuse("'all' needs a list of values, on " + field);
        if (mods.contains("exists")) {
            if (mods.size() > 1 || values.size() != 1 || !(values.getFirst() instanceof Boolean b)) {
                throw origin.refuse("'exists' takes one boolean and no other modifier, on " + field);
            }
            return new FieldMatcher(field, mods, values, v -> (v != null) == b);
        }
        boolean nullable = values.contains(NULL);
        if (nullable && (all || !(mods.isEmpty() || mods.equals(Set.of("neq"))))) {
            throw origin.refuse("null with modifiers " + mods + " on " + field);
        }
        List<Predicate<Object>> singles = new ArrayList<>();
        for (Object v : values) if (v != NULL) singles.add(single(field, mods, v, origin));
        Predicate<Object> combined = all ? x -> singles.stream().allMatch(s -> s.test(x)) : x -> anyOf(singles, x);
        Predicate<@Nullable Object> any = v -> v == null || (v instanceof List<?> l && l.isEmpty()) ? nullable : combined.test(v);
        Predicate<@Nullable Object> test = mods.contains("neq") ? any.negate() : any;
        return new FieldMatcher(field, mods, values, test);
    }

    private static boolean anyOf(List<Predicate<Object>> singles, Object x) {
        for (Predicate<Object> s : singles) if (s.test(x)) return true;
        return false;
    }

    /** Matches one rule value against a present field value (a list field: any element). */
    private static Predicate<Object> single(String field, Set<String> mods, Object value, Origin origin) {
        Predicate<Object> scalar = scalar(field, mods, value, origin);
        return x -> {
            if (x instanceof List<?> l) {
                for (Object e : l) if (e != null && scalar.test(e)) return true;
                return false;
            }
            return scalar.test(x);
        };
    }

    private static Predicate<Object> scalar(String field, Set<String> mods, Object value, Origin origin) {
        long numeric = mods.stream().filter(NUMERIC::contains).count();
        if (numeric > 0) {
            if (numeric > 1 || mods.size() > 1 || !(value instanceof Number n)) {
                throw origin.refuse("gt/gte/lt/lte take one number and no other modifier, on " + field);
            }
            double limit = n.doubleValue();
            String op = mods.iterator().next();
            return x -> {
                Double d = number(x);
                if (d == null) return false;
                return switch (op) {
                    case "gt" -> d > limit;
                    case "gte" -> d >= limit;
                    case "lt" -> d < limit;
                    default -> d <= limit;
                };
            };
        }
        if (mods.contains("cidr")) {
            if (mods.size() > 1 && !mods.equals(Set.of("cidr", "neq"))) throw origin.refuse("cidr with other modifiers, on " + field);
            Network net = Network.parse(String.valueOf(value));
            if (net == null) throw origin.refuse("not a CIDR network '" + value + "' on " + field);
            return x -> x instanceof String s && net.contains(s);
        }
        if (mods.contains("re")) {
            if (mods.contains("cased") || mods.contains("contains") || mods.contains("startswith") || mods.contains("endswith")) {
                throw origin.refuse("re with cased/contains/startswith/endswith, on " + field);
            }
            String re = String.valueOf(value);
            if (!inSubset(re)) throw origin.refuse("regular expression outside Sigma's subset '" + re + "' on " + field);
            int flags = (mods.contains("i") ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0)
                    | (mods.contains("m") ? Pattern.MULTILINE : 0) | (mods.contains("s") ? Pattern.DOTALL : 0);
            try {
                Pattern p = Pattern.compile(re, flags);
                return x -> p.matcher(text(x)).find();
            } catch (PatternSyntaxException e) {
                throw origin.refuse("invalid regular expression '" + re + "' on " + field + ": " + e.getDescription());
            }
        }
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            throw origin.refuse("unsupported value type " + value.getClass().getSimpleName() + " on " + field);
        }
        String pattern = value instanceof String s ? s : Wildcard.escape(String.valueOf(value));
        if (mods.contains("contains")) pattern = "*" + pattern + "*";
        else if (mods.contains("startswith")) pattern = pattern + "*";
        else if (mods.contains("endswith")) pattern = "*" + pattern;
        if (Integer.bitCount((mods.contains("contains") ? 1 : 0) + (mods.contains("startswith") ? 2 : 0)
                + (mods.contains("endswith") ? 4 : 0)) > 1) {
            throw origin.refuse("more than one of contains/startswith/endswith, on " + field);
        }
        Predicate<String> p = Wildcard.compile(pattern, mods.contains("cased"));
        if (value instanceof Number n && !pattern.contains("*")) {
            double d = n.doubleValue(); // 1 and 1.0 are the same number, whatever the text
            return x -> x instanceof Number m ? m.doubleValue() == d : p.test(text(x));
        }
        return x -> p.test(text(x));
    }

    /**
     * The spec's PCRE subset: no escapes of letters or digits (classes, back-references, anchors like
     * {@code \b}) and no {@code (?} constructs (look-around, inline flags, named groups), which
     * java.util.regex would otherwise accept with meanings a SIEM may not share.
     */
    static boolean inSubset(String re) {
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                if (i + 1 < re.length() && Character.isLetterOrDigit(re.charAt(i + 1))) return false;
                i++;
            } else if (c == '(' && i + 1 < re.length() && re.charAt(i + 1) == '?') {
                return false;
            }
        }
        return true;
    }

    private static String text(Object x) {
        return x instanceof String s ? s : String.valueOf(x);
    }

    private static @Nullable Double number(Object x) {
        if (x instanceof Number n) return n.doubleValue();
        if (x instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Stands for a YAML null in the values list (lists of values hold no Java nulls). */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** An IPv4 or IPv6 network; addresses are parsed from literals only, never resolved by DNS. */
    record Network(BigInteger prefix, int bits, int length) {
        static @Nullable Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            byte @Nullable [] a = address(slash < 0 ? cidr : cidr.substring(0, slash));
            if (a == null) return null;
            int bits;
            try {
                bits = slash < 0 ? a.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (bits < 0 || bits > a.length * 8) return null;
            return new Network(new BigInteger(1, a).shiftRight(a.length * 8 - bits), bits, a.length);
        }

        boolean contains(String ip) {
            byte @Nullable [] a = address(ip);
            return a != null && a.length == length && new BigInteger(1, a).shiftRight(length * 8 - bits).equals(prefix);
        }

        static byte @Nullable [] address(String s) {
            if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                byte[] out = new byte[4];
                String[] p = s.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(p[i]);
                    if (v > 255) return null;
                    out[i] = (byte) v;
                }
                return out;
            }
            if (s.indexOf(':') < 0 || !s.matches("[0-9A-Fa-f:.]+")) return null;
            try {
                return InetAddress.getByName(s).getAddress(); // a literal: no lookup happens
            } catch (UnknownHostException e) {
                return null;
            }
        }
    }
}
