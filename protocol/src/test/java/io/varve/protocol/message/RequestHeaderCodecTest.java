package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/** Request header v1/v2 and response header v0/v1 against kafka-clients' own header classes. */
class RequestHeaderCodecTest {

    @Test
    void requestHeaderMatchesKafkaForEveryApiAndVersion() {
        for (ApiKey key : ApiKey.values()) {
            for (short v = key.minVersion; v <= key.maxVersion; v++) {
                for (String clientId : new String[] {"console-producer-7", null, ""}) {
                    org.apache.kafka.common.requests.RequestHeader theirs =
                            new org.apache.kafka.common.requests.RequestHeader(ApiKeys.forId(key.id), v, clientId, 0x1234_5678);
                    ByteBuffer kafka = kafkaBytes(theirs.data(), theirs.headerVersion());
                    ProtocolReader reader = new ProtocolReader(kafka.duplicate());
                    RequestHeader ours = RequestHeader.read(reader);
                    reader.expectEnd();
                    assertEquals(new RequestHeader(key, v, 0x1234_5678, clientId), ours, key + " v" + v);

                    ProtocolWriter w = new ProtocolWriter();
                    ours.write(w);
                    ByteBuffer varve = w.toByteBuffer();
                    assertEquals(kafka, varve, "byte-identical " + key + " v" + v);
                    org.apache.kafka.common.requests.RequestHeader parsed =
                            org.apache.kafka.common.requests.RequestHeader.parse(varve.duplicate());
                    // Kafka's parse turns a null client id into "" (it has no null client ids past the wire).
                    assertEquals(new org.apache.kafka.common.requests.RequestHeader(ApiKeys.forId(key.id), v,
                            clientId == null ? "" : clientId, 0x1234_5678), parsed);
                    assertEquals(theirs.headerVersion(), key.requestHeaderVersion(v));
                }
            }
        }
    }

    @Test
    void unknownTaggedFieldsInAV2HeaderAreSkipped() {
        RequestHeaderData data = new RequestHeaderData().setRequestApiKey(ApiKey.FETCH.id)
                .setRequestApiVersion((short) 16).setCorrelationId(9).setClientId("c");
        data.unknownTaggedFields().add(new org.apache.kafka.common.protocol.types.RawTaggedField(3, new byte[] {1, 2}));
        ProtocolReader reader = new ProtocolReader(kafkaBytes(data, (short) 2));
        assertEquals(new RequestHeader(ApiKey.FETCH, (short) 16, 9, "c"), RequestHeader.read(reader));
        reader.expectEnd();
    }

    @Test
    void responseHeaderMatchesKafkaForEveryApiAndVersion() {
        for (ApiKey key : ApiKey.values()) {
            for (short v = key.minVersion; v <= key.maxVersion; v++) {
                short headerVersion = key.responseHeaderVersion(v);
                assertEquals(ApiKeys.forId(key.id).responseHeaderVersion(v), headerVersion);
                org.apache.kafka.common.requests.ResponseHeader theirs =
                        new org.apache.kafka.common.requests.ResponseHeader(-77, headerVersion);
                ByteBuffer kafka = kafkaBytes(theirs.data(), headerVersion);
                ProtocolReader reader = new ProtocolReader(kafka.duplicate());
                assertEquals(-77, ResponseHeader.read(reader, key, v));
                reader.expectEnd();

                ProtocolWriter w = new ProtocolWriter();
                ResponseHeader.write(w, key, v, -77);
                ByteBuffer varve = w.toByteBuffer();
                assertEquals(kafka, varve, "byte-identical " + key + " v" + v);
                assertEquals(theirs, org.apache.kafka.common.requests.ResponseHeader.parse(varve, headerVersion));
            }
        }
    }

    @Test
    void anApiKeyVarveDoesNotServeIsAnUnknownApi() {
        for (short id : new short[] {4, 57, 1000, -1}) {
            ByteBuffer header = ByteBuffer.allocate(10).putShort(id).putShort((short) 1).putInt(4242).putShort((short) -1)
                    .flip();
            RequestHeader.UnknownApiException e = assertThrows(RequestHeader.UnknownApiException.class,
                    () -> RequestHeader.read(new ProtocolReader(header)));
            assertEquals(id, e.apiKey);
            assertEquals(4242, e.correlationId);
        }
    }

    @Test
    void aTruncatedHeaderIsMalformed() {
        org.apache.kafka.common.requests.RequestHeader theirs =
                new org.apache.kafka.common.requests.RequestHeader(ApiKeys.METADATA, (short) 12, "client", 1);
        ByteBuffer full = kafkaBytes(theirs.data(), theirs.headerVersion());
        for (int length = 0; length < full.remaining(); length++) {
            ByteBuffer prefix = full.duplicate().limit(length);
            assertThrows(MalformedMessageException.class, () -> RequestHeader.read(new ProtocolReader(prefix)));
        }
    }
}
