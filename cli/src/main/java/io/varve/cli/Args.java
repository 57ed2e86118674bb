package io.varve.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of the form {@code --name value} and {@code --flag}, checked against the
 * names a command accepts; repeated options (such as {@code --property}) keep every value.
 * Bad usage is an {@link UsageException}, which commands turn into exit code 2.
 */
final class Args {

    private final Map<String, List<String>> values = new HashMap<>();

    private Args() {
    }

    /**
     * @param withValue options that take a value
     * @param flags     options that take none
     */
    static Args parse(String[] args, Set<String> withValue, Set<String> flags) {
        Args parsed = new Args();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (flags.contains(name)) {
                parsed.values.computeIfAbsent(name, n -> new ArrayList<>()).add("true");
            } else if (withValue.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                parsed.values.computeIfAbsent(name, n -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new UsageException("unknown option " + name);
            }
        }
        return parsed;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name, String defaultValue) {
        List<String> v = values.get(name);
        return v == null ? defaultValue : v.get(v.size() - 1);
    }

    String required(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new UsageException(name + " is required");
        }
        return v;
    }

    long getLong(String name, long defaultValue) {
        String v = get(name, null);
        try {
            return v == null ? defaultValue : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, got " + v);
        }
    }

    /** {@code --property name=value} pairs, in order. */
    Map<String, Object> properties(String name) {
        Map<String, Object> props = new HashMap<>();
        for (String kv : values.getOrDefault(name, List.of())) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException(name + " needs name=value, got " + kv);
            }
            props.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return props;
    }

    /** Bad command-line usage: the message is shown with the command's usage text. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
