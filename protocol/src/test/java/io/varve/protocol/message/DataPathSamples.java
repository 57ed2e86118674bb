package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Message;

/**
 * Valid encodings of every data-path request and response at every advertised version, built by
 * Kafka (the oracle tests' messages), for the truncation property and the fuzz seeds.
 */
final class DataPathSamples {

    private DataPathSamples() {
    }

    /**
     * One valid message body.
     *
     * @param request whether {@code body} is a request (else a response)
     */
    record Sample(ApiKey key, short version, boolean request, ByteBuffer body) {

        /** A private view of the bytes: callers may move its position and limit. */
        @Override
        public ByteBuffer body() {
            return body.duplicate();
        }

        /** The request as a whole frame body: header then message (the 4-byte size prefix excluded). */
        ByteBuffer frame() {
            ProtocolWriter w = new ProtocolWriter();
            new RequestHeader(key, version, 0x0A0B_0C0D, "sample-client").write(w);
            ByteBuffer header = w.toByteBuffer();
            return ByteBuffer.allocate(header.remaining() + body.remaining()).put(header).put(body()).flip();
        }

        @Override
        public String toString() {
            return key + " v" + version + (request ? " request" : " response") + " (" + body.remaining() + " bytes)";
        }
    }

    static List<Sample> all() {
        List<Sample> samples = new ArrayList<>();
        for (short v = ApiKey.PRODUCE.minVersion; v <= ApiKey.PRODUCE.maxVersion; v++) {
            add(samples, ApiKey.PRODUCE, v, ProduceCodecTest.kafkaRequest(), ProduceCodecTest.kafkaResponse(v));
        }
        for (short v = ApiKey.FETCH.minVersion; v <= ApiKey.FETCH.maxVersion; v++) {
            add(samples, ApiKey.FETCH, v, FetchCodecTest.kafkaRequest(v), FetchCodecTest.kafkaResponse(v));
        }
        for (short v = ApiKey.LIST_OFFSETS.minVersion; v <= ApiKey.LIST_OFFSETS.maxVersion; v++) {
            add(samples, ApiKey.LIST_OFFSETS, v, ListOffsetsCodecTest.kafkaRequest(), ListOffsetsCodecTest.kafkaResponse());
        }
        for (short v = ApiKey.METADATA.minVersion; v <= ApiKey.METADATA.maxVersion; v++) {
            add(samples, ApiKey.METADATA, v, MetadataCodecTest.kafkaRequest(v), MetadataCodecTest.kafkaResponse(v));
        }
        return samples;
    }

    static List<Sample> requests() {
        return all().stream().filter(Sample::request).toList();
    }

    private static void add(List<Sample> samples, ApiKey key, short v, Message request, Message response) {
        samples.add(new Sample(key, v, true, kafkaBytes(request, v)));
        samples.add(new Sample(key, v, false, kafkaBytes(response, v)));
    }
}
