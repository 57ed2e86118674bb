package io.varve.protocol.generated;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.gen.MessageSpec;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bad bytes against every generated decoder. The contract (DESIGN §8): any bytes decode to a message
 * or throw {@link MalformedMessageException}; nothing else escapes, and no hostile length allocates
 * (an {@link OutOfMemoryError} fails the run like any other throwable).
 *
 * <p>{@link #mutatedMessagesOfEveryDefinitionAreMessagesOrMalformed} runs in every build: seeded
 * byte mutations of valid encodings of every definition and version. The Jazzer target runs its
 * empty input under a plain {@code mvn verify} (regression mode); to fuzz it:
 * {@code JAZZER_FUZZ=1 mvn -pl protocol -am test -Djazzer.hooks=true
 * -Dtest='GeneratedMessagesFuzzTest#arbitraryBodyForEveryApiAndVersion' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class GeneratedMessagesFuzzTest {

    @Test
    void mutatedMessagesOfEveryDefinitionAreMessagesOrMalformed() {
        Random rnd = new Random(11);
        int decoded = 0;
        int malformed = 0;
        for (MessageSpec spec : GeneratedMessages.kafkaSpecs()) {
            if (!spec.hasVersions()) {
                continue;
            }
            Class<?> type = GeneratedMessages.generatedClass(spec, spec.top());
            for (short v = spec.validVersions().lowest(); v <= spec.validVersions().highest(); v++) {
                ByteBuffer valid = GeneratedMessages.write(GeneratedMessages.random(spec, v, rnd), v);
                if (!valid.hasRemaining()) {
                    continue;
                }
                for (int i = 0; i < 16; i++) {
                    byte[] bytes = new byte[valid.remaining()];
                    valid.duplicate().get(bytes);
                    int at = rnd.nextInt(bytes.length);
                    bytes[at] = switch (rnd.nextInt(4)) {
                        case 0 -> (byte) 0xFF; // -1 lengths, huge varints
                        case 1 -> (byte) 0x7F;
                        case 2 -> (byte) 0x80; // a varint that goes on
                        default -> (byte) rnd.nextInt();
                    };
                    try {
                        GeneratedMessages.read(type, ByteBuffer.wrap(bytes), v);
                        decoded++;
                    } catch (MalformedMessageException expected) {
                        malformed++;
                    }
                }
            }
        }
        assertTrue(decoded > 1000 && malformed > 1000, decoded + " decoded, " + malformed + " malformed");
    }

    /** The same bytes as the body of every request and response of every API and version. */
    @FuzzTest(maxDuration = "60s")
    void arbitraryBodyForEveryApiAndVersion(byte[] body) {
        for (ApiMessageType type : ApiMessageType.values()) {
            for (short v = type.lowestVersion; v <= type.highestVersion; v++) {
                try {
                    ApiMessageType.readRequest(type.apiKey, new ProtocolReader(ByteBuffer.wrap(body)), v);
                } catch (MalformedMessageException expected) {
                    // the verdict for bad input
                }
                try {
                    ApiMessageType.readResponse(type.apiKey, new ProtocolReader(ByteBuffer.wrap(body)), v);
                } catch (MalformedMessageException expected) {
                    // the verdict for bad input
                }
            }
        }
    }
}
