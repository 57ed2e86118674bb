package io.varve.raft.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.SnapshotMeta;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftMessageCodecTest {

    private static final List<RaftMessage> EVERY_KIND = List.of(
        new RaftMessage.VoteRequest(1, 2, 7, true, 42, 6),
        new RaftMessage.VoteResponse(2, 1, 7, false, true),
        new RaftMessage.AppendRequest(1, 3, 7, 41, 6,
            List.of(new RaftEntry(42, 7, new byte[0]), new RaftEntry(43, 7, new byte[] {1, 2, 3})), 40),
        new RaftMessage.AppendRequest(1, 3, 7, 43, 7, List.of(), 43),
        new RaftMessage.AppendResponse(3, 1, 7, false, 17),
        new RaftMessage.SnapshotRequest(1, 2, 8, new SnapshotMeta(100, 8), new byte[] {9, 8, 7}),
        new RaftMessage.SnapshotResponse(2, 1, 8, 100));

    @Test
    void everyKindRoundTripsInsideARequestFrame() {
        for (RaftMessage m : EVERY_KIND) {
            ByteBuffer frame = InternalFrames.request(InternalApiKey.RAFT_MESSAGE, 99, "node-1",
                w -> RaftMessageCodec.write(m, w));
            assertEquals(frame.remaining() - 4, frame.getInt(0));
            ProtocolReader r = new ProtocolReader(frame.position(4));
            InternalFrames.Header header = InternalFrames.readRequestHeader(r);
            assertEquals(new InternalFrames.Header(InternalApiKey.RAFT_MESSAGE, (short) 0, 99, "node-1"), header);
            RaftMessage back = RaftMessageCodec.read(r);
            assertEquals(m.getClass(), back.getClass());
            assertEquals(m.term(), back.term());
            // Encoding is deterministic and covers every field (byte arrays included), so equal bytes mean equal messages.
            assertArrayEquals(bytes(body(m)), bytes(body(back)), m.toString());
        }
    }

    @Test
    void everyTruncationIsMalformed() {
        for (RaftMessage m : EVERY_KIND) {
            ByteBuffer body = body(m);
            for (int length = 0; length < body.remaining(); length++) {
                ByteBuffer cut = body.duplicate().limit(length);
                assertThrows(MalformedMessageException.class, () -> RaftMessageCodec.read(new ProtocolReader(cut)),
                    m + " cut at " + length);
            }
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        RaftMessageCodec.write(EVERY_KIND.get(0), w);
        w.writeInt8(0);
        assertThrows(MalformedMessageException.class, () -> RaftMessageCodec.read(new ProtocolReader(w.toByteBuffer())));
    }

    @Test
    void aHugeEntryCountOrLengthAllocatesNothingAndIsMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt8(2).writeInt32(1).writeInt32(2).writeInt32(3).writeInt64(0).writeInt32(0).writeInt64(0);
        w.writeUnsignedVarint(Integer.MAX_VALUE);
        assertTrue(assertThrows(MalformedMessageException.class, () -> RaftMessageCodec.read(new ProtocolReader(w.toByteBuffer()))).getMessage().contains("array length"));

        ProtocolWriter snap = new ProtocolWriter();
        snap.writeInt8(4).writeInt32(1).writeInt32(2).writeInt32(3).writeInt64(5).writeInt32(1);
        snap.writeUnsignedVarint(Integer.MAX_VALUE);
        assertThrows(MalformedMessageException.class, () -> RaftMessageCodec.read(new ProtocolReader(snap.toByteBuffer())));
    }

    @Test
    void anUnknownKindOrAnImpossibleEntryIsMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt8(9).writeInt32(1).writeInt32(2).writeInt32(3).writeEmptyTaggedFields();
        assertTrue(assertThrows(MalformedMessageException.class, () -> RaftMessageCodec.read(new ProtocolReader(w.toByteBuffer()))).getMessage().contains("kind 9"));

        ProtocolWriter bad = new ProtocolWriter();
        bad.writeInt8(2).writeInt32(1).writeInt32(2).writeInt32(3).writeInt64(0).writeInt32(0).writeInt64(0);
        bad.writeArrayLength(1, true).writeInt64(0).writeInt32(1).writeBytes(new byte[0], true).writeEmptyTaggedFields();
        assertTrue(assertThrows(MalformedMessageException.class, () -> RaftMessageCodec.read(new ProtocolReader(bad.toByteBuffer()))).getMessage().contains("inconsistent"));
    }

    @Test
    void anUnknownInternalKeyOrVersionIsMalformed() {
        ByteBuffer frame = InternalFrames.request(InternalApiKey.RAFT_MESSAGE, 1, null, w -> { });
        frame.putShort(4, (short) 18); // ApiVersions is a client API, not an internal one
        assertThrows(MalformedMessageException.class, () -> InternalFrames.readRequestHeader(new ProtocolReader(frame.position(4))));
        ByteBuffer v1 = InternalFrames.request(InternalApiKey.RAFT_MESSAGE, 1, null, w -> { });
        v1.putShort(6, (short) 1);
        assertTrue(assertThrows(MalformedMessageException.class, () -> InternalFrames.readRequestHeader(new ProtocolReader(v1.position(4)))).getMessage().contains("version"));
        assertThrows(MalformedMessageException.class, () -> InternalFrames.checkedSize(-1, 100));
        assertThrows(MalformedMessageException.class, () -> InternalFrames.checkedSize(101, 100));
        assertEquals(100, InternalFrames.checkedSize(100, 100));
    }

    @Test
    void ackAndRegistrationRoundTrip() {
        ByteBuffer ack = InternalFrames.response(5, w -> RaftMessageCodec.writeAck((short) 41, w));
        ProtocolReader r = new ProtocolReader(ack.position(4));
        assertEquals(5, InternalFrames.readResponseHeader(r));
        assertEquals((short) 41, RaftMessageCodec.readAck(r));

        RegisterBrokerCodec.Request q = new RegisterBrokerCodec.Request(4, "127.0.0.1", 9094, null);
        ProtocolWriter w = new ProtocolWriter();
        RegisterBrokerCodec.write(q, w);
        ByteBuffer qb = w.toByteBuffer();
        assertEquals(q, RegisterBrokerCodec.readRequest(new ProtocolReader(qb.duplicate())));
        for (int length = 0; length < qb.remaining(); length++) {
            ByteBuffer cut = qb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> RegisterBrokerCodec.readRequest(new ProtocolReader(cut)));
        }
        RegisterBrokerCodec.Response s = new RegisterBrokerCodec.Response((short) 41, "not the controller", -1, 2);
        ProtocolWriter sw = new ProtocolWriter();
        RegisterBrokerCodec.write(s, sw);
        assertEquals(s, RegisterBrokerCodec.readResponse(new ProtocolReader(sw.toByteBuffer())));
    }

    @Test
    void aHeartbeatCarriesItsOfflineLogDirsInATaggedFieldThatOldReadersSkip() {
        BrokerHeartbeatCodec.Request q = new BrokerHeartbeatCodec.Request(3, 1234L, false, List.of("/data/a", "/data/b"));
        ProtocolWriter w = new ProtocolWriter();
        BrokerHeartbeatCodec.write(q, w);
        ByteBuffer qb = w.toByteBuffer();
        assertEquals(q, BrokerHeartbeatCodec.readRequest(new ProtocolReader(qb.duplicate())));
        for (int length = 0; length < qb.remaining(); length++) {
            ByteBuffer cut = qb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> BrokerHeartbeatCodec.readRequest(new ProtocolReader(cut)));
        }
        // A reader that knows no tag (the layout before the field) still reads the fixed fields and skips it.
        ProtocolReader old = new ProtocolReader(qb.duplicate());
        assertEquals(3, old.readInt32());
        assertEquals(1234L, old.readInt64());
        assertEquals(false, old.readBoolean());
        old.skipTaggedFields();
        old.expectEnd();
        // A request with no offline directory is byte for byte the old layout, and reads back with none.
        ProtocolWriter none = new ProtocolWriter();
        BrokerHeartbeatCodec.write(new BrokerHeartbeatCodec.Request(3, 1234L, false), none);
        assertEquals(4 + 8 + 1 + 1, none.toByteBuffer().remaining());
        assertEquals(List.of(), BrokerHeartbeatCodec.readRequest(new ProtocolReader(none.toByteBuffer())).offlineLogDirs());
    }

    @Test
    void heartbeatRoundTripsAndEveryTruncationIsMalformed() {
        BrokerHeartbeatCodec.Request q = new BrokerHeartbeatCodec.Request(3, 1234L, true);
        ProtocolWriter w = new ProtocolWriter();
        BrokerHeartbeatCodec.write(q, w);
        ByteBuffer qb = w.toByteBuffer();
        assertEquals(q, BrokerHeartbeatCodec.readRequest(new ProtocolReader(qb.duplicate())));
        for (int length = 0; length < qb.remaining(); length++) {
            ByteBuffer cut = qb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> BrokerHeartbeatCodec.readRequest(new ProtocolReader(cut)));
        }
        BrokerHeartbeatCodec.Response s = new BrokerHeartbeatCodec.Response((short) 0, false, true, 2);
        ProtocolWriter sw = new ProtocolWriter();
        BrokerHeartbeatCodec.write(s, sw);
        ByteBuffer sb = sw.toByteBuffer();
        assertEquals(s, BrokerHeartbeatCodec.readResponse(new ProtocolReader(sb.duplicate())));
        for (int length = 0; length < sb.remaining(); length++) {
            ByteBuffer cut = sb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> BrokerHeartbeatCodec.readResponse(new ProtocolReader(cut)));
        }
    }

    @Test
    void producerIdAllocationRoundTripsAndEveryTruncationIsMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        AllocateProducerIdsCodec.writeRequest(7, w);
        assertEquals(7, AllocateProducerIdsCodec.readRequest(new ProtocolReader(w.toByteBuffer())));
        AllocateProducerIdsCodec.Response s = new AllocateProducerIdsCodec.Response((short) 0, 5000, 1000, 1);
        ProtocolWriter sw = new ProtocolWriter();
        AllocateProducerIdsCodec.write(s, sw);
        ByteBuffer sb = sw.toByteBuffer();
        assertEquals(s, AllocateProducerIdsCodec.readResponse(new ProtocolReader(sb.duplicate())));
        for (int length = 0; length < sb.remaining(); length++) {
            ByteBuffer cut = sb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> AllocateProducerIdsCodec.readResponse(new ProtocolReader(cut)));
        }
    }

    @Test
    void forwardedTopicCreationRoundTripsAndEveryTruncationIsMalformed() {
        CreateTopicsCodec.Request q = new CreateTopicsCodec.Request(false, List.of(
            new io.varve.raft.controller.NewTopic("a", 3, (short) 2, java.util.Map.of("retention.ms", "1000")),
            io.varve.raft.controller.NewTopic.withDefaults("b")));
        ProtocolWriter w = new ProtocolWriter();
        CreateTopicsCodec.write(q, w);
        ByteBuffer qb = w.toByteBuffer();
        assertEquals(q, CreateTopicsCodec.readRequest(new ProtocolReader(qb.duplicate())));
        for (int length = 0; length < qb.remaining(); length++) {
            ByteBuffer cut = qb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> CreateTopicsCodec.readRequest(new ProtocolReader(cut)));
        }
        CreateTopicsCodec.Response s = new CreateTopicsCodec.Response(2, List.of(
            new io.varve.raft.controller.CreateTopicResult("a", io.varve.protocol.Errors.NONE, null,
                new java.util.UUID(4, 5), 3, (short) 2, java.util.Map.of("retention.ms", "1000")),
            new io.varve.raft.controller.CreateTopicResult("b", io.varve.protocol.Errors.TOPIC_ALREADY_EXISTS, "exists",
                io.varve.raft.controller.CreateTopicResult.NO_TOPIC_ID, -1, (short) -1, java.util.Map.of())));
        ProtocolWriter sw = new ProtocolWriter();
        CreateTopicsCodec.write(s, sw);
        ByteBuffer sb = sw.toByteBuffer();
        assertEquals(s, CreateTopicsCodec.readResponse(new ProtocolReader(sb.duplicate())));
        for (int length = 0; length < sb.remaining(); length++) {
            ByteBuffer cut = sb.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> CreateTopicsCodec.readResponse(new ProtocolReader(cut)));
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static ByteBuffer body(RaftMessage m) {
        ProtocolWriter w = new ProtocolWriter();
        RaftMessageCodec.write(m, w);
        return w.toByteBuffer();
    }
}
