package io.varve.raft.metadata;

/**
 * The kind of resource a {@link MetadataRecord.Config} record configures. The codes are Kafka's
 * {@code ConfigResource.Type} codes, so that the broker can pass them through DescribeConfigs and
 * IncrementalAlterConfigs unchanged.
 */
public enum ConfigResourceType {
    /** A topic; the resource name is the topic name. */
    TOPIC((byte) 2),
    /** A broker; the resource name is the node id in decimal, or "" for the cluster-wide default. */
    BROKER((byte) 4);

    private final byte code;

    ConfigResourceType(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    /** The type with this code, or null for a code Varve does not know. */
    public static ConfigResourceType forCode(byte code) {
        for (ConfigResourceType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
