package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.GeneratedMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ResponseEncoderTest {

    private final NetworkMetrics metrics = new NetworkMetrics();

    /** A response with a records field between two fixed fields, standing in for Fetch. */
    record RecordsResponse(Records records) implements GeneratedMessage {
        @Override
        public short apiKey() {
            return ApiKey.FETCH.id;
        }

        @Override
        public void write(ProtocolWriter w, short version) {
            w.writeInt32(7).writeRecords(records, true).writeInt16(9);
        }
    }

    private static final byte[] BATCH = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    private static OutboundResponse fetch(Records records) {
        return new OutboundResponse(ApiKey.FETCH, ApiKey.FETCH.servedMaxVersion, 77, new RecordsResponse(records));
    }

    /** Checks the frame's bytes: size, header v1, int32 7, records, int16 9. */
    private static void assertFrame(ByteBuf frame) {
        int size = frame.readInt();
        assertEquals(frame.readableBytes(), size);
        byte[] body = new byte[size];
        frame.readBytes(body);
        ProtocolReader r = new ProtocolReader(ByteBuffer.wrap(body));
        assertEquals(77, r.readInt32());
        r.skipTaggedFields(); // response header v1 (flexible Fetch)
        assertEquals(7, r.readInt32());
        ByteBuffer records = r.readRecords(true);
        byte[] got = new byte[records.remaining()];
        records.get(got);
        assertArrayEquals(BATCH, got);
        assertEquals(9, r.readInt16());
        r.expectEnd();
    }

    @Test
    void addsNettyRecordsWithoutCopyingAndClosesThemWhenTheWriteCompletes() {
        ByteBuf backing = Unpooled.directBuffer().writeBytes(BATCH);
        ByteBufRecords records = new ByteBufRecords(backing);
        EmbeddedChannel channel = new EmbeddedChannel(new ResponseEncoder(metrics));

        assertTrue(channel.writeOutbound(fetch(records)));
        assertTrue(records.isClosed(), "closed once written");
        ByteBuf frame = channel.readOutbound();
        try {
            assertEquals(1, backing.refCnt(), "the frame still holds the slice");
            // Zero copy: a change to the records' own buffer shows through the frame.
            int recordsAt = 4 + 5 + 4 + 1;
            backing.setByte(0, 99);
            assertEquals(99, frame.getByte(recordsAt));
            backing.setByte(0, BATCH[0]);
            assertFrame(frame);
        } finally {
            frame.release();
        }
        assertEquals(0, backing.refCnt());
        assertEquals(4 + 4 + 1 + 4 + 1 + BATCH.length + 2, metrics.bytesOut());
        assertFalse(channel.finish());
    }

    @Test
    void copiesOtherRecords() {
        EmbeddedChannel channel = new EmbeddedChannel(new ResponseEncoder(metrics));
        assertTrue(channel.writeOutbound(fetch(Records.of(ByteBuffer.wrap(BATCH)))));
        ByteBuf frame = channel.readOutbound();
        try {
            assertFrame(frame);
        } finally {
            frame.release();
        }
        assertFalse(channel.finish());
    }

    @Test
    void closesNettyRecordsWhenTheWriteFails() {
        ByteBuf backing = Unpooled.directBuffer().writeBytes(BATCH);
        ByteBufRecords records = new ByteBufRecords(backing);
        ChannelOutboundHandlerAdapter brokenSocket = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                promise.setFailure(new IOException("connection reset"));
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(brokenSocket, new ResponseEncoder(metrics));

        ChannelFuture write = channel.writeAndFlush(fetch(records));
        assertFalse(write.isSuccess());
        assertTrue(records.isClosed());
        assertEquals(0, backing.refCnt());
        assertEquals(0, metrics.bytesOut());
        assertFalse(channel.finish());
    }

    @Test
    void discardClosesTheRecordsOfAResponseThatIsNeverWritten() {
        ByteBuf backing = Unpooled.directBuffer().writeBytes(BATCH);
        ByteBufRecords records = new ByteBufRecords(backing);
        ResponseEncoder.discard(new RecordsResponse(records), ApiKey.FETCH.servedMaxVersion);
        assertTrue(records.isClosed());
        assertEquals(0, backing.refCnt());
    }
}
