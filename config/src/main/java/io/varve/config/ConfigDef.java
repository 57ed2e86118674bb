package io.varve.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The definition of a role's properties: for each one its Kafka-compatible name, type, default, unit,
 * valid range and documentation, in one place. {@link #parse(Map)} turns raw properties (strings or
 * typed values) into validated values; {@link #markdownTable()} renders the reference that
 * {@code docs/configuration.md} carries (a test keeps the two in step).
 *
 * <p>Instances are built once, then only read: thread-safe after construction.
 */
public final class ConfigDef {

    /** The types a property may have. */
    public enum Type { INT, LONG, BOOLEAN, STRING, LIST, DOUBLE }

    /** One property. {@code min}/{@code max} bound numeric values; null means unbounded. */
    public record Key(String name, Type type, Object defaultValue, String unit, Long min, Long max, String doc) {
        public Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(doc, "doc");
        }
    }

    private final String title;
    private final Map<String, Key> keys = new LinkedHashMap<>();

    public ConfigDef(String title) {
        this.title = title;
    }

    /** Defines a numeric property with an inclusive range. */
    public ConfigDef define(String name, Type type, Object defaultValue, String unit, Long min, Long max, String doc) {
        Key key = new Key(name, type, defaultValue, unit, min, max, doc);
        if (keys.putIfAbsent(name, key) != null) {
            throw new IllegalStateException("property defined twice: " + name);
        }
        if (defaultValue != null) {
            boolean typed = switch (type) {
                case INT -> defaultValue instanceof Integer;
                case LONG -> defaultValue instanceof Long;
                case BOOLEAN -> defaultValue instanceof Boolean;
                case STRING -> defaultValue instanceof String;
                case LIST -> defaultValue instanceof List<?>;
                case DOUBLE -> defaultValue instanceof Double;
            };
            if (!typed) {
                throw new IllegalStateException("default of " + name + " is not a " + type + ": " + defaultValue);
            }
            check(key, defaultValue);
        }
        return this;
    }

    /** Defines a property without a range. */
    public ConfigDef define(String name, Type type, Object defaultValue, String unit, String doc) {
        return define(name, type, defaultValue, unit, null, null, doc);
    }

    public String title() {
        return title;
    }

    public List<Key> keys() {
        return Collections.unmodifiableList(new ArrayList<>(keys.values()));
    }

    /**
     * Validates {@code props} against this definition and returns every defined property's value,
     * defaults filled in. Properties this definition does not know are ignored, so one properties
     * file can serve several roles.
     *
     * @throws ConfigException naming the first property that is malformed, out of range, or
     *                         required (no default) and missing
     */
    public Values parse(Map<String, ?> props) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Key key : keys.values()) {
            Object raw = props.get(key.name());
            Object value = raw == null ? key.defaultValue() : convert(key, raw);
            if (value == null) {
                throw new ConfigException(key.name(), null, "required, and has no default");
            }
            check(key, value);
            values.put(key.name(), value);
        }
        return new Values(values);
    }

    private static Object convert(Key key, Object raw) {
        if (!(raw instanceof String s)) {
            return switch (key.type()) {
                case INT -> raw instanceof Integer ? raw : fail(key, raw, "expected an int");
                case LONG -> raw instanceof Long || raw instanceof Integer ? ((Number) raw).longValue() : fail(key, raw, "expected a long");
                case BOOLEAN -> raw instanceof Boolean ? raw : fail(key, raw, "expected true or false");
                case STRING -> fail(key, raw, "expected a string");
                case LIST -> raw instanceof List<?> list && list.stream().noneMatch(Objects::isNull) ? List.copyOf(list)
                    : fail(key, raw, "expected a list without nulls");
                case DOUBLE -> raw instanceof Number n ? n.doubleValue() : fail(key, raw, "expected a number");
            };
        }
        String trimmed = s.trim();
        try {
            return switch (key.type()) {
                case INT -> Integer.parseInt(trimmed);
                case LONG -> Long.parseLong(trimmed);
                case BOOLEAN -> parseBoolean(key, trimmed);
                case STRING -> trimmed;
                case LIST -> trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s*,\\s*"));
                case DOUBLE -> Double.parseDouble(trimmed);
            };
        } catch (NumberFormatException e) {
            return fail(key, raw, "not a number of type " + key.type().name().toLowerCase());
        }
    }

    private static Object parseBoolean(Key key, String s) {
        if (s.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (s.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        return fail(key, s, "expected true or false");
    }

    private static void check(Key key, Object value) {
        if (value instanceof Double d) {
            if (d.isNaN() || key.min() != null && d < key.min()) {
                fail(key, value, "must be at least " + key.min());
            }
            if (key.max() != null && d > key.max()) {
                fail(key, value, "must be at most " + key.max());
            }
        } else if (value instanceof Number n) {
            long v = n.longValue();
            if (key.min() != null && v < key.min()) {
                fail(key, value, "must be at least " + key.min());
            }
            if (key.max() != null && v > key.max()) {
                fail(key, value, "must be at most " + key.max());
            }
        }
    }

    private static Object fail(Key key, Object value, String reason) {
        throw new ConfigException(key.name(), value, reason);
    }

    /** A Markdown table of every property: name, type, default, unit, valid values, meaning. */
    public String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| property | type | default | unit | valid values | meaning |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Key key : keys.values()) {
            out.append("| `").append(key.name()).append("` | ")
                .append(key.type().name().toLowerCase()).append(" | ")
                .append(key.defaultValue() == null ? "(required)" : "`" + render(key.defaultValue()) + "`").append(" | ")
                .append(key.unit() == null ? "" : key.unit()).append(" | ")
                .append(range(key)).append(" | ")
                .append(key.doc().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }

    private static String render(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    private static String range(Key key) {
        if (key.min() == null && key.max() == null) {
            return "";
        }
        if (key.max() == null) {
            return "≥ " + key.min();
        }
        if (key.min() == null) {
            return "≤ " + key.max();
        }
        return "[" + key.min() + ", " + key.max() + "]";
    }

    /** Validated values by property name. Immutable. */
    public static final class Values {
        private final Map<String, Object> values;

        private Values(Map<String, Object> values) {
            this.values = Collections.unmodifiableMap(values);
        }

        public int getInt(String name) {
            return (Integer) get(name);
        }

        public long getLong(String name) {
            return (Long) get(name);
        }

        public double getDouble(String name) {
            return (Double) get(name);
        }

        public boolean getBoolean(String name) {
            return (Boolean) get(name);
        }

        public String getString(String name) {
            return (String) get(name);
        }

        @SuppressWarnings("unchecked")
        public List<String> getList(String name) {
            return ((List<Object>) get(name)).stream().map(String::valueOf).toList();
        }

        private Object get(String name) {
            Object value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("not a defined property: " + name);
            }
            return value;
        }
    }
}
