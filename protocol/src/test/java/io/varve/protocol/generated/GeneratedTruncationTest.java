package io.varve.protocol.generated;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.gen.MessageSpec;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A cut-short message is malformed, never anything else: a strict prefix of a valid encoding of any
 * definition at any version throws {@link MalformedMessageException} (never decodes to a shorter
 * message, never another exception). Ported from the hand-written data-path codecs' truncation
 * property when those were deleted; the mutation fuzz ({@link GeneratedMessagesFuzzTest}) flips bytes
 * but never shortens a message.
 */
class GeneratedTruncationTest {

    @Test
    void everyStrictPrefixOfEveryDefinitionIsMalformed() {
        Random rnd = new Random(23);
        int cuts = 0;
        for (MessageSpec spec : GeneratedMessages.kafkaSpecs()) {
            if (!spec.hasVersions()) {
                continue;
            }
            Class<?> type = GeneratedMessages.generatedClass(spec, spec.top());
            for (short v = spec.validVersions().lowest(); v <= spec.validVersions().highest(); v++) {
                ByteBuffer valid = GeneratedMessages.write(GeneratedMessages.random(spec, v, rnd), v);
                int length = valid.remaining();
                // The empty prefix, the one a byte short, and a few between.
                for (int i = 0; i < 6 && length > 0; i++) {
                    int cut = i == 0 ? 0 : i == 1 ? length - 1 : rnd.nextInt(length);
                    ByteBuffer prefix = valid.duplicate().limit(valid.position() + cut).slice();
                    short version = v;
                    assertThrows(MalformedMessageException.class, () -> GeneratedMessages.read(type, prefix, version),
                        spec.name() + " v" + v + " cut to " + cut + " of " + length);
                    cuts++;
                }
            }
        }
        assertTrue(cuts > 1000, cuts + " cuts");
    }
}
