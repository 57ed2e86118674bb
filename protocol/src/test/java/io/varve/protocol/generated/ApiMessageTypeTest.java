package io.varve.protocol.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.UnsupportedVersionException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The generated API table and the write-side version rules, against Kafka's own table. */
class ApiMessageTypeTest {

    @Test
    void theTableMatchesKafkasApiMessageType() {
        int compared = 0;
        for (org.apache.kafka.common.message.ApiMessageType kafka : org.apache.kafka.common.message.ApiMessageType.values()) {
            ApiMessageType ours = ApiMessageType.forApiKey(kafka.apiKey());
            if (kafka.lowestSupportedVersion() > kafka.highestSupportedVersion(true)) {
                continue; // a key Kafka keeps without versions
            }
            assertTrue(ours != null, "missing API key " + kafka.apiKey());
            assertEquals(kafka.name, ours.displayName);
            assertEquals(kafka.lowestSupportedVersion(), ours.lowestVersion, kafka.name);
            assertEquals(kafka.highestSupportedVersion(true), ours.highestVersion, kafka.name);
            for (short v = ours.lowestVersion; v <= ours.highestVersion; v++) {
                assertEquals(kafka.requestHeaderVersion(v), ours.requestHeaderVersion(v), kafka.name + " v" + v);
                assertEquals(kafka.responseHeaderVersion(v), ours.responseHeaderVersion(v), kafka.name + " v" + v);
            }
            assertEquals(kafka.listeners().size(), ours.listeners().size(), kafka.name);
            assertEquals(kafka.latestVersionUnstable(), ours.latestVersionUnstable, kafka.name);
            compared++;
        }
        assertEquals(ApiMessageType.values().length, compared);
        assertTrue(compared >= 85, compared + " APIs");
    }

    @Test
    void headerVersionsFollowFlexibilityExceptApiVersions() {
        assertEquals(1, ApiMessageType.METADATA.requestHeaderVersion((short) 8));
        assertEquals(2, ApiMessageType.METADATA.requestHeaderVersion((short) 9));
        assertEquals(0, ApiMessageType.METADATA.responseHeaderVersion((short) 8));
        assertEquals(1, ApiMessageType.METADATA.responseHeaderVersion((short) 9));
        assertEquals(2, ApiMessageType.API_VERSIONS.requestHeaderVersion((short) 3));
        assertEquals(0, ApiMessageType.API_VERSIONS.responseHeaderVersion((short) 3));
        assertEquals(Set.of(ApiListener.BROKER, ApiListener.CONTROLLER), ApiMessageType.API_VERSIONS.listeners());
        assertNull(ApiMessageType.forApiKey(4)); // LeaderAndIsr: removed, validVersions "none"
        assertNull(ApiMessageType.forApiKey(-1));
        assertNull(ApiMessageType.forApiKey(30_000));
    }

    @Test
    void dispatchReadsTheGeneratedMessageOfTheKey() {
        MetadataRequest request = MetadataRequest.builder().topics(List.of(
                MetadataRequest.MetadataRequestTopic.builder().name("orders").build())).build();
        ProtocolWriter w = new ProtocolWriter();
        request.write(w, (short) 12);
        GeneratedMessage read = ApiMessageType.readRequest((short) 3, new ProtocolReader(w.toByteBuffer()), (short) 12);
        assertEquals(request, read);
        assertEquals(3, read.apiKey());
        assertThrows(MalformedMessageException.class,
                () -> ApiMessageType.readRequest((short) 4, new ProtocolReader(ByteBuffer.allocate(0)), (short) 0));
        assertThrows(MalformedMessageException.class,
                () -> ApiMessageType.readResponse((short) 3, new ProtocolReader(ByteBuffer.allocate(0)), (short) 14));
    }

    @Test
    void aNonDefaultValueAVersionCannotCarryIsRefusedUnlessIgnorable() {
        // AllowAutoTopicCreation (v4+) is not ignorable: false cannot be expressed at v3
        MetadataRequest noAutoCreate = MetadataRequest.builder().allowAutoTopicCreation(false).build();
        UnsupportedVersionException e = assertThrows(UnsupportedVersionException.class,
                () -> noAutoCreate.write(new ProtocolWriter(), (short) 3));
        assertTrue(e.getMessage().contains("allowAutoTopicCreation"), e.getMessage());
        noAutoCreate.write(new ProtocolWriter(), (short) 4);
        // TopicId (v10+) is ignorable: dropped silently at v9
        MetadataRequest byId = MetadataRequest.builder().topics(List.of(MetadataRequest.MetadataRequestTopic.builder()
                .topicId(new UUID(1, 2)).name("t").build())).build();
        ProtocolWriter w = new ProtocolWriter();
        byId.write(w, (short) 9);
        MetadataRequest back = MetadataRequest.read(new ProtocolReader(w.toByteBuffer()), (short) 9);
        assertEquals(new UUID(0, 0), back.topics().get(0).topicId());
        assertThrows(UnsupportedVersionException.class, () -> byId.write(new ProtocolWriter(), (short) 14));
    }

    @Test
    void buildersStartAtKafkasDefaultsAndToBuilderCopies() {
        MetadataRequest defaults = MetadataRequest.builder().build();
        assertEquals(List.of(), defaults.topics());
        assertTrue(defaults.allowAutoTopicCreation(), "default true in the definition");
        FetchRequest fetch = FetchRequest.builder().build();
        assertEquals(-1, fetch.replicaId());
        assertEquals(0x7fffffff, fetch.maxBytes());
        assertNull(fetch.clusterId(), "default null");
        FetchRequest changed = fetch.toBuilder().maxWaitMs(500).build();
        assertEquals(500, changed.maxWaitMs());
        assertEquals(fetch.maxBytes(), changed.maxBytes());
    }
}
