package io.varve.protocol.gen;

/**
 * A closed range of protocol versions as the definitions write it: {@code "3"}, {@code "1-5"},
 * {@code "2+"} (open-ended) or {@code "none"}. Immutable.
 *
 * @param lowest  first version, inclusive
 * @param highest last version, inclusive ({@link #MAX} when open-ended); below {@code lowest} when empty
 */
public record Versions(short lowest, short highest) {

    /** The highest version an open-ended range reaches. */
    public static final short MAX = Short.MAX_VALUE;

    public static final Versions NONE = new Versions((short) 0, (short) -1);
    public static final Versions ALL = new Versions((short) 0, MAX);

    /** Parses a range; throws {@link SchemaException} naming {@code where} on anything else. */
    public static Versions parse(String text, String where) {
        if (text == null) {
            throw new SchemaException(where + ": missing version range");
        }
        String s = text.trim();
        try {
            if (s.equals("none")) {
                return NONE;
            }
            if (s.endsWith("+")) {
                return new Versions(Short.parseShort(s.substring(0, s.length() - 1)), MAX);
            }
            int dash = s.indexOf('-');
            if (dash > 0) {
                Versions v = new Versions(Short.parseShort(s.substring(0, dash)), Short.parseShort(s.substring(dash + 1)));
                if (v.isEmpty()) {
                    throw new SchemaException(where + ": empty version range \"" + text + "\"");
                }
                return v;
            }
            short only = Short.parseShort(s);
            return new Versions(only, only);
        } catch (NumberFormatException e) {
            throw new SchemaException(where + ": bad version range \"" + text + "\"");
        }
    }

    public boolean isEmpty() {
        return highest < lowest;
    }

    public boolean contains(short version) {
        return version >= lowest && version <= highest;
    }

    /** Whether every version of {@code other} is in this range. */
    public boolean containsAll(Versions other) {
        return other.isEmpty() || (!isEmpty() && other.lowest >= lowest && other.highest <= highest);
    }

    public Versions intersect(Versions other) {
        if (isEmpty() || other.isEmpty()) {
            return NONE;
        }
        Versions v = new Versions((short) Math.max(lowest, other.lowest), (short) Math.min(highest, other.highest));
        return v.isEmpty() ? NONE : v;
    }

    /**
     * A Java condition on {@code variable} that is true for versions in this range, written as short
     * as {@code context} (the versions the code can run at) allows: {@code "true"} when the range
     * covers the context, {@code "false"} when it misses it.
     */
    public String condition(String variable, Versions context) {
        Versions effective = intersect(context);
        if (effective.isEmpty()) {
            return "false";
        }
        boolean needLow = effective.lowest > context.lowest;
        boolean needHigh = effective.highest < context.highest;
        if (needLow && needHigh) {
            return effective.lowest == effective.highest ? variable + " == " + effective.lowest
                    : variable + " >= " + effective.lowest + " && " + variable + " <= " + effective.highest;
        }
        if (needLow) {
            return variable + " >= " + effective.lowest;
        }
        if (needHigh) {
            return variable + " <= " + effective.highest;
        }
        return "true";
    }

    /**
     * A Java condition that is true for the versions of {@code context} outside this range, the
     * complement of {@link #condition}: {@code "false"} when the range covers the context.
     */
    public String absentCondition(String variable, Versions context) {
        Versions effective = intersect(context);
        if (effective.isEmpty()) {
            return "true";
        }
        boolean below = effective.lowest > context.lowest;
        boolean above = effective.highest < context.highest;
        if (below && above) {
            return variable + " < " + effective.lowest + " || " + variable + " > " + effective.highest;
        }
        if (below) {
            return variable + " < " + effective.lowest;
        }
        return above ? variable + " > " + effective.highest : "false";
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (highest == MAX) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}
