package org.kalaja.ledger;

/** The path grammar of C2SP tlog-tiles, shared by {@link TileId} and {@link BundleId}. */
final class TilePathCodec {
    private static final String PREFIX = "tile/";
    private static final String ENTRIES = "entries/";
    private static final String PARTIAL = ".p/";
    /** Long.MAX_VALUE has 19 digits, i.e. 7 groups; more groups cannot be a valid index. */
    private static final int MAX_GROUPS = 7;

    private TilePathCodec() {}

    static String format(String kind, long index, int width) {
        StringBuilder sb = new StringBuilder(PREFIX.length() + kind.length() + 32).append(PREFIX).append(kind).append('/');
        appendIndex(sb, index);
        if (width != TilePath.FULL_WIDTH) {
            sb.append(PARTIAL).append(width);
        }
        return sb.toString();
    }

    private static void appendIndex(StringBuilder sb, long index) {
        String digits = Long.toString(index);
        int groups = (digits.length() + 2) / 3;
        String padded = "0".repeat(3 * groups - digits.length()) + digits;
        for (int g = 0; g < groups; g++) {
            if (g < groups - 1) {
                sb.append('x');
            }
            sb.append(padded, 3 * g, 3 * g + 3);
            if (g < groups - 1) {
                sb.append('/');
            }
        }
    }

    static TilePath parse(String path) {
        if (!path.startsWith(PREFIX)) {
            throw bad(path, "does not start with \"" + PREFIX + "\"");
        }
        String rest = path.substring(PREFIX.length());
        if (rest.startsWith(ENTRIES)) {
            IndexAndWidth iw = parseIndexAndWidth(path, rest.substring(ENTRIES.length()));
            return new BundleId(iw.index, iw.width);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw bad(path, "has no tile index after the level");
        }
        int level = parseLevel(path, rest.substring(0, slash));
        IndexAndWidth iw = parseIndexAndWidth(path, rest.substring(slash + 1));
        return new TileId(level, iw.index, iw.width);
    }

    private record IndexAndWidth(long index, int width) {}

    private static int parseLevel(String path, String s) {
        if (s.isEmpty() || s.length() > 2 || !allDigits(s)) {
            throw bad(path, "level \"" + s + "\" is not a decimal number from 0 to 63");
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            throw bad(path, "level \"" + s + "\" has a leading zero");
        }
        int level = Integer.parseInt(s);
        if (level > TileId.MAX_LEVEL) {
            throw bad(path, "level " + level + " is above " + TileId.MAX_LEVEL);
        }
        return level;
    }

    private static IndexAndWidth parseIndexAndWidth(String path, String s) {
        int width = TilePath.FULL_WIDTH;
        int p = s.indexOf(PARTIAL);
        String indexPart = s;
        if (p >= 0) {
            indexPart = s.substring(0, p);
            width = parseWidth(path, s.substring(p + PARTIAL.length()));
        }
        return new IndexAndWidth(parseIndex(path, indexPart), width);
    }

    private static int parseWidth(String path, String s) {
        if (s.isEmpty() || s.length() > 3 || !allDigits(s)) {
            throw bad(path, "partial width \"" + s + "\" is not a decimal number from 1 to 255");
        }
        if (s.charAt(0) == '0') {
            throw bad(path, "partial width \"" + s + "\" is zero or has a leading zero");
        }
        int width = Integer.parseInt(s);
        if (width >= TilePath.FULL_WIDTH) {
            throw bad(path, "partial width " + width + " is not below 256 (a full tile has no .p suffix)");
        }
        return width;
    }

    private static long parseIndex(String path, String s) {
        String[] groups = s.split("/", -1);
        if (groups.length > MAX_GROUPS) {
            throw bad(path, "index has " + groups.length + " groups, more than a 63-bit index needs");
        }
        long index = 0;
        for (int g = 0; g < groups.length; g++) {
            String group = groups[g];
            boolean last = g == groups.length - 1;
            String digits = group;
            if (!last) {
                if (!group.startsWith("x")) {
                    throw bad(path, "index group " + (g + 1) + " \"" + group + "\" lacks the x prefix");
                }
                digits = group.substring(1);
            }
            if (digits.length() != 3 || !allDigits(digits)) {
                throw bad(path, "index group " + (g + 1) + " \"" + group + "\" is not " + (last ? "" : "x followed by ") + "3 digits");
            }
            if (g == 0 && groups.length > 1 && digits.equals("000")) {
                throw bad(path, "index has a leading zero group");
            }
            try {
                index = Math.addExact(Math.multiplyExact(index, 1000), Integer.parseInt(digits));
            } catch (ArithmeticException e) {
                throw bad(path, "index does not fit in 63 bits");
            }
        }
        return index;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static IllegalArgumentException bad(String path, String what) {
        return new IllegalArgumentException("bad tile path \"" + printable(path) + "\": " + what);
    }

    /** Keeps attacker-supplied paths from forging log lines or flooding them. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 120; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return s.length() > 120 ? sb.append("...").toString() : sb.toString();
    }
}
