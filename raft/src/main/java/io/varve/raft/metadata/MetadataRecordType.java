package io.varve.raft.metadata;

/**
 * The type codes of {@link MetadataRecord}s and the newest version of each that this code writes and
 * reads. A code, once used, keeps its meaning forever; a new field means a new version.
 */
public enum MetadataRecordType {
    /**
     * v1 adds the broker epoch and the fenced and controlled-shutdown flags (v0 reads as unfenced); v2 adds
     * the log-directory-offline flag (v1 reads as online).
     */
    REGISTER_BROKER((short) 1, (short) 2),
    TOPIC((short) 2, (short) 0),
    PARTITION((short) 3, (short) 0),
    REMOVE_TOPIC((short) 4, (short) 0),
    CONFIG((short) 5, (short) 0),
    PRODUCER_IDS((short) 6, (short) 0),
    FENCE_BROKER((short) 7, (short) 0),
    UNFENCE_BROKER((short) 8, (short) 0),
    BROKER_CONTROLLED_SHUTDOWN((short) 9, (short) 0),
    BROKER_LOG_DIR_OFFLINE((short) 10, (short) 0);

    private final short code;
    private final short highestVersion;

    MetadataRecordType(short code, short highestVersion) {
        this.code = code;
        this.highestVersion = highestVersion;
    }

    public short code() {
        return code;
    }

    /** The newest version this code writes; older versions it still reads. */
    public short highestVersion() {
        return highestVersion;
    }

    /** The type with this code, or null for a code Varve does not know. */
    public static MetadataRecordType forCode(short code) {
        for (MetadataRecordType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
