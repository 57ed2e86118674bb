package io.varve.protocol.record.compress;

/**
 * The compression codecs of RecordBatch v2: the value of attribute bits 0-2, with Kafka's names (as
 * in {@code compression.type}). Ids 5-7 are unassigned.
 */
public enum CompressionType {
    NONE(0, "none"),
    GZIP(1, "gzip"),
    SNAPPY(2, "snappy"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    private static final CompressionType[] BY_ID = values();

    private final int id;
    private final String kafkaName;

    CompressionType(int id, String kafkaName) {
        this.id = id;
        this.kafkaName = kafkaName;
    }

    /** The codec id in the batch attributes. */
    public int id() {
        return id;
    }

    /** Kafka's name for the codec: {@code none}, {@code gzip}, {@code snappy}, {@code lz4}, {@code zstd}. */
    public String kafkaName() {
        return kafkaName;
    }

    /** Whether {@code id} names a codec; check before {@link #forId} when the id comes from the wire. */
    public static boolean isKnownId(int id) {
        return id >= 0 && id < BY_ID.length;
    }

    /**
     * The codec with this attribute id.
     *
     * @throws IllegalArgumentException if no codec has that id (see {@link #isKnownId})
     */
    public static CompressionType forId(int id) {
        if (!isKnownId(id)) {
            throw new IllegalArgumentException("unknown compression codec id " + id);
        }
        return BY_ID[id];
    }

    /**
     * The codec with Kafka's name {@code name}, in lower case as Kafka spells it.
     *
     * @throws IllegalArgumentException if no codec has that name
     */
    public static CompressionType forName(String name) {
        for (CompressionType type : BY_ID) {
            if (type.kafkaName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown compression type " + name);
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
