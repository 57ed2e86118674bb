package io.varve.client;

import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.ApiMessageType;

/**
 * The versions Varve's clients implement, per API: the part of the generated codec's range
 * ({@link ApiMessageType}) whose semantics the client code handles. This is the client's side of the
 * negotiation, and it is separate from what a broker advertises ({@link ApiKey}'s served table, which
 * only says what Varve's own broker serves): a client speaks to Varve and to Apache Kafka alike, and
 * picks per API the highest version both sides have ({@link NodeApiVersions}).
 *
 * <p>Where a band reaches below a semantic change, the code that builds the request and reads the
 * answer handles both sides of it; the notes below say where. Immutable; thread-safe.
 */
public final class ClientApiVersions {

    private static final short[] MIN = new short[ApiKey.values().length];
    private static final short[] MAX = new short[ApiKey.values().length];

    // Each band stops at the highest version whose fields the calling code fills and reads; raising one
    // means handling what that version adds (the notes say what each band's floor and top mean).
    static {
        for (ApiKey key : ApiKey.values()) {
            MIN[key.ordinal()] = -1;
            MAX[key.ordinal()] = -1;
        }
        // Produce by topic name (v13 is by topic id); RecordBatch v2 needs v3+.
        band(ApiKey.PRODUCE, 3, 12);
        // Below v13 partitions are fetched by topic name, from v13 by topic id.
        band(ApiKey.FETCH, 4, 16);
        // From v1 (one offset per partition); the leader epoch is ignorable below v4.
        band(ApiKey.LIST_OFFSETS, 1, 9);
        // From v4 (allowAutoTopicCreation); below v10 a Metadata answer carries no topic ids.
        band(ApiKey.METADATA, 4, 13);
        // By topic name (v10 is by topic id); v2-4 carry a retention time, left at its default.
        band(ApiKey.OFFSET_COMMIT, 2, 9);
        // From v2 (a null topic list asks for every partition); below v8 one group per request.
        band(ApiKey.OFFSET_FETCH, 2, 9);
        // Below v4 FindCoordinator carries a single key.
        band(ApiKey.FIND_COORDINATOR, 0, 6);
        // Below v4 JoinGroup has no MEMBER_ID_REQUIRED round trip.
        band(ApiKey.JOIN_GROUP, 0, 9);
        band(ApiKey.HEARTBEAT, 0, 4);
        // Below v3 LeaveGroup names one member in a top-level field.
        band(ApiKey.LEAVE_GROUP, 0, 5);
        band(ApiKey.SYNC_GROUP, 0, 5);
        band(ApiKey.DESCRIBE_GROUPS, 0, 6);
        // Below v4 ListGroups answers no group state (it reads as empty).
        band(ApiKey.LIST_GROUPS, 0, 5);
        band(ApiKey.API_VERSIONS, 0, 4);
        band(ApiKey.CREATE_TOPICS, 5, 7);
        // Below v6 DeleteTopics names topics in a plain list.
        band(ApiKey.DELETE_TOPICS, 1, 6);
        // The producer asks with every field at its default, which means the same at every version.
        band(ApiKey.INIT_PRODUCER_ID, 0, 5);
        band(ApiKey.DESCRIBE_CONFIGS, 1, 4);
        band(ApiKey.CREATE_PARTITIONS, 0, 3);
        band(ApiKey.DELETE_GROUPS, 0, 2);
        band(ApiKey.DESCRIBE_CLUSTER, 0, 2);
    }

    private ClientApiVersions() {
    }

    private static void band(ApiKey key, int min, int max) {
        ApiMessageType type = ApiMessageType.forApiKey(key.id);
        if (type == null || min < type.lowestVersion || max > type.highestVersion || min > max) {
            throw new ExceptionInInitializerError("client band [" + min + ", " + max + "] of " + key.displayName
                + " is outside the generated codec's range");
        }
        MIN[key.ordinal()] = (short) min;
        MAX[key.ordinal()] = (short) max;
    }

    /** The lowest version of {@code key} the client implements, or -1 when it does not use the API. */
    public static short minVersion(ApiKey key) {
        return MIN[key.ordinal()];
    }

    /** The highest version of {@code key} the client implements, or -1 when it does not use the API. */
    public static short maxVersion(ApiKey key) {
        return MAX[key.ordinal()];
    }
}
