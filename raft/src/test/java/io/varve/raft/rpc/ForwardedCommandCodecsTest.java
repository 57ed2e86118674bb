package io.varve.raft.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.TopicRef;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The forwarded DeleteTopics and CreatePartitions and the networked AlterPartition: every field
 * survives a round trip, every truncation and trailing byte is malformed, and a topic to delete must
 * be named by exactly one of name and id.
 */
class ForwardedCommandCodecsTest {

    private static final UUID ID = new UUID(0x1234, 0x5678);

    @Test
    void deleteTopicsRoundTripsByNameAndById() {
        List<TopicRef> q = List.of(TopicRef.byName("orders"), TopicRef.byId(ID));
        assertEquals(q, roundTrip(w -> DeleteTopicsCodec.writeRequest(q, w), DeleteTopicsCodec::readRequest));

        DeleteTopicsCodec.Response s = new DeleteTopicsCodec.Response(3, List.of(
            new DeleteTopicResult("orders", ID, Errors.NONE, null),
            new DeleteTopicResult(null, null, Errors.UNKNOWN_TOPIC_ID, "no topic with that id")));
        DeleteTopicsCodec.Response back = roundTrip(w -> DeleteTopicsCodec.write(s, w), DeleteTopicsCodec::readResponse);
        assertEquals(s, back);
        assertNull(back.results().get(1).topicId(), "the zero uuid reads back as no id");
    }

    @Test
    void aTopicToDeleteNamedTwiceOrNotAtAllIsMalformed() {
        ProtocolWriter both = new ProtocolWriter();
        both.writeArrayLength(1, true).writeNullableString("orders", true).writeUuid(ID).writeEmptyTaggedFields();
        assertThrows(MalformedMessageException.class, () -> DeleteTopicsCodec.readRequest(new ProtocolReader(both.toByteBuffer())));
        ProtocolWriter neither = new ProtocolWriter();
        neither.writeArrayLength(1, true).writeNullableString(null, true).writeUuid(new UUID(0, 0)).writeEmptyTaggedFields();
        assertThrows(MalformedMessageException.class, () -> DeleteTopicsCodec.readRequest(new ProtocolReader(neither.toByteBuffer())));
    }

    @Test
    void createPartitionsRoundTrips() {
        CreatePartitionsCodec.Request q = new CreatePartitionsCodec.Request(true, List.of(new NewPartitions("orders", 6),
            new NewPartitions("audit", 2)));
        assertEquals(q, roundTrip(w -> CreatePartitionsCodec.write(q, w), CreatePartitionsCodec::readRequest));
        CreatePartitionsCodec.Response s = new CreatePartitionsCodec.Response(-1, List.of(
            new CreatePartitionsResult("orders", Errors.NONE, null),
            new CreatePartitionsResult("audit", Errors.INVALID_PARTITIONS, "only grows")));
        assertEquals(s, roundTrip(w -> CreatePartitionsCodec.write(s, w), CreatePartitionsCodec::readResponse));
    }

    @Test
    void alterPartitionRoundTripsInsideAFrame() {
        AlterPartitionCodec.Request q = new AlterPartitionCodec.Request(ID, 4, 2, 7, new int[] {2, 3}, 11);
        ByteBuffer frame = InternalFrames.request(InternalApiKey.ALTER_PARTITION, 8, "varve-broker-2",
            w -> AlterPartitionCodec.write(q, w));
        ProtocolReader r = new ProtocolReader(frame.position(4));
        assertEquals(InternalApiKey.ALTER_PARTITION, InternalFrames.readRequestHeader(r).apiKey());
        AlterPartitionCodec.Request back = AlterPartitionCodec.readRequest(r);
        assertEquals(q, back);
        assertEquals(List.of(2, 3), java.util.Arrays.stream(back.newIsr()).boxed().toList());

        AlterPartitionCodec.Response s = new AlterPartitionCodec.Response(Errors.FENCED_LEADER_EPOCH.code, 1);
        assertEquals(s, roundTrip(w -> AlterPartitionCodec.write(s, w), AlterPartitionCodec::readResponse));
    }

    @Test
    void theNewKeysLieInTheForwardingRange() {
        for (InternalApiKey k : List.of(InternalApiKey.DELETE_TOPICS, InternalApiKey.CREATE_PARTITIONS,
                InternalApiKey.ALTER_PARTITION)) {
            assertTrue(k.id >= 10_020 && k.id <= 10_029, k.toString());
            assertEquals(k, InternalApiKey.forId(k.id));
        }
    }

    @Test
    void aHugeIsrCountAllocatesNothingAndIsMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        w.writeUuid(ID).writeInt32(0).writeInt32(1).writeInt32(1).writeUnsignedVarint(Integer.MAX_VALUE);
        assertThrows(MalformedMessageException.class, () -> AlterPartitionCodec.readRequest(new ProtocolReader(w.toByteBuffer())));
    }

    /** Writes, reads back, and checks that every shorter prefix and one trailing byte are malformed. */
    private static <T> T roundTrip(Consumer<ProtocolWriter> write, Function<ProtocolReader, T> read) {
        ProtocolWriter w = new ProtocolWriter();
        write.accept(w);
        ByteBuffer bytes = w.toByteBuffer();
        for (int length = 0; length < bytes.remaining(); length++) {
            ByteBuffer cut = bytes.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> read.apply(new ProtocolReader(cut)), "cut at " + length);
        }
        ProtocolWriter longer = new ProtocolWriter();
        write.accept(longer);
        longer.writeInt8(0);
        assertThrows(MalformedMessageException.class, () -> read.apply(new ProtocolReader(longer.toByteBuffer())));
        return read.apply(new ProtocolReader(bytes.duplicate()));
    }
}
