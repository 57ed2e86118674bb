package io.varve.broker.group;

/** The internal topic that holds committed offsets and group metadata, and how groups map onto it. */
public final class OffsetsTopic {

    public static final String NAME = "__consumer_offsets";

    private OffsetsTopic() {
    }

    /** Kafka's mapping: {@code Utils.abs(groupId.hashCode()) % numPartitions}, where abs clears the sign bit. */
    public static int partitionFor(String groupId, int numPartitions) {
        return (groupId.hashCode() & 0x7fffffff) % numPartitions;
    }
}
