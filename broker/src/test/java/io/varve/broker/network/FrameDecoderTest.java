package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final int MAX = 64;

    private final NetworkMetrics metrics = new NetworkMetrics();
    private final FrameDecoder decoder = new FrameDecoder(MAX, metrics);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    private static ByteBuf frame(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.buffer().writeInt(bytes.length).writeBytes(bytes);
    }

    private String readFrame() {
        ByteBuf f = channel.readInbound();
        if (f == null) {
            return null;
        }
        try {
            return f.toString(StandardCharsets.US_ASCII);
        } finally {
            f.release();
        }
    }

    @Test
    void reassemblesFramesDeliveredOneByteAtATime() {
        ByteBuf stream = Unpooled.buffer().writeBytes(frame("hello")).writeBytes(frame("")).writeBytes(frame("world"));
        try {
            while (stream.isReadable()) {
                channel.writeInbound(stream.readRetainedSlice(1));
            }
        } finally {
            stream.release();
        }
        assertEquals("hello", readFrame());
        assertEquals("", readFrame());
        assertEquals("world", readFrame());
        assertNull(readFrame());
        assertEquals(3 * 4 + 10, metrics.bytesIn());
        assertFalse(channel.finish());
        assertEquals(0, metrics.truncatedFrames());
    }

    @Test
    void splitsSeveralFramesArrivingInOneRead() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame("a"), frame("bb"), frame("ccc")));
        assertEquals("a", readFrame());
        assertEquals("bb", readFrame());
        assertEquals("ccc", readFrame());
        assertFalse(channel.finish());
    }

    @Test
    void acceptsAFrameOfExactlyTheMaximum() {
        channel.writeInbound(frame("x".repeat(MAX)));
        assertEquals(MAX, readFrame().length());
        assertEquals(0, metrics.framesTooLarge());
        assertFalse(channel.finish());
    }

    @Test
    void closesOnASizeAboveTheMaximumWithoutWaitingForTheBody() {
        channel.writeInbound(Unpooled.buffer().writeInt(MAX + 1));
        assertFalse(channel.isActive());
        assertEquals(1, metrics.framesTooLarge());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void closesOnANegativeSizeAndIgnoresWhatFollows() {
        channel.writeInbound(Unpooled.buffer().writeInt(-5).writeBytes(frame("after")));
        assertFalse(channel.isActive());
        assertEquals(1, metrics.negativeFrameSizes());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void countsAConnectionThatEndsInsideAFrame() {
        ByteBuf partial = frame("truncated");
        partial.writerIndex(partial.writerIndex() - 2);
        channel.writeInbound(partial);
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
        assertEquals(1, metrics.truncatedFrames());
    }

    @Test
    void holdsFramesWhilePausedAndEmitsThemOnResume() {
        decoder.pause();
        channel.writeInbound(Unpooled.wrappedBuffer(frame("one"), frame("two")));
        assertNull(channel.readInbound());
        assertTrue(decoder.isPaused());

        decoder.resume();
        assertEquals("one", readFrame());
        assertEquals("two", readFrame());
        assertFalse(channel.finish());
    }
}
