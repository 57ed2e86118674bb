package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static final int MAX = 64;

    private final NetworkMetrics metrics = new NetworkMetrics();
    private final FrameDecoder decoder = new FrameDecoder(MAX, RequestBytesBudget.of(-1, metrics), metrics);
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

    /**
     * A pause must stop the reading: ByteToMessageDecoder on its own asks for one more read after every
     * read that emitted nothing while auto-read is off, which is every read of a paused decoder.
     */
    @Test
    void aPausedDecoderAsksForNoMoreReads() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        io.netty.channel.ChannelOutboundHandlerAdapter readCounter = new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void read(io.netty.channel.ChannelHandlerContext ctx) {
                reads.incrementAndGet();
                ctx.read();
            }
        };
        FrameDecoder paused = new FrameDecoder(MAX, RequestBytesBudget.of(-1, metrics), metrics);
        EmbeddedChannel ch = new EmbeddedChannel(readCounter, paused);
        paused.pause();
        assertFalse(ch.config().isAutoRead());
        int before = reads.get();

        ch.writeInbound(frame("held"));
        ch.writeInbound(frame("back"));

        assertEquals(before, reads.get(), "no read asked for while paused");
        assertNull(ch.readInbound());
        paused.resume();
        assertTrue(ch.config().isAutoRead());
        assertEquals("held", readFrame(ch));
        assertEquals("back", readFrame(ch));
        assertFalse(ch.finish());
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

    /**
     * queued.max.request.bytes, step by step: two connections share a 16-byte budget. Over it, one
     * connection may finish the frame it is receiving (the overdraft), the other stops being read; when
     * the first frame is complete its bytes are freed and the other is read again.
     */
    @Test
    void overTheBudgetOneConnectionFinishesItsFrameAndTheOtherWaitsForRoom() {
        RequestBytesBudget budget = new RequestBytesBudget(16, metrics);
        EmbeddedChannel a = new EmbeddedChannel(new FrameDecoder(MAX, budget, metrics));
        EmbeddedChannel b = new EmbeddedChannel(new FrameDecoder(MAX, budget, metrics));
        ByteBuf frameA = frame("a".repeat(26));
        ByteBuf frameB = frame("b".repeat(26));

        a.writeInbound(frameA.readRetainedSlice(10));
        assertTrue(a.config().isAutoRead(), "10 of 16 bytes");
        b.writeInbound(frameB.readRetainedSlice(10));
        assertEquals(20, budget.heldBytes());
        assertTrue(b.config().isAutoRead(), "over the budget, b took the overdraft to finish its frame");
        a.writeInbound(frameA.readRetainedSlice(2));
        assertFalse(a.config().isAutoRead(), "over the budget and the overdraft is taken: a waits");
        assertEquals(1, metrics.queuedBytesPauses());

        b.writeInbound(frameB.readRetainedSlice(frameB.readableBytes()));
        assertEquals("b".repeat(26), readFrame(b));
        assertEquals(12, budget.heldBytes(), "b's frame was handed on");
        assertFalse(a.config().isAutoRead(), "a is woken on its own event loop");
        a.runPendingTasks();
        assertTrue(a.config().isAutoRead());

        a.writeInbound(frameA.readRetainedSlice(frameA.readableBytes()));
        assertEquals("a".repeat(26), readFrame(a));
        assertEquals(0, budget.heldBytes());
        assertEquals(22, budget.peakBytes(), "the budget, plus b's overdraft and a's one read past it");
        assertEquals(0, metrics.queuedRequestBytes());
        frameA.release();
        frameB.release();
        assertFalse(a.finish());
        assertFalse(b.finish());
    }

    @Test
    void aConnectionThatClosesGivesBackItsBytesAndTheOverdraft() {
        RequestBytesBudget budget = new RequestBytesBudget(8, metrics);
        EmbeddedChannel a = new EmbeddedChannel(new FrameDecoder(MAX, budget, metrics));
        EmbeddedChannel b = new EmbeddedChannel(new FrameDecoder(MAX, budget, metrics));
        ByteBuf partial = frame("z".repeat(40));
        partial.writerIndex(12);
        a.writeInbound(partial);
        b.writeInbound(frame("y".repeat(40)).writerIndex(12));
        assertFalse(b.config().isAutoRead());

        a.close();
        assertEquals(12, budget.heldBytes());
        b.runPendingTasks();
        assertTrue(b.config().isAutoRead(), "b took the overdraft a gave back");
        b.close();
        assertEquals(0, budget.heldBytes());
        assertEquals(2, metrics.truncatedFrames());
    }

    private static String readFrame(EmbeddedChannel channel) {
        ByteBuf f = channel.readInbound();
        try {
            return f.toString(StandardCharsets.US_ASCII);
        } finally {
            f.release();
        }
    }

    /** A frame decoder and {@code deadline} on a channel whose event-loop clock moves only by hand. */
    private EmbeddedChannel withFrozenTime(FirstRequestDeadline deadline) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new FrameDecoder(MAX, RequestBytesBudget.of(-1, metrics), metrics), deadline);
        return ch;
    }

    /** connections.first.request.timeout.ms on the event loop's own timer, moved by hand. */
    @Test
    void aConnectionWithoutAWholeFrameIsClosedAtTheFirstRequestDeadline() {
        EmbeddedChannel silent = withFrozenTime(new FirstRequestDeadline(1_000, metrics));
        silent.writeInbound(Unpooled.buffer().writeInt(5).writeByte('x')); // part of a frame is not a request
        silent.advanceTimeBy(999, TimeUnit.MILLISECONDS);
        silent.runScheduledPendingTasks();
        assertTrue(silent.isActive());
        silent.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        silent.runScheduledPendingTasks();
        assertFalse(silent.isActive());
        assertEquals(1, metrics.firstRequestTimeouts());
        assertFalse(silent.finish());
    }

    @Test
    void theFirstWholeFrameCancelsTheDeadline() {
        EmbeddedChannel channel = withFrozenTime(new FirstRequestDeadline(1_000, metrics));
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        channel.writeInbound(frame("first"));
        assertEquals("first", readFrame(channel));
        assertNull(channel.pipeline().get(FirstRequestDeadline.class), "its work is done");
        channel.advanceTimeBy(10_000, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isActive());
        assertEquals(0, metrics.firstRequestTimeouts());
        assertFalse(channel.finish());
    }
}
