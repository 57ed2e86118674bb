package io.varve.common;

import java.util.Objects;

/**
 * A topic name and a partition number: the identity of a partition log. Its directory name is
 * {@code <topic>-<partition>}, as in Kafka; {@link #parseDirectoryName(String)} reverses that.
 * Immutable.
 */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {

    /** Kafka's limit on topic name length. */
    public static final int MAX_TOPIC_LENGTH = 249;

    /**
     * @throws IllegalArgumentException for a topic name Kafka would refuse (it names a directory, so
     *                                  "../x" must never get this far) or a negative partition
     */
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (!isValidTopicName(topic)) {
            throw new IllegalArgumentException("invalid topic name: '" + topic + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative: " + partition);
        }
    }

    /** {@code <topic>-<partition>}. */
    public String directoryName() {
        return topic + "-" + partition;
    }

    /**
     * Parses {@code <topic>-<partition>}; the topic may itself contain dashes.
     *
     * @throws IllegalArgumentException when the name has no dash or no partition number after it
     */
    public static TopicPartition parseDirectoryName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("not a partition directory name: " + name);
        }
        String digits = name.substring(dash + 1);
        boolean canonical = digits.chars().allMatch(c -> c >= '0' && c <= '9') && (digits.length() == 1 || digits.charAt(0) != '0');
        if (!canonical) {
            throw new IllegalArgumentException("not a partition directory name: " + name);
        }
        try {
            return new TopicPartition(name.substring(0, dash), Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a partition directory name: " + name, e);
        }
    }

    /** Checks a topic name as Kafka does: 1-249 characters of {@code [a-zA-Z0-9._-]}, not "." or "..". */
    public static boolean isValidTopicName(String topic) {
        if (topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH || topic.equals(".") || topic.equals("..")) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(TopicPartition o) {
        int byTopic = topic.compareTo(o.topic);
        return byTopic != 0 ? byTopic : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return directoryName();
    }
}
