package io.varve.storage.checkpoint;

/** Parsing of space-separated checkpoint lines. Stateless. */
final class Fields {

    private Fields() {
    }

    /**
     * Splits {@code line} on single spaces into exactly {@code n} non-empty fields.
     *
     * @throws IllegalArgumentException otherwise
     */
    static String[] split(String line, int n) {
        String[] fields = line.split(" ", -1);
        if (fields.length != n) {
            throw new IllegalArgumentException("expected " + n + " space-separated fields, found " + fields.length);
        }
        for (String field : fields) {
            if (field.isEmpty()) {
                throw new IllegalArgumentException("empty field");
            }
        }
        return fields;
    }

    static int nonNegativeInt(String field, String what) {
        int value = Integer.parseInt(field);
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
        return value;
    }

    static long nonNegativeLong(String field, String what) {
        long value = Long.parseLong(field);
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
        return value;
    }
}
