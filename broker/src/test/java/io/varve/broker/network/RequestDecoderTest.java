package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.varve.common.ManualClock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.generated.MetadataRequest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * What {@link RequestDecoder} passes on and what it refuses. Bytes after a body that decoded are ignored, as
 * Kafka does (its parser reads the body and never checks the rest): librdkafka 2.15 sends such bodies and
 * Varve used to drop the connection on them.
 */
class RequestDecoderTest {

    private final NetworkMetrics metrics = new NetworkMetrics();

    private EmbeddedChannel channel() {
        FrameDecoder frames = new FrameDecoder(1024, RequestBytesBudget.of(-1, metrics), metrics);
        return new EmbeddedChannel(frames, new RequestDecoder(metrics, new ManualClock()));
    }

    private InboundRequest decodeOne(EmbeddedChannel channel, byte[] frame) {
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        InboundRequest decoded = channel.readInbound();
        assertNull(channel.readInbound(), "one frame, one request");
        if (decoded != null && decoded.frame() != null) {
            decoded.frame().release();
        }
        return decoded;
    }

    @Test
    void acceptsLibrdkafkasAllTopicsMetadataV13WithTrailingBytes() {
        // Captured from @confluentinc/kafka-javascript 1.10.1 (librdkafka 2.15.1), client id "dbg": Metadata v13,
        // correlation id 3, header v2; body: null topics, no auto-creation, no authorized operations, no tags,
        // then three more bytes (01 00 00) that Kafka 4.3 ignores.
        byte[] frame = HexFormat.of().parseHex("000000150003000d0000000300036462670000000000010000");
        EmbeddedChannel channel = channel();

        InboundRequest decoded = decodeOne(channel, frame);

        assertTrue(channel.isActive(), "Kafka answers this request; the connection stays open");
        assertEquals(0, metrics.malformedRequests());
        assertEquals(ApiKey.METADATA, decoded.header().apiKey());
        assertEquals(13, decoded.header().apiVersion());
        assertEquals(3, decoded.header().correlationId());
        assertEquals("dbg", decoded.header().clientId());
        MetadataRequest request = assertInstanceOf(MetadataRequest.class, decoded.request());
        assertNull(request.topics(), "null topics: all of them");
        assertFalse(request.allowAutoTopicCreation());
        channel.finishAndReleaseAll();
    }

    @Test
    void ignoresBytesAfterAGeneratedBodyAtEveryEncoding() {
        MetadataRequest body = MetadataRequest.builder().topics(null).allowAutoTopicCreation(true).build();
        for (short version : new short[] {4, 8, 9, 12, 13}) { // classic (4, 8) and flexible (9+)
            EmbeddedChannel channel = channel();
            RequestHeader header = new RequestHeader(ApiKey.METADATA, version, 100 + version, "trailing");
            byte[] exact = Frames.request(header, body);
            byte[] withTail = Frames.rawBody(header, tailOf(exact, header, new byte[] {1, 0, 0, 7}));

            InboundRequest decoded = decodeOne(channel, withTail);

            assertTrue(channel.isActive(), "v" + version);
            assertEquals(100 + version, decoded.header().correlationId());
            MetadataRequest read = assertInstanceOf(MetadataRequest.class, decoded.request());
            assertTrue(read.allowAutoTopicCreation(), "v" + version);
            channel.finishAndReleaseAll();
        }
        assertEquals(0, metrics.malformedRequests());
    }

    @Test
    void stillClosesOnABodyThatIsCutShort() {
        // Metadata v13 whose body stops after the topics array: the booleans are missing.
        EmbeddedChannel channel = channel();
        RequestHeader header = new RequestHeader(ApiKey.METADATA, (short) 13, 7, "short");

        channel.writeInbound(Unpooled.wrappedBuffer(Frames.rawBody(header, new byte[] {0})));

        assertNull(channel.readInbound());
        assertFalse(channel.isActive());
        assertEquals(1, metrics.malformedRequests());
    }

    /** The body bytes of {@code frame} (size prefix and header cut off) followed by {@code extra}. */
    private static byte[] tailOf(byte[] frame, RequestHeader header, byte[] extra) {
        int headerBytes = Frames.rawBody(header, new byte[0]).length;
        byte[] out = new byte[frame.length - headerBytes + extra.length];
        System.arraycopy(frame, headerBytes, out, 0, frame.length - headerBytes);
        System.arraycopy(extra, 0, out, frame.length - headerBytes, extra.length);
        return out;
    }
}
