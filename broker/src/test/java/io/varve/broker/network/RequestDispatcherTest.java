package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dispatcher's ordering and backpressure, step by step on an {@link EmbeddedChannel}. */
class RequestDispatcherTest {

    private static final int MAX_INFLIGHT = 2;

    private final NetworkMetrics metrics = new NetworkMetrics();
    private final List<TestHandlers.Held> held = new ArrayList<>();

    private EmbeddedChannel channel(RequestHandler handler) {
        FrameDecoder frames = new FrameDecoder(1024, RequestBytesBudget.of(-1, metrics), metrics);
        return new EmbeddedChannel(frames, new RequestDecoder(metrics, new ManualClock()), new ResponseEncoder(metrics),
            new RequestDispatcher(handler, metrics, frames, MAX_INFLIGHT, 1, "PLAINTEXT"));
    }

    private EmbeddedChannel holdingChannel() {
        return channel((context, request, done) -> held.add(new TestHandlers.Held(context, request, done)));
    }

    private static ByteBuf requests(int from, int to) {
        ByteBuf buf = Unpooled.buffer();
        for (int i = from; i <= to; i++) {
            buf.writeBytes(Frames.apiVersions(i, (short) 3));
        }
        return buf;
    }

    private static int readCorrelationId(EmbeddedChannel channel) {
        ByteBuf frame = channel.readOutbound();
        if (frame == null) {
            return -1;
        }
        try {
            byte[] body = new byte[frame.readInt()];
            frame.readBytes(body);
            return Frames.readApiVersions(ByteBuffer.wrap(body), (short) 3).correlationId();
        } finally {
            frame.release();
        }
    }

    @Test
    void stopsDispatchingAtTheLimitAndResumesAsResponsesAreWritten() {
        EmbeddedChannel channel = holdingChannel();
        channel.writeInbound(requests(1, 5));

        assertEquals(2, held.size(), "five frames arrived in one read; only two were dispatched");
        assertFalse(channel.config().isAutoRead());
        assertEquals(1, metrics.readPauses());

        held.get(1).answer();
        assertEquals(-1, readCorrelationId(channel), "request 2 waits for request 1");
        held.get(0).answer();
        assertEquals(1, readCorrelationId(channel));
        assertEquals(2, readCorrelationId(channel));
        // Resuming runs as a fresh event-loop task (EmbeddedChannel runs it right after the flush).
        channel.runPendingTasks();
        assertEquals(4, held.size());
        assertFalse(channel.config().isAutoRead(), "paused again at two outstanding");

        held.get(2).answer();
        channel.runPendingTasks();
        assertEquals(5, held.size());
        assertFalse(channel.config().isAutoRead(), "requests 4 and 5 outstanding");
        held.get(3).answer();
        held.get(4).answer();
        channel.runPendingTasks();
        assertTrue(channel.config().isAutoRead(), "nothing outstanding: reading again");
        assertEquals(3, readCorrelationId(channel));
        assertEquals(4, readCorrelationId(channel));
        assertEquals(5, readCorrelationId(channel));
        assertFalse(channel.finish());
    }

    @Test
    void aNullResponseSendsNothingButFreesTheSlot() {
        EmbeddedChannel channel = holdingChannel();
        channel.writeInbound(requests(1, 2));
        held.get(0).done().respond(null);
        held.get(1).answer();
        assertEquals(2, readCorrelationId(channel));
        assertEquals(-1, readCorrelationId(channel));
        assertFalse(channel.finish());
    }

    @Test
    void answeringTwiceIsRefused() {
        EmbeddedChannel channel = holdingChannel();
        channel.writeInbound(requests(1, 1));
        held.get(0).answer();
        assertThrows(IllegalStateException.class, () -> held.get(0).answer());
        assertEquals(1, readCorrelationId(channel));
        assertFalse(channel.finish());
    }

    @Test
    void aHandlerThatThrowsIsAnsweredWithUnknownServerError() {
        EmbeddedChannel channel = channel((context, request, done) -> {
            throw new IllegalStateException("bug");
        });
        channel.writeInbound(requests(1, 1));
        ByteBuf frame = channel.readOutbound();
        try {
            byte[] body = new byte[frame.readInt()];
            frame.readBytes(body);
            Frames.ApiVersionsAnswer answer = Frames.readApiVersions(ByteBuffer.wrap(body), (short) 3);
            assertEquals(1, answer.correlationId());
            assertEquals(Errors.UNKNOWN_SERVER_ERROR.code, answer.response().errorCode());
        } finally {
            frame.release();
        }
        assertEquals(1, metrics.handlerErrors());
        assertTrue(channel.isActive());
        assertFalse(channel.finish());
    }

    @Test
    void answersThatArriveAfterTheConnectionClosedAreDropped() {
        EmbeddedChannel channel = holdingChannel();
        channel.writeInbound(requests(1, 2));
        held.get(1).answer();
        channel.close();
        held.get(0).answer();
        assertNull(channel.readOutbound());
        assertFalse(channel.finish());
    }
}
