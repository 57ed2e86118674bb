package io.varve.raft.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.metadata.MetadataRecord;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** State Watch's wire format: round trips, and every truncation or impossible count is malformed. */
class FetchMetadataCodecTest {

    private static final FetchMetadataCodec.Response WITH_RECORDS = new FetchMetadataCodec.Response((short) 0, 2, 13, null,
        List.of(new FetchMetadataCodec.OffsetRecord(10, new MetadataRecord.Topic("a", new UUID(1, 2))),
            new FetchMetadataCodec.OffsetRecord(12, new MetadataRecord.Topic("b", new UUID(3, 4)))));
    private static final FetchMetadataCodec.Response WITH_SNAPSHOT =
        new FetchMetadataCodec.Response((short) 0, 3, 500, new byte[] {0, 0, 0, 0, 0, 0, 1, -12, 7, 7}, List.of());

    @Test
    void requestAndResponsesRoundTrip() {
        FetchMetadataCodec.Request request = new FetchMetadataCodec.Request(42, 1 << 20, 500);
        ProtocolWriter w = new ProtocolWriter();
        FetchMetadataCodec.writeRequest(request, w);
        assertEquals(request, FetchMetadataCodec.readRequest(new ProtocolReader(w.toByteBuffer())));

        FetchMetadataCodec.Response back = FetchMetadataCodec.readResponse(new ProtocolReader(body(WITH_RECORDS)));
        assertEquals(WITH_RECORDS.records(), back.records());
        assertEquals(13, back.nextOffset());
        assertEquals(2, back.leaderId());
        assertNull(back.snapshot());
        FetchMetadataCodec.Response snapshot = FetchMetadataCodec.readResponse(new ProtocolReader(body(WITH_SNAPSHOT)));
        assertArrayEquals(WITH_SNAPSHOT.snapshot(), snapshot.snapshot());
        assertEquals(500, snapshot.nextOffset());
    }

    @Test
    void everyTruncationIsMalformed() {
        for (FetchMetadataCodec.Response r : List.of(WITH_RECORDS, WITH_SNAPSHOT)) {
            ByteBuffer body = body(r);
            for (int length = 0; length < body.remaining(); length++) {
                ByteBuffer cut = body.duplicate().limit(length);
                assertThrows(MalformedMessageException.class, () -> FetchMetadataCodec.readResponse(new ProtocolReader(cut)),
                    "cut at " + length);
            }
        }
        ProtocolWriter w = new ProtocolWriter();
        FetchMetadataCodec.writeRequest(new FetchMetadataCodec.Request(1, 2, 3), w);
        ByteBuffer request = w.toByteBuffer();
        for (int length = 0; length < request.remaining(); length++) {
            ByteBuffer cut = request.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> FetchMetadataCodec.readRequest(new ProtocolReader(cut)));
        }
    }

    @Test
    void aCountLargerThanTheBytesLeftAndNegativeFieldsAreMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt16((short) 0).writeInt32(1).writeInt64(0).writeNullableBytes(null, true).writeUnsignedVarint(1001);
        w.writeInt64(1);
        assertThrows(MalformedMessageException.class, () -> FetchMetadataCodec.readResponse(new ProtocolReader(w.toByteBuffer())));

        ProtocolWriter negative = new ProtocolWriter();
        negative.writeInt64(-1).writeInt32(10).writeInt32(10).writeEmptyTaggedFields();
        assertThrows(MalformedMessageException.class, () -> FetchMetadataCodec.readRequest(new ProtocolReader(negative.toByteBuffer())));
    }

    @Test
    void aRecordThatDoesNotDecodeIsMalformed() {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt16((short) 0).writeInt32(1).writeInt64(0).writeNullableBytes(null, true).writeUnsignedVarint(2);
        w.writeInt64(1).writeBytes(new byte[] {9, 9, 9, 9, 9, 9}, true).writeEmptyTaggedFields();
        assertThrows(MalformedMessageException.class, () -> FetchMetadataCodec.readResponse(new ProtocolReader(w.toByteBuffer())));
    }

    private static ByteBuffer body(FetchMetadataCodec.Response r) {
        ProtocolWriter w = new ProtocolWriter();
        FetchMetadataCodec.write(r, w);
        return w.toByteBuffer();
    }
}
