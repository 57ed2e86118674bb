package io.varve.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parsed command line of {@code varve topics}: the action and its options, or why the line is
 * not valid usage. Parsing never throws for bad input: a bad line is a result whose
 * {@link #error()} is set. Immutable.
 *
 * @param action            create, list, describe or delete; null when {@code help} was asked
 * @param bootstrapServer   {@code host:port} of a broker
 * @param topic             the topic, null when not given
 * @param partitions        partitions to create, -1 for the broker's default
 * @param replicationFactor replicas per partition, -1 for the broker's default
 * @param configs           topic config overrides for create
 * @param timeoutMs         how long the operation may take in all
 * @param error             why the line is invalid, null when it is valid
 */
record TopicsArgs(String action, String bootstrapServer, String topic, int partitions, int replicationFactor,
        Map<String, String> configs, long timeoutMs, String error) {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    static final long DEFAULT_TIMEOUT_MS = 30_000L;

    static final String USAGE = """
        usage: varve topics <action> [options]

          create   --topic T [--partitions N] [--replication-factor R] [--config name=value]...
          list
          describe [--topic T]      partitions, leader, replicas, ISR and config overrides
          delete   --topic T

        options for every action:
          --bootstrap-server HOST:PORT   a broker to contact (default 127.0.0.1:9092)
          --timeout-ms MS                how long the operation may take, retries included (default 30000)
          --help                         this text

        exit status: 0 done, 1 the broker refused or could not be reached, 2 bad usage
        """;

    private static final Set<String> ACTIONS = Set.of("create", "list", "describe", "delete");
    private static final Set<String> OPTIONS = Set.of("--bootstrap-server", "--topic", "--partitions",
        "--replication-factor", "--config", "--timeout-ms");

    /** Whether {@code --help} was asked for: print the usage and succeed. */
    boolean help() {
        return action == null && error == null;
    }

    static TopicsArgs parse(String[] args) {
        if (args.length == 0) {
            return invalid("no action given");
        }
        if (isHelp(args[0])) {
            return new TopicsArgs(null, DEFAULT_BOOTSTRAP, null, -1, -1, Map.of(), DEFAULT_TIMEOUT_MS, null);
        }
        String action = args[0];
        if (!ACTIONS.contains(action)) {
            return invalid("unknown action '" + action + "'");
        }
        Builder b = new Builder(action);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (isHelp(arg)) {
                return new TopicsArgs(null, DEFAULT_BOOTSTRAP, null, -1, -1, Map.of(), DEFAULT_TIMEOUT_MS, null);
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            }
            if (!arg.startsWith("--")) {
                return invalid("unexpected argument '" + arg + "'");
            }
            if (!OPTIONS.contains(name)) {
                return invalid("unknown option " + name);
            }
            if (value == null) {
                return invalid(name + " needs a value");
            }
            String problem = b.set(name, value);
            if (problem != null) {
                return invalid(problem);
            }
        }
        return b.build();
    }

    private static boolean isHelp(String arg) {
        return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
    }

    private static TopicsArgs invalid(String why) {
        return new TopicsArgs(null, DEFAULT_BOOTSTRAP, null, -1, -1, Map.of(), DEFAULT_TIMEOUT_MS, why);
    }

    /** Collects options; each setter answers null when the option is fine, else why it is not. */
    private static final class Builder {
        private final String action;
        private String bootstrap = DEFAULT_BOOTSTRAP;
        private String topic;
        private int partitions = -1;
        private int replicationFactor = -1;
        private final Map<String, String> configs = new LinkedHashMap<>();
        private long timeoutMs = DEFAULT_TIMEOUT_MS;

        Builder(String action) {
            this.action = action;
        }

        String set(String name, String value) {
            boolean creating = action.equals("create");
            switch (name) {
                case "--bootstrap-server" -> bootstrap = value;
                case "--topic" -> {
                    if (action.equals("list")) {
                        return "list takes no --topic";
                    }
                    topic = value;
                }
                case "--partitions", "--replication-factor" -> {
                    if (!creating) {
                        return name + " applies to create only";
                    }
                    long n = positive(value);
                    if (n < 0 || n > (name.equals("--partitions") ? Integer.MAX_VALUE : Short.MAX_VALUE)) {
                        return name + " must be a positive number, got '" + value + "'";
                    }
                    if (name.equals("--partitions")) {
                        partitions = (int) n;
                    } else {
                        replicationFactor = (int) n;
                    }
                }
                case "--config" -> {
                    int eq = value.indexOf('=');
                    if (!creating) {
                        return "--config applies to create only";
                    }
                    if (eq <= 0) {
                        return "--config expects name=value, got '" + value + "'";
                    }
                    configs.put(value.substring(0, eq), value.substring(eq + 1));
                }
                case "--timeout-ms" -> {
                    timeoutMs = positive(value);
                    if (timeoutMs < 0 || timeoutMs > Integer.MAX_VALUE) {
                        return "--timeout-ms must be a positive number of milliseconds, got '" + value + "'";
                    }
                }
                default -> {
                    return "unknown option " + name;
                }
            }
            return null;
        }

        TopicsArgs build() {
            if ((action.equals("create") || action.equals("delete")) && topic == null) {
                return invalid(action + " needs --topic");
            }
            return new TopicsArgs(action, bootstrap, topic, partitions, replicationFactor, Map.copyOf(configs), timeoutMs, null);
        }

        /** The value as a positive long, or -1 when it is not one. */
        private static long positive(String value) {
            try {
                long n = Long.parseLong(value.trim());
                return n > 0 ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
    }
}
