package io.varve.client.group;

import io.varve.common.TopicPartition;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The "consumer" protocol type's metadata: what a member puts in JoinGroup's protocol metadata
 * (a {@link Subscription}) and what the leader hands each member in SyncGroup (an
 * {@link Assignment}). The layouts are Kafka's {@code ConsumerProtocolSubscription} and
 * {@code ConsumerProtocolAssignment} (non-flexible), prefixed with their int16 version, so Varve
 * consumers and Kafka consumers can share a group and read each other's bytes:
 *
 * <pre>
 *   Subscription v3                          Assignment v3
 *   +---------+                              +---------+
 *   | version | int16                        | version | int16
 *   +---------+                              +---------+
 *   | topics  | int32 n, n × string          | assigned| int32 n, n × (string topic,
 *   | userData| int32 len (-1 null), bytes   |         |   int32 m, m × int32 partition)
 *   | owned   | v1+: int32 n, n × (string    | userData| int32 len (-1 null), bytes
 *   |         |   topic, int32 m, m × int32) +---------+
 *   | genId   | v2+: int32 (-1 none)
 *   | rackId  | v3+: nullable string
 *   +---------+
 * </pre>
 *
 * <p>Encoding follows {@code kafka-clients}: written at version 3, topics sorted, owned partitions
 * sorted and grouped by topic, assigned partitions grouped by topic in the order given. Decoding
 * accepts versions 0 to 3 and reads a newer version as version 3 (later versions only append
 * fields, as Kafka promises); a negative version or a truncated body is malformed. Stateless and
 * thread-safe.
 */
public final class ConsumerProtocol {

    /** The protocol type a consumer names in JoinGroup. */
    public static final String PROTOCOL_TYPE = "consumer";
    /** The version written, as in kafka-clients 4. */
    public static final short SUBSCRIPTION_VERSION = 3;
    public static final short ASSIGNMENT_VERSION = 3;
    /** Generation id meaning "none known". */
    public static final int NO_GENERATION = -1;

    /**
     * What a member asks for.
     *
     * @param topics          the topics it subscribes to
     * @param userData        the assignor's bytes (the cooperative-sticky generation), or null
     * @param ownedPartitions the partitions it owns now (v1+)
     * @param generationId    the generation in which it got them, {@link #NO_GENERATION} when none (v2+)
     * @param rackId          its rack, or null (v3+)
     */
    public record Subscription(List<String> topics, byte[] userData, List<TopicPartition> ownedPartitions,
                               int generationId, String rackId) {
        public Subscription {
            topics = List.copyOf(topics);
            ownedPartitions = List.copyOf(ownedPartitions);
        }

        public Subscription(List<String> topics) {
            this(topics, null, List.of(), NO_GENERATION, null);
        }
    }

    /**
     * What the leader gives a member.
     *
     * @param partitions the partitions assigned
     * @param userData   the assignor's bytes, or null
     */
    public record Assignment(List<TopicPartition> partitions, byte[] userData) {
        public Assignment {
            partitions = List.copyOf(partitions);
        }

        public Assignment(List<TopicPartition> partitions) {
            this(partitions, null);
        }
    }

    private ConsumerProtocol() {
    }

    /** Encodes at {@link #SUBSCRIPTION_VERSION}. */
    public static byte[] encodeSubscription(Subscription s) {
        return encodeSubscription(s, SUBSCRIPTION_VERSION);
    }

    /** Encodes at {@code version} (0-3); fields the version lacks are left out. */
    public static byte[] encodeSubscription(Subscription s, short version) {
        checkVersion(version);
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt16(version);
        List<String> topics = new ArrayList<>(s.topics());
        topics.sort(null);
        w.writeArrayLength(topics.size(), false);
        topics.forEach(t -> w.writeString(t, false));
        w.writeNullableBytes(s.userData(), false);
        if (version >= 1) {
            List<TopicPartition> owned = new ArrayList<>(s.ownedPartitions());
            owned.sort(null);
            writePartitions(w, owned);
        }
        if (version >= 2) {
            w.writeInt32(s.generationId());
        }
        if (version >= 3) {
            w.writeNullableString(s.rackId(), false);
        }
        return toBytes(w);
    }

    /**
     * Decodes a subscription of any version.
     *
     * @throws MalformedMessageException for a negative version or a truncated or oversized body
     */
    public static Subscription decodeSubscription(ByteBuffer bytes) {
        ProtocolReader r = new ProtocolReader(bytes);
        short version = readVersion(r);
        int n = r.readNonNullArrayLength(false);
        List<String> topics = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            topics.add(r.readString(false));
        }
        byte[] userData = r.readNullableBytes(false);
        List<TopicPartition> owned = version >= 1 ? readPartitions(r) : List.of();
        int generation = version >= 2 ? r.readInt32() : NO_GENERATION;
        String rack = version >= 3 ? r.readNullableString(false) : null;
        return new Subscription(topics, userData, owned, generation, rack);
    }

    /** Encodes at {@link #ASSIGNMENT_VERSION}. */
    public static byte[] encodeAssignment(Assignment a) {
        return encodeAssignment(a, ASSIGNMENT_VERSION);
    }

    /** Encodes at {@code version} (0-3; the layout is the same in all). */
    public static byte[] encodeAssignment(Assignment a, short version) {
        checkVersion(version);
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt16(version);
        writePartitions(w, a.partitions());
        w.writeNullableBytes(a.userData(), false);
        return toBytes(w);
    }

    /**
     * Decodes an assignment of any version. An empty buffer is an empty assignment: the
     * coordinator sends one to a member the leader gave nothing.
     *
     * @throws MalformedMessageException for a negative version or a truncated or oversized body
     */
    public static Assignment decodeAssignment(ByteBuffer bytes) {
        if (!bytes.hasRemaining()) {
            return new Assignment(List.of());
        }
        ProtocolReader r = new ProtocolReader(bytes);
        readVersion(r);
        List<TopicPartition> partitions = readPartitions(r);
        byte[] userData = r.readNullableBytes(false);
        return new Assignment(partitions, userData);
    }

    private static void writePartitions(ProtocolWriter w, Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        w.writeArrayLength(byTopic.size(), false);
        byTopic.forEach((topic, ids) -> {
            w.writeString(topic, false);
            w.writeArrayLength(ids.size(), false);
            ids.forEach(w::writeInt32);
        });
    }

    private static List<TopicPartition> readPartitions(ProtocolReader r) {
        int topics = r.readNonNullArrayLength(false);
        List<TopicPartition> out = new ArrayList<>();
        for (int i = 0; i < topics; i++) {
            String topic = r.readString(false);
            int n = r.readNonNullArrayLength(false);
            for (int j = 0; j < n; j++) {
                out.add(partition(topic, r.readInt32()));
            }
        }
        return out;
    }

    private static TopicPartition partition(String topic, int partition) {
        try {
            return new TopicPartition(topic, partition);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("bad partition " + topic + "/" + partition + ": " + e.getMessage());
        }
    }

    private static short readVersion(ProtocolReader r) {
        short version = r.readInt16();
        if (version < 0) {
            throw new MalformedMessageException("consumer protocol version " + version);
        }
        return version;
    }

    private static void checkVersion(short version) {
        if (version < 0 || version > 3) {
            throw new IllegalArgumentException("consumer protocol version must be 0-3: " + version);
        }
    }

    private static byte[] toBytes(ProtocolWriter w) {
        ByteBuffer b = w.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
