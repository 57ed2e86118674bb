package io.varve.protocol.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.gen.MessageSpec;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile sizes against the generated decoders (DESIGN §8): every count is checked against the bytes
 * left and a limit before anything is sized by it, and a truncated message is a
 * {@link MalformedMessageException}, never another exception.
 */
class GeneratedCodecLimitsTest {

    @Test
    void anArrayOverOneMillionElementsIsRefusedEvenWhenTheBytesArePresent() {
        // MetadataRequest v12: a compact array of topics; 1,000,001 elements of one byte each would be present
        ByteBuffer body = ByteBuffer.allocate(1_100_000);
        ProtocolWriter w = new ProtocolWriter().writeUnsignedVarint(ProtocolReader.MAX_ARRAY_LENGTH + 1 + 1);
        body.put(w.toByteBuffer()).rewind();
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> MetadataRequest.read(new ProtocolReader(body), (short) 12));
        assertTrue(e.getMessage().contains("limit 1000000"), e.getMessage());
    }

    @Test
    void aHostileArrayCountAllocatesNothingBeforeItIsRefused() {
        // classic Produce v3: transactional id null, acks, timeout, then 999,999 topics claimed in 4 bytes
        ByteBuffer body = new ProtocolWriter().writeInt16(-1).writeInt16(1).writeInt32(1000).writeInt32(999_999)
                .writeInt32(0).toByteBuffer();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        MalformedMessageException last = null;
        ProduceRequest.read(new ProtocolReader(ByteBuffer.wrap(new ProtocolWriter().writeInt16(-1).writeInt16(1)
                .writeInt32(1000).writeInt32(0).toByteBuffer().array())), (short) 3); // warm up the classes
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100; i++) {
            try {
                ProduceRequest.read(new ProtocolReader(body.duplicate()), (short) 3);
            } catch (MalformedMessageException e) {
                last = e;
            }
        }
        long perAttempt = (threads.getThreadAllocatedBytes(thread) - before) / 100;
        assertTrue(last != null && last.getMessage().contains("array length 999999"), String.valueOf(last));
        // an ArrayList sized by the count would be ~4 MB per attempt; a refused count costs a few small objects
        assertTrue(perAttempt < 4096, perAttempt + " bytes allocated per refused message");
    }

    @Test
    void aTaggedSectionOverTenThousandFieldsIsRefused() {
        assertEquals(10_000, readTaggedSection(10_000), "the limit itself is allowed");
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> readTaggedSection(10_001));
        assertTrue(e.getMessage().contains("limit 10000"), e.getMessage());
    }

    /** A HeartbeatResponse v4 (flexible) whose tagged section holds {@code fields} empty unknown tags. */
    private static int readTaggedSection(int fields) {
        ProtocolWriter w = new ProtocolWriter().writeInt32(0).writeInt16(0).writeUnsignedVarint(fields);
        for (int tag = 0; tag < fields; tag++) {
            w.writeUnsignedVarint(tag + 100).writeUnsignedVarint(0);
        }
        ProtocolReader r = new ProtocolReader(w.toByteBuffer());
        HeartbeatResponse response = HeartbeatResponse.read(r, (short) 4);
        r.expectEnd();
        assertEquals(HeartbeatResponse.builder().build(), response);
        return fields;
    }

    @Test
    void aTaggedFieldSizeBeyondTheFrameIsMalformed() {
        ByteBuffer body = new ProtocolWriter().writeInt32(0).writeInt16(0).writeUnsignedVarint(1)
                .writeUnsignedVarint(7).writeUnsignedVarint(1000).toByteBuffer();
        assertThrows(MalformedMessageException.class, () -> HeartbeatResponse.read(new ProtocolReader(body), (short) 4));
    }

    @Test
    void tagsOutOfOrderAreMalformed() {
        ByteBuffer body = new ProtocolWriter().writeInt32(0).writeInt16(0).writeUnsignedVarint(2)
                .writeUnsignedVarint(9).writeUnsignedVarint(0).writeUnsignedVarint(8).writeUnsignedVarint(0)
                .toByteBuffer();
        assertThrows(MalformedMessageException.class, () -> HeartbeatResponse.read(new ProtocolReader(body), (short) 4));
    }

    @Test
    void everyTruncationOfEveryDefinitionAtItsNewestVersionIsMalformed() {
        Random rnd = new Random(7);
        List<MessageSpec> specs = GeneratedMessages.kafkaSpecs();
        int prefixes = 0;
        int definitions = 0;
        for (MessageSpec spec : specs) {
            if (!spec.hasVersions()) {
                continue;
            }
            definitions++;
            for (short v : new short[] {spec.validVersions().lowest(), spec.validVersions().highest()}) {
                Object message = GeneratedMessages.random(spec, v, rnd);
                ByteBuffer full = GeneratedMessages.write(message, v);
                Class<?> type = GeneratedMessages.generatedClass(spec, spec.top());
                assertEquals(message, GeneratedMessages.read(type, full, v));
                for (int length = 0; length < full.remaining(); length++) {
                    ByteBuffer prefix = full.duplicate().limit(length);
                    short version = v;
                    assertThrows(MalformedMessageException.class, () -> GeneratedMessages.read(type, prefix, version),
                            spec.name() + " v" + v + " cut at " + length + " of " + full.remaining());
                    prefixes++;
                }
            }
        }
        assertTrue(definitions >= 190, definitions + " definitions");
        assertTrue(prefixes > 10_000, prefixes + " truncated messages");
    }
}
