package io.varve.protocol.message;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes the request and response decoders with Jazzer. The contract: any bytes decode to a
 * message or throw {@link MalformedMessageException}; nothing else escapes, no allocation on the
 * strength of a hostile length (an {@link OutOfMemoryError} fails the run like any other throwable).
 *
 * <p>Under a plain {@code mvn verify} each method runs once per seed in
 * {@code ApiMessagesFuzzTestInputs/<method>/} (valid frames of every data-path API) and on an empty
 * input: regression mode. To fuzz one method for its {@code maxDuration}:
 * {@code JAZZER_FUZZ=1 mvn -pl protocol -am test -Djazzer.hooks=true
 * -Dtest='ApiMessagesFuzzTest#arbitraryRequestFrame' -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>APIs whose codec has not landed yet ({@code ApiMessages} answers "no codec yet") are left
 * out, so the fuzzers cover each API from the commit that adds its codec.
 */
class ApiMessagesFuzzTest {

    private static final List<ApiKey> WITH_CODECS = Arrays.stream(ApiKey.values())
            .filter(ApiMessagesFuzzTest::hasCodec).toList();

    /** A whole request frame body: header, then the message its API key and version name. */
    @FuzzTest(maxDuration = "60s")
    void arbitraryRequestFrame(byte[] frame) {
        try {
            ProtocolReader reader = new ProtocolReader(ByteBuffer.wrap(frame));
            RequestHeader header = RequestHeader.read(reader);
            if (WITH_CODECS.contains(header.apiKey())) {
                ApiMessages.readRequest(header.apiKey(), reader, header.apiVersion());
            }
        } catch (MalformedMessageException expected) {
            // the verdict for bad input
        }
    }

    /** The same bytes as the body of every request and response of every served API and version. */
    @FuzzTest(maxDuration = "60s")
    void arbitraryBodyForEveryApiAndVersion(byte[] body) {
        for (ApiKey key : WITH_CODECS) {
            for (short v = key.minVersion; v <= key.maxVersion; v++) {
                try {
                    ApiMessages.readRequest(key, new ProtocolReader(ByteBuffer.wrap(body)), v);
                } catch (MalformedMessageException expected) {
                    // the verdict for bad input
                }
                try {
                    ApiMessages.readResponse(key, new ProtocolReader(ByteBuffer.wrap(body)), v);
                } catch (MalformedMessageException expected) {
                    // the verdict for bad input
                }
            }
        }
    }

    private static boolean hasCodec(ApiKey key) {
        try {
            ApiMessages.readRequest(key, new ProtocolReader(ByteBuffer.allocate(0)), key.maxVersion);
            return true;
        } catch (MalformedMessageException e) {
            return true;
        } catch (IllegalStateException e) {
            if (String.valueOf(e.getMessage()).startsWith("no codec yet")) {
                return false;
            }
            throw e;
        }
    }
}
