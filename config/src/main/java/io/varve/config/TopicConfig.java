package io.varve.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Per-topic overrides of the partition-log settings, under Kafka's topic-level names
 * ({@code retention.ms}, {@code segment.bytes}, ...), each mapped to the broker-level
 * {@link LogConfig} property it overrides. CreateTopics validates with {@link #validate}, the
 * broker opens a topic's logs with {@link #logConfig}, and DescribeConfigs reports {@link #describe}.
 * Stateless; thread-safe.
 */
public final class TopicConfig {

    public static final String CLEANUP_POLICY = "cleanup.policy";

    /** Topic-level name → broker-level {@link LogConfig} name, in the order DescribeConfigs lists them. */
    private static final Map<String, String> TOPIC_TO_BROKER = new LinkedHashMap<>();

    static {
        TOPIC_TO_BROKER.put("segment.bytes", LogConfig.SEGMENT_BYTES);
        TOPIC_TO_BROKER.put("segment.ms", LogConfig.SEGMENT_MS);
        TOPIC_TO_BROKER.put("index.interval.bytes", LogConfig.INDEX_INTERVAL_BYTES);
        TOPIC_TO_BROKER.put("segment.index.bytes", LogConfig.INDEX_SIZE_MAX_BYTES);
        TOPIC_TO_BROKER.put("retention.ms", LogConfig.RETENTION_MS);
        TOPIC_TO_BROKER.put("retention.bytes", LogConfig.RETENTION_BYTES);
        TOPIC_TO_BROKER.put("flush.messages", LogConfig.FLUSH_INTERVAL_MESSAGES);
        TOPIC_TO_BROKER.put("flush.ms", LogConfig.FLUSH_INTERVAL_MS);
        TOPIC_TO_BROKER.put("max.message.bytes", LogConfig.MESSAGE_MAX_BYTES);
    }

    private TopicConfig() {
    }

    /** The topic-level names Varve accepts, in display order. */
    public static Iterable<String> names() {
        return TOPIC_TO_BROKER.keySet();
    }

    /** The broker-level {@link LogConfig} property a topic-level name overrides, if any. */
    public static Optional<String> brokerName(String topicName) {
        return Optional.ofNullable(TOPIC_TO_BROKER.get(topicName));
    }

    /**
     * Why these overrides are not acceptable, or empty when they are: unknown names, values of the
     * wrong type or out of range, and a cleanup policy other than {@code delete} (compaction is not
     * served yet) are refused.
     */
    public static Optional<String> validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (CLEANUP_POLICY.equals(e.getKey())) {
                if (!"delete".equals(e.getValue())) {
                    return Optional.of("cleanup.policy=" + e.getValue() + " is not supported; only delete is");
                }
            } else if (!TOPIC_TO_BROKER.containsKey(e.getKey())) {
                return Optional.of("unknown topic config " + e.getKey());
            } else if (e.getValue() == null) {
                return Optional.of("topic config " + e.getKey() + " has no value");
            }
        }
        try {
            logConfig(Map.of(), overrides);
            return Optional.empty();
        } catch (ConfigException ex) {
            return Optional.of(ex.getMessage());
        }
    }

    /** The log config of a topic: broker properties, then the topic's overrides on top. */
    public static LogConfig logConfig(Map<String, ?> brokerProps, Map<String, String> overrides) {
        Map<String, Object> merged = new HashMap<>(brokerProps);
        overrides.forEach((name, value) -> {
            String broker = TOPIC_TO_BROKER.get(name);
            if (broker != null && value != null) {
                merged.put(broker, value);
            }
        });
        return LogConfig.from(merged);
    }

    /** Every topic-level setting of {@code config} as DescribeConfigs shows it, plus the cleanup policy. */
    public static Map<String, String> describe(LogConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(CLEANUP_POLICY, "delete");
        out.put("segment.bytes", Integer.toString(config.segmentBytes()));
        out.put("segment.ms", Long.toString(config.segmentMs()));
        out.put("index.interval.bytes", Integer.toString(config.indexIntervalBytes()));
        out.put("segment.index.bytes", Integer.toString(config.maxIndexSizeBytes()));
        out.put("retention.ms", Long.toString(config.retentionMs()));
        out.put("retention.bytes", Long.toString(config.retentionBytes()));
        out.put("flush.messages", Long.toString(config.flushIntervalMessages()));
        out.put("flush.ms", Long.toString(config.flushIntervalMs()));
        out.put("max.message.bytes", Integer.toString(config.maxMessageBytes()));
        return out;
    }
}
