package io.varve.protocol.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.gen.MessageSpec;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.Readable;
import org.junit.jupiter.api.Test;

/**
 * The generated codecs against Kafka's own: for every request, response, header and data definition
 * in {@code kafka-clients} and every version of it, seeded random Varve messages are written by the
 * generated code, read by Kafka's generated {@code XxxData} class, written again by Kafka, and the two
 * encodings must be identical byte for byte; Varve then reads Kafka's bytes back into a message equal
 * to the original. A failure prints the seed, the message and both encodings.
 */
class GeneratedCodecOracleTest {

    private static final long SEED = 20261208L;
    private static final int MESSAGES_PER_VERSION = 8;

    @Test
    void everyVersionOfEveryDefinitionMatchesKafkaByteForByte() throws Exception {
        List<MessageSpec> specs = GeneratedMessages.kafkaSpecs();
        int apiPairs = 0;
        int expectedApiPairs = 0;
        int otherPairs = 0;
        int messages = 0;
        List<String> failures = new ArrayList<>();
        for (MessageSpec spec : specs) {
            if (!spec.hasVersions()) {
                continue;
            }
            Constructor<?> kafkaReader = kafkaClass(spec).getConstructor(Readable.class, short.class);
            Class<?> varveClass = GeneratedMessages.generatedClass(spec, spec.top());
            for (short v = spec.validVersions().lowest(); v <= spec.validVersions().highest(); v++) {
                if (spec.isApi()) {
                    expectedApiPairs++;
                }
                Random rnd = new Random(SEED ^ (spec.name().hashCode() * 31L + v));
                boolean ok = true;
                for (int i = 0; i < MESSAGES_PER_VERSION && ok; i++) {
                    Object original = GeneratedMessages.random(spec, v, rnd);
                    ok = roundTrip(spec, v, original, kafkaReader, varveClass, failures);
                    messages++;
                }
                if (ok && spec.isApi()) {
                    apiPairs++;
                } else if (ok) {
                    otherPairs++;
                }
            }
        }
        assertEquals(List.of(), failures.subList(0, Math.min(20, failures.size())), failures.size() + " failures");
        assertEquals(expectedApiPairs, apiPairs);
        // Kafka 4.3.1 has 604 (request or response, version) pairs; a loop over nothing must fail.
        assertTrue(apiPairs >= 600, "only " + apiPairs + " (API, version) pairs covered");
        assertTrue(otherPairs >= 3, "headers and data definitions covered: " + otherPairs);
        System.out.println("GeneratedCodecOracleTest: " + apiPairs + " request/response (message, version) pairs, "
                + otherPairs + " header/data pairs, " + messages + " messages");
    }

    private static boolean roundTrip(MessageSpec spec, short v, Object original, Constructor<?> kafkaReader,
            Class<?> varveClass, List<String> failures) {
        String what = spec.name() + " v" + v + " (seed " + SEED + ")";
        ByteBuffer varveBytes;
        try {
            varveBytes = GeneratedMessages.write(original, v);
        } catch (RuntimeException e) {
            failures.add(what + ": Varve could not write " + original + ": " + e);
            return false;
        }
        ByteBuffer kafkaBytes;
        try {
            ByteBuffer in = varveBytes.duplicate();
            Message kafka = (Message) kafkaReader.newInstance(new ByteBufferAccessor(in), v);
            if (in.hasRemaining()) {
                failures.add(what + ": Kafka left " + in.remaining() + " bytes of " + hex(varveBytes) + " for " + original);
                return false;
            }
            kafkaBytes = MessageUtil.toByteBufferAccessor(kafka, v).buffer();
            kafkaBytes.rewind();
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failures.add(what + ": Kafka could not read " + hex(varveBytes) + " of " + original + ": " + cause);
            return false;
        }
        if (!varveBytes.equals(kafkaBytes)) {
            failures.add(what + ": encodings differ for " + original + "\n  varve " + hex(varveBytes) + "\n  kafka "
                    + hex(kafkaBytes));
            return false;
        }
        Object back;
        try {
            back = GeneratedMessages.read(varveClass, kafkaBytes, v);
        } catch (RuntimeException e) {
            failures.add(what + ": Varve could not read back " + hex(kafkaBytes) + ": " + e);
            return false;
        }
        if (!original.equals(back)) {
            failures.add(what + ": read back " + back + "\n  wrote " + original);
            return false;
        }
        return true;
    }

    private static Class<?> kafkaClass(MessageSpec spec) throws ClassNotFoundException {
        String suffix = spec.type().equals("data") ? "" : "Data";
        return Class.forName("org.apache.kafka.common.message." + spec.name() + suffix);
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
