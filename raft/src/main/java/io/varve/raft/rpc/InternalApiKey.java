package io.varve.raft.rpc;

/**
 * The RPCs of the controller listener (DESIGN §3): Varve's own, in a key range Kafka does not use,
 * so a client that sends one to the client listener gets an unknown-key close there, and they are
 * never listed in ApiVersions. Each has one version, 0, and is flexible (request header v2,
 * response header v1).
 */
public enum InternalApiKey {
    /** Any {@link io.varve.raft.core.RaftMessage}, one way; the response only acknowledges receipt. */
    RAFT_MESSAGE(10_000),
    /** A broker asks the active controller to register it; answers error and broker epoch. */
    REGISTER_BROKER(10_001),
    /** A broker renews its lease with the active controller (HeartBeat), or asks to shut down. */
    BROKER_HEARTBEAT(10_002),
    /** A broker that is not the active controller asks it for a block of producer ids (InitProducerId). */
    ALLOCATE_PRODUCER_IDS(10_003),
    /** A broker that is not the active controller forwards topic creations to it. */
    CREATE_TOPICS(10_004),
    /**
     * A broker-only node follows the committed metadata log (State Watch): a long poll for the
     * records after an offset, or the latest snapshot when that offset was compacted away.
     */
    FETCH_METADATA(10_010),
    /** A broker that is not the active controller forwards topic deletions to it (ids 10020-10029: forwarding). */
    DELETE_TOPICS(10_020),
    /** A broker that is not the active controller forwards partition additions to it. */
    CREATE_PARTITIONS(10_021),
    /** A partition leader asks the active controller to change the partition's ISR (Kafka's AlterPartition). */
    ALTER_PARTITION(10_022);

    public final short id;

    InternalApiKey(int id) {
        this.id = (short) id;
    }

    /** The key with {@code id}, or null when there is none. */
    public static InternalApiKey forId(short id) {
        for (InternalApiKey k : values()) {
            if (k.id == id) {
                return k;
            }
        }
        return null;
    }
}
