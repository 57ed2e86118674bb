package io.varve.protocol.message;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * The leader a partition has now, sent in the {@code CurrentLeader} tagged field of Produce (v10+)
 * and Fetch (v12+) partition responses. The field is on the wire only when it differs from
 * {@link #UNKNOWN}.
 *
 * @param leaderId    the leader's broker id, or -1 when unknown
 * @param leaderEpoch the leader epoch, or -1 when unknown
 */
public record LeaderIdAndEpoch(int leaderId, int leaderEpoch) {

    /** The default: no leader known; never written on the wire. */
    public static final LeaderIdAndEpoch UNKNOWN = new LeaderIdAndEpoch(-1, -1);

    static LeaderIdAndEpoch read(ProtocolReader r) {
        LeaderIdAndEpoch leader = new LeaderIdAndEpoch(r.readInt32(), r.readInt32());
        r.skipTaggedFields();
        return leader;
    }

    void write(ProtocolWriter w) {
        w.writeInt32(leaderId).writeInt32(leaderEpoch).writeEmptyTaggedFields();
    }

    /** Whether the tagged field must be written (Kafka leaves out a struct equal to its defaults). */
    boolean isKnown() {
        return !equals(UNKNOWN);
    }
}
