package io.varve.protocol.gen;

import java.math.BigInteger;

/**
 * Kafka's default values: the {@code default} of a field, else zero, {@code false}, the empty
 * string, the zero UUID, an empty list or a struct with its own defaults; {@code "null"} only for a
 * field nullable in all of its versions; a {@code records} field defaults to null.
 */
final class Defaults {

    private Defaults() {
    }

    /** Refuses a default that does not fit the field's type. */
    static void check(FieldSpec f, String where) {
        literal(f, where);
    }

    /** The default as a Java expression inside the generated message. */
    static String literal(FieldSpec f, String where) {
        String d = f.defaultValue();
        FieldType type = f.type();
        if ("null".equals(d) && type.canBeNull()) {
            if (!f.nullableVersions().containsAll(f.versions())) {
                throw new SchemaException(where + ": default null needs the field nullable in all its versions "
                        + f.versions() + ", but it is nullable in " + f.nullableVersions());
            }
            return "null";
        }
        switch (type.kind()) {
            case BOOL:
                if (d == null) {
                    return "false";
                }
                if (d.equalsIgnoreCase("true") || d.equalsIgnoreCase("false")) {
                    return d.toLowerCase();
                }
                throw new SchemaException(where + ": bad bool default \"" + d + "\"");
            case INT8:
                return "(byte) " + integer(d, -128, 127, where);
            case INT16:
                return "(short) " + integer(d, Short.MIN_VALUE, Short.MAX_VALUE, where);
            case INT32:
                return Long.toString(integer(d, Integer.MIN_VALUE, Integer.MAX_VALUE, where));
            case UINT16:
                return Long.toString(integer(d, 0, 65535, where));
            case UINT32:
                return integer(d, 0, 0xFFFF_FFFFL, where) + "L";
            case INT64:
                return integer(d, Long.MIN_VALUE, Long.MAX_VALUE, where) + "L";
            case FLOAT64:
                try {
                    return d == null ? "0.0" : Double.parseDouble(d) + "d";
                } catch (NumberFormatException e) {
                    throw new SchemaException(where + ": bad float64 default \"" + d + "\"");
                }
            case STRING:
                return d == null ? "\"\"" : javaString(d);
            case BYTES:
                return emptyOnly(d, "EMPTY_BYTES", where);
            case UUID:
                return emptyOnly(d, "ZERO_UUID", where);
            case RECORDS:
                return emptyOnly(d, "null", where);
            case ARRAY:
                return emptyOnly(d, "List.of()", where);
            case STRUCT:
                return emptyOnly(d, type.structName() + ".DEFAULT", where);
            default:
                throw new SchemaException(where + ": no default for type " + type);
        }
    }

    /**
     * A Java condition that is true when {@code value} (an expression of the field's type) differs
     * from the field's default: what decides whether a tagged field is written, and whether a value
     * may be dropped at a version that lacks the field.
     */
    static String differs(FieldSpec f, String value) {
        String d = literal(f, f.name());
        if (d.equals("null")) {
            return value + " != null";
        }
        return switch (f.type().kind()) {
            case BOOL -> d.equals("true") ? "!" + value : value;
            case INT8, INT16, INT32, INT64, UINT16, UINT32 -> value + " != " + d;
            case FLOAT64 -> "Double.compare(" + value + ", " + d + ") != 0";
            case STRING, UUID -> "!" + d + ".equals(" + value + ")";
            case BYTES -> value + " == null || " + value + ".length != 0";
            case ARRAY -> value + " == null || !" + value + ".isEmpty()";
            case STRUCT -> "!" + d + ".equals(" + value + ")";
            default -> value + " != null";
        };
    }

    private static String emptyOnly(String d, String literal, String where) {
        if (d == null || d.isEmpty()) {
            return literal;
        }
        throw new SchemaException(where + ": unsupported default \"" + d + "\"");
    }

    private static long integer(String d, long min, long max, String where) {
        if (d == null) {
            return 0;
        }
        try {
            BigInteger v = d.startsWith("0x") || d.startsWith("0X") ? new BigInteger(d.substring(2), 16)
                    : d.startsWith("-0x") ? new BigInteger(d.substring(3), 16).negate() : new BigInteger(d);
            if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
                throw new SchemaException(where + ": default " + d + " out of range");
            }
            return v.longValue();
        } catch (NumberFormatException e) {
            throw new SchemaException(where + ": bad integer default \"" + d + "\"");
        }
    }

    static String javaString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
