package io.varve.broker.group;

import io.varve.common.TopicPartition;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.JoinGroupRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Varve's versioned binary layouts of the {@code __consumer_offsets} records, in the classic Kafka
 * encodings (int16-length strings, int32-length bytes, big-endian). The key's first int16 says
 * what the record is, as in Kafka (1 = offset commit, 2 = group metadata); the value's first int16
 * is its layout version. A null value is a tombstone: the key's offset or group is gone.
 *
 * <pre>
 *  offset key    : key_type int16 = 1 | group string | topic string | partition int32
 *  offset value  : version int16 = 0 | offset int64 | leader_epoch int32 | metadata nullable string
 *                  | commit_timestamp_ms int64
 *  group key     : key_type int16 = 2 | group string
 *  group value   : version int16 = 0 | protocol_type string | generation int32 | protocol nullable string
 *                  | leader nullable string | state_timestamp_ms int64
 *                  | member_count int32, then per member: member_id string | instance_id nullable string
 *                    | client_id string | client_host string | rebalance_timeout_ms int32
 *                    | session_timeout_ms int32 | subscription bytes | assignment bytes
 * </pre>
 * Stateless; thread-safe.
 */
public final class CoordinatorRecords {

    static final short OFFSET_KEY = 1;
    static final short GROUP_KEY = 2;
    private static final short VALUE_VERSION = 0;

    private CoordinatorRecords() {
    }

    /** What replaying a record does; the loader implements it. */
    public interface Visitor {
        void onOffset(String groupId, TopicPartition tp, OffsetAndMetadata offset);

        void onOffsetTombstone(String groupId, TopicPartition tp);

        void onGroup(String groupId, LoadedGroup group);

        void onGroupTombstone(String groupId);
    }

    /** A group as its metadata record stores it. */
    public record LoadedGroup(String protocolType, int generationId, String protocolName, String leaderId,
            long stateTimestampMs, List<LoadedMember> members) {
    }

    /** A member as the group metadata record stores it. */
    public record LoadedMember(String memberId, String groupInstanceId, String clientId, String clientHost,
            int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    static CoordinatorRecord offset(String groupId, TopicPartition tp, OffsetAndMetadata o) {
        return new CoordinatorRecord(offsetKey(groupId, tp), bytes(new ProtocolWriter().writeInt16(VALUE_VERSION)
            .writeInt64(o.offset()).writeInt32(o.leaderEpoch()).writeNullableString(o.metadata(), false)
            .writeInt64(o.commitTimestampMs())));
    }

    static CoordinatorRecord offsetTombstone(String groupId, TopicPartition tp) {
        return new CoordinatorRecord(offsetKey(groupId, tp), null);
    }

    static CoordinatorRecord group(ClassicGroup g, long nowMs) {
        ProtocolWriter w = new ProtocolWriter().writeInt16(VALUE_VERSION).writeString(g.protocolType, false)
            .writeInt32(g.generationId).writeNullableString(g.protocolName, false)
            .writeNullableString(g.leaderId, false).writeInt64(nowMs).writeInt32(g.members.size());
        for (GroupMember m : g.members.values()) {
            byte[] subscription = g.protocolName == null ? null : m.metadata(g.protocolName);
            w.writeString(m.memberId, false).writeNullableString(m.groupInstanceId, false)
                .writeString(m.clientId, false).writeString(m.clientHost, false).writeInt32(m.rebalanceTimeoutMs)
                .writeInt32(m.sessionTimeoutMs).writeBytes(subscription == null ? new byte[0] : subscription, false)
                .writeBytes(m.assignment, false);
        }
        return new CoordinatorRecord(groupKey(g.groupId), bytes(w));
    }

    static CoordinatorRecord groupTombstone(String groupId) {
        return new CoordinatorRecord(groupKey(groupId), null);
    }

    private static byte[] offsetKey(String groupId, TopicPartition tp) {
        return bytes(new ProtocolWriter().writeInt16(OFFSET_KEY).writeString(groupId, false)
            .writeString(tp.topic(), false).writeInt32(tp.partition()));
    }

    private static byte[] groupKey(String groupId) {
        return bytes(new ProtocolWriter().writeInt16(GROUP_KEY).writeString(groupId, false));
    }

    private static byte[] bytes(ProtocolWriter w) {
        ByteBuffer b = w.toByteBuffer();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The group a record belongs to (the partition it must live in), from its key. */
    public static String groupOf(ByteBuffer key) {
        ProtocolReader r = new ProtocolReader(key.duplicate());
        r.readInt16();
        return r.readString(false);
    }

    /**
     * Replays one record into {@code visitor}.
     *
     * @param value null for a tombstone
     * @throws MalformedMessageException for an unknown key type or value version, or bytes that do not parse
     */
    public static void replay(ByteBuffer key, ByteBuffer value, Visitor visitor) {
        ProtocolReader k = new ProtocolReader(key.duplicate());
        short type = k.readInt16();
        String groupId = k.readString(false);
        if (type == OFFSET_KEY) {
            TopicPartition tp = new TopicPartition(k.readString(false), k.readInt32());
            k.expectEnd();
            if (value == null) {
                visitor.onOffsetTombstone(groupId, tp);
                return;
            }
            ProtocolReader v = versioned(value);
            OffsetAndMetadata o = new OffsetAndMetadata(v.readInt64(), v.readInt32(), v.readNullableString(false),
                v.readInt64());
            v.expectEnd();
            visitor.onOffset(groupId, tp, o);
        } else if (type == GROUP_KEY) {
            k.expectEnd();
            if (value == null) {
                visitor.onGroupTombstone(groupId);
                return;
            }
            visitor.onGroup(groupId, readGroup(versioned(value)));
        } else {
            throw new MalformedMessageException("unknown __consumer_offsets key type " + type);
        }
    }

    private static ProtocolReader versioned(ByteBuffer value) {
        ProtocolReader v = new ProtocolReader(value.duplicate());
        short version = v.readInt16();
        if (version != VALUE_VERSION) {
            throw new MalformedMessageException("unknown __consumer_offsets value version " + version);
        }
        return v;
    }

    private static LoadedGroup readGroup(ProtocolReader v) {
        String protocolType = v.readString(false);
        int generation = v.readInt32();
        String protocol = v.readNullableString(false);
        String leader = v.readNullableString(false);
        long timestamp = v.readInt64();
        int n = v.readNonNullArrayLength(false);
        List<LoadedMember> members = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            members.add(new LoadedMember(v.readString(false), v.readNullableString(false), v.readString(false),
                v.readString(false), v.readInt32(), v.readInt32(), v.readBytes(false), v.readBytes(false)));
        }
        v.expectEnd();
        return new LoadedGroup(protocolType, generation, protocol, leader, timestamp, members);
    }

    /** The protocols a loaded member is known to support: the selected one, with its subscription. */
    static List<JoinGroupRequest.JoinGroupRequestProtocol> protocolsOf(LoadedGroup g, LoadedMember m) {
        return g.protocolName() == null ? List.of() : List.of(new JoinGroupRequest.JoinGroupRequestProtocol(g.protocolName(),
            m.subscription()));
    }
}
