package io.varve.raft.rpc;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.Arrays;
import java.util.UUID;

/**
 * {@link InternalApiKey#ALTER_PARTITION}: a partition leader asks the active controller to set the
 * partition's ISR (Kafka's AlterPartition, one partition per request: ISR changes are rare and the
 * leader retries on its next ISR check). The answer carries only the error: the new ISR reaches the
 * leader through its metadata image.
 *
 * <pre>
 *  request:  topic_id uuid | partition int32 | leader_id int32 | leader_epoch int32
 *            | new_isr compact array of int32 | partition_epoch int32 | tagged fields
 *  response: error_code int16 | leader_id int32 | tagged fields
 * </pre>
 *
 * Stateless; thread-safe.
 */
public final class AlterPartitionCodec {

    private AlterPartitionCodec() {
    }

    /** The request: the change the leader computed from the image at {@code partitionEpoch}. */
    public record Request(UUID topicId, int partition, int leaderId, int leaderEpoch, int[] newIsr, int partitionEpoch) {
        public Request {
            newIsr = newIsr.clone();
        }

        @Override
        public int[] newIsr() {
            return newIsr.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Request q && topicId.equals(q.topicId) && partition == q.partition && leaderId == q.leaderId
                && leaderEpoch == q.leaderEpoch && Arrays.equals(newIsr, q.newIsr) && partitionEpoch == q.partitionEpoch;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * topicId.hashCode() + partition) + Arrays.hashCode(newIsr);
        }

        @Override
        public String toString() {
            return "AlterPartition(" + topicId + "-" + partition + " leader " + leaderId + "@" + leaderEpoch
                + " isr " + Arrays.toString(newIsr) + " partition epoch " + partitionEpoch + ")";
        }
    }

    /** The response: the controller's error, and the leader the answering node knows (-1 if none). */
    public record Response(short errorCode, int leaderId) {
    }

    public static void write(Request q, ProtocolWriter w) {
        w.writeUuid(q.topicId()).writeInt32(q.partition()).writeInt32(q.leaderId()).writeInt32(q.leaderEpoch());
        int[] isr = q.newIsr();
        w.writeArrayLength(isr.length, true);
        for (int id : isr) {
            w.writeInt32(id);
        }
        w.writeInt32(q.partitionEpoch()).writeEmptyTaggedFields();
    }

    public static Request readRequest(ProtocolReader r) {
        UUID topicId = r.readUuid();
        int partition = r.readInt32();
        int leaderId = r.readInt32();
        int leaderEpoch = r.readInt32();
        int count = r.readNonNullArrayLength(true);
        int[] isr = new int[count];
        for (int i = 0; i < count; i++) {
            isr[i] = r.readInt32();
        }
        int partitionEpoch = r.readInt32();
        r.skipTaggedFields();
        r.expectEnd();
        return new Request(topicId, partition, leaderId, leaderEpoch, isr, partitionEpoch);
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt16(s.errorCode()).writeInt32(s.leaderId()).writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        Response s = new Response(r.readInt16(), r.readInt32());
        r.skipTaggedFields();
        r.expectEnd();
        return s;
    }
}
