package io.varve.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import java.nio.ByteBuffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A cut-short message is malformed, never anything else: every strict prefix of a valid request
 * frame (header and body) or of a valid response body throws {@link MalformedMessageException}.
 * Also, flipping bytes of a valid message yields a message or {@link MalformedMessageException}.
 */
class DataPathTruncationPropertiesTest {

    record Cut(DataPathSamples.Sample sample, int length) {
    }

    record Flip(DataPathSamples.Sample sample, int position, byte xor) {
    }

    @Provide
    Arbitrary<Cut> cuts() {
        return Arbitraries.of(DataPathSamples.all()).flatMap(s -> Arbitraries.integers()
                .between(0, (s.request() ? s.frame() : s.body()).remaining() - 1).map(length -> new Cut(s, length)));
    }

    @Provide
    Arbitrary<Flip> flips() {
        return Arbitraries.of(DataPathSamples.all()).flatMap(s -> Combinators.combine(
                Arbitraries.integers().between(0, s.body().remaining() - 1),
                Arbitraries.bytes().filter(b -> b != 0)).as((position, xor) -> new Flip(s, position, xor)));
    }

    @Property(tries = 2000)
    void anyTruncationIsMalformed(@ForAll("cuts") Cut cut) {
        DataPathSamples.Sample s = cut.sample();
        if (s.request()) {
            ByteBuffer prefix = s.frame().limit(cut.length());
            assertThrows(MalformedMessageException.class, () -> {
                ProtocolReader reader = new ProtocolReader(prefix);
                RequestHeader header = RequestHeader.read(reader);
                ApiMessages.readRequest(header.apiKey(), reader, header.apiVersion());
            }, s + " cut to " + cut.length());
        } else {
            ByteBuffer prefix = s.body().limit(cut.length());
            assertThrows(MalformedMessageException.class,
                    () -> ApiMessages.readResponse(s.key(), new ProtocolReader(prefix), s.version()),
                    s + " cut to " + cut.length());
        }
    }

    @Property(tries = 2000)
    void aCorruptedByteGivesAMessageOrMalformed(@ForAll("flips") Flip flip) {
        DataPathSamples.Sample s = flip.sample();
        ByteBuffer body = ByteBuffer.allocate(s.body().remaining()).put(s.body().duplicate()).flip();
        body.put(flip.position(), (byte) (body.get(flip.position()) ^ flip.xor()));
        try {
            ApiMessage m = s.request() ? ApiMessages.readRequest(s.key(), new ProtocolReader(body), s.version())
                    : ApiMessages.readResponse(s.key(), new ProtocolReader(body), s.version());
            assertEquals(s.key(), m.apiKey());
        } catch (MalformedMessageException expected) {
            // the verdict a corrupt message must get
        }
    }
}
