package io.varve.raft.controller;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;

import io.varve.config.ConfigDef;
import io.varve.config.ConfigException;
import io.varve.config.LogConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Topic-level configs: Kafka's topic names ({@code retention.ms}) for the broker-level properties of
 * {@link LogConfig} ({@code log.retention.ms}), validated by {@link LogConfig}'s own definition, plus
 * the topic-only {@code cleanup.policy}, {@code min.insync.replicas} and
 * {@code unclean.leader.election.enable}. A topic's effective config
 * is its overrides over the broker's values of the same properties.
 *
 * <p>Immutable and thread-safe.
 */
public final class TopicConfigs {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    /** Topic config name to the {@link LogConfig} property it overrides, in Kafka's documented order. */
    private static final Map<String, String> TO_LOG_CONFIG = orderedMap(
        "segment.bytes", LogConfig.SEGMENT_BYTES,
        "segment.ms", LogConfig.SEGMENT_MS,
        "segment.index.bytes", LogConfig.INDEX_SIZE_MAX_BYTES,
        "index.interval.bytes", LogConfig.INDEX_INTERVAL_BYTES,
        "retention.ms", LogConfig.RETENTION_MS,
        "retention.bytes", LogConfig.RETENTION_BYTES,
        "flush.messages", LogConfig.FLUSH_INTERVAL_MESSAGES,
        "flush.ms", LogConfig.FLUSH_INTERVAL_MS,
        "max.message.bytes", LogConfig.MESSAGE_MAX_BYTES);

    /** Topic-only configs, with no broker-level twin in {@link LogConfig}. */
    static final ConfigDef TOPIC_ONLY = new ConfigDef("Topic-only configs")
        .define(CLEANUP_POLICY, LIST, List.of("delete"), null,
            "delete, compact, or both (comma-separated): what happens to old segments.")
        .define(MIN_INSYNC_REPLICAS, INT, 1, "replicas", 1L, (long) Short.MAX_VALUE,
            "In-sync replicas an acks=all produce needs.")
        .define(UNCLEAN_LEADER_ELECTION_ENABLE, BOOLEAN, false, null,
            "Whether a partition with no live in-sync replica may elect any live replica.");

    /** Compaction arrives with the consumer-groups issue; until then only deletion is served. */
    private static final Set<String> CLEANUP_POLICIES = Set.of("delete");

    private final Map<String, String> defaults;

    private TopicConfigs(Map<String, String> defaults) {
        this.defaults = Collections.unmodifiableMap(defaults);
    }

    /**
     * Topic config defaults taken from the broker's properties (a missing property takes its default).
     *
     * @throws ConfigException if a broker-level log property is malformed
     */
    public static TopicConfigs withBrokerDefaults(Map<String, ?> brokerProps) {
        ConfigDef.Values log = LogConfig.DEF.parse(brokerProps);
        Object unclean = brokerProps.get(UNCLEAN_LEADER_ELECTION_ENABLE);
        ConfigDef.Values topicOnly = TOPIC_ONLY.parse(unclean == null ? Map.of() : Map.of(UNCLEAN_LEADER_ELECTION_ENABLE, unclean));
        Map<String, String> defaults = new TreeMap<>();
        for (ConfigDef.Key key : LogConfig.DEF.keys()) {
            String topicName = topicNameOf(key.name());
            if (topicName != null) {
                defaults.put(topicName, key.type() == ConfigDef.Type.INT
                    ? Integer.toString(log.getInt(key.name())) : Long.toString(log.getLong(key.name())));
            }
        }
        defaults.put(CLEANUP_POLICY, String.join(",", topicOnly.getList(CLEANUP_POLICY)));
        defaults.put(MIN_INSYNC_REPLICAS, Integer.toString(topicOnly.getInt(MIN_INSYNC_REPLICAS)));
        defaults.put(UNCLEAN_LEADER_ELECTION_ENABLE, Boolean.toString(topicOnly.getBoolean(UNCLEAN_LEADER_ELECTION_ENABLE)));
        return new TopicConfigs(defaults);
    }

    /** Every topic config name this controller accepts. */
    public Set<String> names() {
        return defaults.keySet();
    }

    /** Every topic config at its default, by name. */
    public Map<String, String> defaults() {
        return defaults;
    }

    /**
     * Checks topic config overrides: every name known, every value present and valid.
     *
     * @return null when they are valid, else the reason (for an INVALID_CONFIG error message)
     */
    public String validate(Map<String, String> overrides) {
        Map<String, String> topicOnlyProps = new HashMap<>();
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || !defaults.containsKey(name)) {
                return "Unknown topic config name: " + name;
            }
            if (value == null) {
                return "Null value not supported for topic config " + name;
            }
            String logName = TO_LOG_CONFIG.get(name);
            if (logName == null) {
                topicOnlyProps.put(name, value);
                continue;
            }
            try {
                LogConfig.from(Map.of(logName, value));
            } catch (ConfigException ex) {
                return "Invalid value " + value + " for topic config " + name + " (" + ex.getMessage() + ")";
            }
        }
        try {
            List<String> policies = TOPIC_ONLY.parse(topicOnlyProps).getList(CLEANUP_POLICY);
            if (policies.isEmpty() || !CLEANUP_POLICIES.containsAll(policies)) {
                return "Invalid value " + policies + " for topic config " + CLEANUP_POLICY
                    + ": only delete is supported (compaction is not served yet)";
            }
        } catch (ConfigException ex) {
            return ex.getMessage();
        }
        return null;
    }

    /** The effective configs of a topic with these (valid) overrides: every topic config, by name. */
    public Map<String, String> effective(Map<String, String> overrides) {
        Map<String, String> effective = new TreeMap<>(defaults);
        overrides.forEach((name, value) -> effective.put(name, value.trim()));
        return Collections.unmodifiableMap(effective);
    }

    /**
     * The log config of a topic's partitions: the broker's properties with the topic's overrides of
     * log properties on top (topic-only configs do not shape the log).
     */
    public static LogConfig logConfig(Map<String, ?> brokerProps, Map<String, String> overrides) {
        Map<String, Object> merged = new HashMap<>(brokerProps);
        overrides.forEach((name, value) -> {
            String logName = TO_LOG_CONFIG.get(name);
            if (logName != null && value != null) {
                merged.put(logName, value.trim());
            }
        });
        return LogConfig.from(merged);
    }

    /** The broker-level {@link LogConfig} property a topic config overrides, or null for topic-only configs. */
    public static String logConfigName(String topicConfigName) {
        return TO_LOG_CONFIG.get(topicConfigName);
    }

    private static String topicNameOf(String logConfigName) {
        for (Map.Entry<String, String> e : TO_LOG_CONFIG.entrySet()) {
            if (e.getValue().equals(logConfigName)) {
                return e.getKey();
            }
        }
        return null;
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
