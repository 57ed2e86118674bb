package io.varve.client;

import static io.varve.client.ClientTestSupport.await;
import static io.varve.client.ClientTestSupport.config;
import static io.varve.client.ClientTestSupport.echo;
import static io.varve.client.ClientTestSupport.echoed;
import static io.varve.client.ClientTestSupport.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.ApiVersionsResponse.ApiVersion;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ApiVersions handshake every connection starts with, and the versions it yields. */
class NetworkClientNegotiationTest {

    /** A request of any API whose body is empty: enough to see whether the client would send it. */
    record EmptyRequest(ApiKey key) implements GeneratedMessage {
        @Override
        public short apiKey() {
            return key.id;
        }

        @Override
        public void write(ProtocolWriter writer, short version) {
        }
    }

    private final FakeBroker broker = new FakeBroker();
    private NetworkClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        broker.close();
    }

    private static ApiVersion band(ApiKey key, int min, int max) {
        return new ApiVersion(key.id, (short) min, (short) max);
    }

    @Test
    void eachApiIsSentAtTheHighestVersionBothSidesSupport() throws Exception {
        broker.advertised = List.of(
            band(ApiKey.API_VERSIONS, 0, 3),     // narrower than ours (0-4)
            band(ApiKey.FETCH, 0, 17),           // wider than ours (4-16)
            band(ApiKey.METADATA, 10, 11),       // inside ours (4-13)
            band(ApiKey.PRODUCE, 0, 2));         // below ours (3-12): no overlap
        client = new NetworkClient(config(broker), new ManualClock(), new Random(1));
        Node node = broker.node(1);

        assertEquals("hello", echoed(await(client.send(node, echo("hello")))));

        assertEquals(List.of((short) 4), broker.handshakeVersions, "the handshake starts at our highest version");
        assertEquals(ConnectionState.READY, client.connectionState(node));
        assertEquals(3, client.usableVersion(node, ApiKey.API_VERSIONS));
        assertEquals(16, client.usableVersion(node, ApiKey.FETCH));
        assertEquals(11, client.usableVersion(node, ApiKey.METADATA));
        assertEquals(-1, client.usableVersion(node, ApiKey.PRODUCE));
        assertEquals(-1, client.usableVersion(node, ApiKey.CREATE_TOPICS), "not advertised at all");
    }

    @Test
    void aRequestWithNoCommonVersionFailsWithoutBeingSentAndTheConnectionStays() throws Exception {
        broker.advertised = List.of(band(ApiKey.API_VERSIONS, 0, 4), band(ApiKey.PRODUCE, 0, 2));
        client = new NetworkClient(config(broker), new ManualClock(), new Random(1));
        Node node = broker.node(1);
        AtomicInteger seen = new AtomicInteger();
        broker.handler = exchange -> {
            seen.incrementAndGet();
            exchange.echo();
        };

        NetworkClientException produce = failure(client.send(node, new EmptyRequest(ApiKey.PRODUCE)));
        NetworkClientException createTopics = failure(client.send(node, new EmptyRequest(ApiKey.CREATE_TOPICS)));

        assertEquals(NetworkClientException.Reason.UNSUPPORTED_VERSION, produce.reason());
        assertFalse(produce.isRetriable());
        assertTrue(produce.getMessage().contains("no common version of Produce: broker supports [0, 2], this client [3, 12]"),
            produce.getMessage());
        assertTrue(createTopics.getMessage().contains("does not support CreateTopics"), createTopics.getMessage());
        assertEquals("after", echoed(await(client.send(node, echo("after")))));
        assertEquals(1, seen.get(), "only the echo reached the broker");
        assertEquals(1, broker.accepted.get());
    }

    @Test
    void aBrokerThatRejectsApiVersionsV4IsAskedAgainAtItsHighestVersion() throws Exception {
        broker.maxApiVersionsVersion = 2;
        broker.advertised = List.of(band(ApiKey.API_VERSIONS, 0, 2), band(ApiKey.METADATA, 9, 12));
        client = new NetworkClient(config(broker), new ManualClock(), new Random(1));
        Node node = broker.node(1);

        GeneratedMessage response = await(client.send(node, echo("ignored at v2")));

        assertEquals(List.of((short) 4, (short) 2), broker.handshakeVersions);
        assertEquals(ApiKey.API_VERSIONS.id, response.apiKey());
        assertEquals(2, client.usableVersion(node, ApiKey.API_VERSIONS));
        assertEquals(12, client.usableVersion(node, ApiKey.METADATA));
        assertEquals(1, broker.accepted.get(), "the retry uses the same connection");
    }

    @Test
    void aBrokerWithoutAnyUsableApiVersionsVersionFailsTheConnection() throws Exception {
        broker.maxApiVersionsVersion = -1;
        broker.advertised = List.of(band(ApiKey.METADATA, 9, 12));
        client = new NetworkClient(config(broker), new ManualClock(), new Random(1));
        Node node = broker.node(1);

        NetworkClientException e = failure(client.send(node, echo("x")));

        assertEquals(NetworkClientException.Reason.NOT_CONNECTED, e.reason());
        assertTrue(e.getMessage().contains("offers no lower version"), e.getMessage());
        assertEquals(ConnectionState.BACKOFF, client.connectionState(node));
        assertEquals(List.of((short) 4), broker.handshakeVersions, "one fallback at most");
    }
}
