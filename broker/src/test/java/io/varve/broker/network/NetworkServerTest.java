package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.Clock;
import io.varve.config.BrokerConfig;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.ApiVersionsResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The network edge over real sockets on 127.0.0.1. Every bad-input case checks three things: the
 * offending connection is closed (or answered), the right counter moved, and a connection that was
 * already open keeps working (DESIGN §8: other clients are untouched).
 */
class NetworkServerTest {

    private static final int MAX_FRAME = 1024;

    private final NetworkMetrics metrics = new NetworkMetrics();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private NetworkServer server;
    private int port;

    private void start(RequestHandler handler, Map<String, Object> overrides) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0");
        props.put(BrokerConfig.SOCKET_REQUEST_MAX_BYTES, MAX_FRAME);
        props.put(BrokerConfig.NUM_NETWORK_THREADS, 2);
        props.putAll(overrides);
        server = new NetworkServer(BrokerConfig.from(props), handler, metrics, Clock.system());
        server.start();
        port = server.boundPort("PLAINTEXT");
    }

    /** PLAINTEXT for clients and CONTROLLER for the internal RPCs, served by a handler that echoes each frame's size. */
    private void startWithControllerListener(Map<String, Object> overrides) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0");
        props.put(BrokerConfig.CONTROLLER_LISTENER_NAMES, "CONTROLLER");
        props.put(BrokerConfig.SOCKET_REQUEST_MAX_BYTES, MAX_FRAME);
        props.put(BrokerConfig.NUM_NETWORK_THREADS, 2);
        props.putAll(overrides);
        FrameHandler echoSize = (body, reply) -> reply.accept(ByteBuffer.allocate(8).putInt(4).putInt(body.remaining()).flip());
        server = new NetworkServer(BrokerConfig.from(props), TestHandlers.ANSWER_AT_ONCE, echoSize, metrics, Clock.system());
        server.start();
        port = server.boundPort("PLAINTEXT");
    }

    private WireClient connect() throws Exception {
        return connect(port, null);
    }

    private WireClient connect(int toPort, String fromAddress) throws Exception {
        WireClient c = new WireClient(toPort, fromAddress);
        toClose.add(c);
        return c;
    }

    /** A controller-listener round trip: a raw frame out, its size echoed back. */
    private static void assertControllerRoundTrip(WireClient controller, int bodyBytes) throws Exception {
        controller.send(Frames.withPrefix(ByteBuffer.allocate(bodyBytes)));
        assertEquals(bodyBytes, controller.readFrame().getInt());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Opens a good connection, runs {@code attack} on a second one, checks the counter and the good one. */
    private void assertBadInputIsolated(byte[] attack, LongSupplier counter, String counterName) throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of());
        WireClient good = connect();
        good.assertApiVersionsRoundTrip(1);

        WireClient bad = connect();
        bad.send(attack);
        bad.assertClosedByServer();

        Await.until(() -> counter.getAsLong() == 1, () -> counterName + " is " + counter.getAsLong() + "; " + metrics);
        good.assertApiVersionsRoundTrip(2);
        Await.until(() -> metrics.connectionsClosed() == 1, metrics::toString);
    }

    @Test
    void answersApiVersionsAtEveryVersionAndReportsTheBoundPort() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of());
        assertNotEquals(0, port);
        assertEquals(port, server.boundAddresses().get("PLAINTEXT").getPort());

        WireClient client = connect();
        for (short v = ApiKey.API_VERSIONS.servedMinVersion; v <= ApiKey.API_VERSIONS.servedMaxVersion; v++) {
            client.send(Frames.apiVersions(100 + v, v));
            Frames.ApiVersionsAnswer answer = Frames.readApiVersions(client.readFrame(), v);
            assertEquals(100 + v, answer.correlationId());
            assertEquals(TestHandlers.SUPPORTED.apiKeys(), answer.response().apiKeys(), "v" + v);
        }
        int versions = ApiKey.API_VERSIONS.servedMaxVersion - ApiKey.API_VERSIONS.servedMinVersion + 1;
        assertEquals(versions, metrics.requests());
        assertTrue(metrics.bytesIn() > 0);
        Await.until(() -> metrics.bytesOut() > 0, metrics::toString);
        assertEquals(1, metrics.connectionsAccepted());
        assertEquals(1, server.openConnections());
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrderWhenCompletedOutOfOrder() throws Exception {
        TestHandlers.Holding handler = new TestHandlers.Holding();
        start(handler, Map.of());
        WireClient client = connect();
        for (int i = 1; i <= 5; i++) {
            client.send(Frames.apiVersions(i, (short) 3));
        }
        List<TestHandlers.Held> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(handler.next());
        }
        assertEquals("client-3", held.get(2).context().clientId());
        assertEquals("PLAINTEXT", held.get(2).context().listenerName());
        // Answer from the test thread, last first: nothing may overtake request 1.
        for (int i = 4; i >= 0; i--) {
            held.get(i).answer();
        }
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, Frames.readApiVersions(client.readFrame(), (short) 3).correlationId());
        }
    }

    @Test
    void negativeSizeClosesTheConnection() throws Exception {
        assertBadInputIsolated(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0},
            metrics::negativeFrameSizes, "negativeFrameSizes");
    }

    @Test
    void sizeAboveTheMaximumClosesTheConnectionBeforeTheBodyArrives() throws Exception {
        byte[] prefixOnly = java.nio.ByteBuffer.allocate(4).putInt(MAX_FRAME + 1).array();
        assertBadInputIsolated(prefixOnly, metrics::framesTooLarge, "framesTooLarge");
    }

    @Test
    void unknownApiKeyClosesTheConnection() throws Exception {
        assertBadInputIsolated(Frames.rawHeader((short) 999, (short) 0, 7), metrics::unknownApiKeys, "unknownApiKeys");
    }

    @Test
    void unsupportedVersionOfAnotherApiClosesTheConnection() throws Exception {
        byte[] fetchV3 = Frames.rawHeader(ApiKey.FETCH.id, (short) 3, 7); // below Kafka 4's floor
        assertBadInputIsolated(fetchV3, metrics::unsupportedVersions, "unsupportedVersions");
    }

    @Test
    void produceV2IsAdvertisedButRefusedByClosingAsKafkaDoes() throws Exception {
        byte[] produceV2 = Frames.rawHeader(ApiKey.PRODUCE.id, (short) 2, 7);
        assertBadInputIsolated(produceV2, metrics::unsupportedVersions, "unsupportedVersions");
    }

    @Test
    void garbageBodyClosesTheConnection() throws Exception {
        // ApiVersions v3: a compact string claiming 99 bytes where one follows.
        byte[] garbage = Frames.rawBody(new RequestHeader(ApiKey.API_VERSIONS, (short) 3, 7, "x"), new byte[] {100, 'a'});
        assertBadInputIsolated(garbage, metrics::malformedRequests, "malformedRequests");
    }

    @Test
    void connectionEndingInsideAFrameIsCountedAsTruncated() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of());
        WireClient good = connect();
        good.assertApiVersionsRoundTrip(1);

        WireClient bad = connect();
        byte[] whole = Frames.apiVersions(2, (short) 3);
        bad.send(java.util.Arrays.copyOf(whole, whole.length - 3));
        bad.shutdownOutput();
        bad.assertClosedByServer();

        Await.until(() -> metrics.truncatedFrames() == 1, metrics::toString);
        Await.until(() -> metrics.connectionsClosed() == 1, metrics::toString);
        assertEquals(1, metrics.requests(), "the partial frame never reached the handler");
        good.assertApiVersionsRoundTrip(3);
    }

    @Test
    void unsupportedApiVersionsVersionIsAnsweredAtV0WithTheSupportedList() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of());
        WireClient good = connect();
        good.assertApiVersionsRoundTrip(1);

        WireClient client = connect();
        // v5 is past the band; a Kafka client sends it with a v2 header and a v3-shaped body.
        client.send(Frames.request(new RequestHeader(ApiKey.API_VERSIONS, (short) 5, 42, "future-client"),
            new ApiVersionsRequest("future", "9.9")));
        Frames.ApiVersionsAnswer answer = Frames.readApiVersions(client.readFrame(), (short) 0);
        assertEquals(42, answer.correlationId());
        assertEquals(Errors.UNSUPPORTED_VERSION.code, answer.response().errorCode());
        assertEquals(ApiKey.apiVersionsResponse(Errors.NONE).apiKeys(), answer.response().apiKeys());
        assertEquals(1, metrics.unsupportedVersions());

        // The client retries at a supported version on the same connection.
        client.assertApiVersionsRoundTrip(43);
        good.assertApiVersionsRoundTrip(2);
        assertEquals(0, metrics.connectionsClosed());
    }

    @Test
    void idleConnectionIsClosedAndCounted() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of(BrokerConfig.CONNECTIONS_MAX_IDLE_MS, 200L));
        WireClient idle = connect();
        idle.assertApiVersionsRoundTrip(1);
        idle.assertClosedByServer();

        Await.until(() -> metrics.idleCloses() == 1, metrics::toString);
        Await.until(() -> metrics.connectionsClosed() == 1, metrics::toString);
        connect().assertApiVersionsRoundTrip(2);
    }

    @Test
    void connectionsBeyondMaxConnectionsAreClosedAtOnce() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of(BrokerConfig.MAX_CONNECTIONS, 2));
        WireClient first = connect();
        first.assertApiVersionsRoundTrip(1);
        WireClient second = connect();
        second.assertApiVersionsRoundTrip(2);

        WireClient third = connect();
        third.assertClosedByServer();
        Await.until(() -> metrics.connectionsRefused() == 1, metrics::toString);
        assertEquals(2, metrics.connectionsAccepted());
        first.assertApiVersionsRoundTrip(3);

        second.close();
        Await.until(() -> server.openConnections() == 1, metrics::toString);
        connect().assertApiVersionsRoundTrip(4);
        assertEquals(3, metrics.connectionsAccepted());
    }

    @Test
    void readingPausesAtTheInflightLimitAndResumesAsResponsesAreWritten() throws Exception {
        TestHandlers.Holding handler = new TestHandlers.Holding();
        start(handler, Map.of(BrokerConfig.CONNECTION_MAX_INFLIGHT_REQUESTS, 2));
        WireClient other = connect();
        WireClient client = connect();
        java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
        for (int i = 1; i <= 6; i++) {
            burst.write(Frames.apiVersions(i, (short) 3));
        }
        client.send(burst.toByteArray());

        TestHandlers.Held first = handler.next();
        TestHandlers.Held second = handler.next();
        Await.until(() -> metrics.readPauses() == 1, metrics::toString);
        assertEquals(2, handler.received(), "the third request was read while two were outstanding");

        // Another connection is not held back by this one's pause.
        other.send(Frames.apiVersions(100, (short) 3));
        handler.next().answer();
        assertEquals(100, Frames.readApiVersions(other.readFrame(), (short) 3).correlationId());

        second.answer();
        first.answer();
        for (int i = 3; i <= 6; i++) {
            handler.next().answer();
        }
        for (int i = 1; i <= 6; i++) {
            assertEquals(i, Frames.readApiVersions(client.readFrame(), (short) 3).correlationId());
        }
        assertTrue(handler.maxUnanswered() <= 3, "at most 2 per connection (+1 on the other): " + handler.maxUnanswered());
        assertTrue(metrics.readPauses() >= 2, metrics::toString);
    }

    @Test
    void connectionsBeyondMaxConnectionsPerIpAreClosedAtOnceWhileOtherAddressesAreServed() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of(BrokerConfig.MAX_CONNECTIONS_PER_IP, 2,
            BrokerConfig.MAX_CONNECTIONS_PER_IP_OVERRIDES, "127.0.0.3:3"));
        WireClient first = connect(port, "127.0.0.1");
        first.assertApiVersionsRoundTrip(1);
        connect(port, "127.0.0.1").assertApiVersionsRoundTrip(2);

        connect(port, "127.0.0.1").assertClosedByServer();
        Await.until(() -> metrics.connectionsRefusedPerIp() == 1, metrics::toString);
        connect(port, "127.0.0.2").assertApiVersionsRoundTrip(3);
        for (int i = 0; i < 3; i++) {
            connect(port, "127.0.0.3").assertApiVersionsRoundTrip(10 + i);
        }
        connect(port, "127.0.0.3").assertClosedByServer();
        Await.until(() -> metrics.connectionsRefusedPerIp() == 2, metrics::toString);
        assertEquals(0, metrics.connectionsRefused(), "max.connections was never reached");
        first.assertApiVersionsRoundTrip(4);

        first.close();
        Await.until(() -> server.openConnections() == 5, metrics::toString);
        connect(port, "127.0.0.1").assertApiVersionsRoundTrip(5);
    }

    @Test
    void aConnectionWithoutAWholeRequestIsClosedAtTheFirstRequestDeadline() throws Exception {
        start(TestHandlers.ANSWER_AT_ONCE, Map.of(BrokerConfig.CONNECTIONS_FIRST_REQUEST_TIMEOUT_MS, 300L));
        WireClient good = connect();
        good.assertApiVersionsRoundTrip(1);
        WireClient silent = connect();
        WireClient partial = connect();
        byte[] whole = Frames.apiVersions(2, (short) 3);
        partial.send(java.util.Arrays.copyOf(whole, whole.length - 1));

        silent.assertClosedByServer();
        partial.assertClosedByServer();
        Await.until(() -> metrics.firstRequestTimeouts() == 2, metrics::toString);
        assertEquals(0, metrics.idleCloses(), "connections.max.idle.ms (10 min) played no part");
        // The good connection's deadline passed before the others': its first request cancelled it.
        good.assertApiVersionsRoundTrip(3);
        Await.until(() -> server.openConnections() == 1, metrics::toString);
    }

    @Test
    void theControllerListenerHasAConnectionBudgetOfItsOwn() throws Exception {
        startWithControllerListener(Map.of(BrokerConfig.MAX_CONNECTIONS, 2));
        int controllerPort = server.boundPort("CONTROLLER");
        connect().assertApiVersionsRoundTrip(1);
        connect().assertApiVersionsRoundTrip(2);
        connect().assertClosedByServer();
        Await.until(() -> metrics.connectionsRefused() == 1, metrics::toString);

        // Clients hold every client slot; brokers and voters still get theirs (KIP-402).
        WireClient voter = connect(controllerPort, null);
        assertControllerRoundTrip(voter, 10);
        assertControllerRoundTrip(connect(controllerPort, null), 20);
        assertEquals(2, server.openConnections());
        assertEquals(2, server.openControllerConnections());
        connect(controllerPort, null).assertClosedByServer();
        Await.until(() -> metrics.connectionsRefused() == 2, metrics::toString);

        voter.close();
        Await.until(() -> server.openControllerConnections() == 1, metrics::toString);
        connect().assertClosedByServer();
        Await.until(() -> metrics.connectionsRefused() == 3, metrics::toString);
        assertControllerRoundTrip(connect(controllerPort, null), 30);
    }

    /**
     * Eight clients each send 900 KiB of a 1 MiB frame against a 2 MiB budget: the broker reads at most
     * the budget, one frame past it and one socket read per connection, then stops reading those
     * connections; small whole requests are still served; once the clients finish their frames every one
     * is answered (one connection at a time may finish its frame past the budget, so none waits forever).
     */
    @Test
    void requestBytesAreBoundedAcrossConnectionsAndReadingResumesAsFramesComplete() throws Exception {
        int maxFrame = 1 << 20;
        long budget = 2L << 20;
        int clients = 8;
        start(TestHandlers.ANSWER_AT_ONCE, Map.of(BrokerConfig.SOCKET_REQUEST_MAX_BYTES, maxFrame,
            BrokerConfig.QUEUED_MAX_REQUEST_BYTES, budget));
        byte[] frame = Frames.request(new RequestHeader(ApiKey.API_VERSIONS, (short) 3, 7, "big"),
            new ApiVersionsRequest("x".repeat(maxFrame - 100), "1.0"));
        int sentFirst = 900 * 1024;
        WireClient small = connect();
        List<WireClient> big = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            big.add(connect());
        }
        ExecutorService senders = Executors.newFixedThreadPool(clients);
        try {
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (WireClient c : big) {
                parts.add(CompletableFuture.runAsync(() -> send(c, java.util.Arrays.copyOfRange(frame, 0, sentFirst)), senders));
            }
            Await.until(() -> server.clientRequestBytes() >= budget && metrics.queuedBytesPauses() >= 1, metrics::toString);
            small.assertApiVersionsRoundTrip(1); // a whole small request needs no room: it is handled as it arrives

            List<CompletableFuture<Void>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                WireClient c = big.get(i);
                answers.add(parts.get(i).thenRunAsync(() -> {
                    send(c, java.util.Arrays.copyOfRange(frame, sentFirst, frame.length));
                    readApiVersions(c, 7);
                }, senders));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } finally {
            senders.shutdownNow();
        }
        long bound = budget + maxFrame + (clients + 1) * 64L * 1024;
        assertTrue(server.clientRequestBytesPeak() <= bound,
            "held at most " + bound + " bytes, held " + server.clientRequestBytesPeak());
        assertTrue(server.clientRequestBytesPeak() >= budget, "the budget was reached: " + server.clientRequestBytesPeak());
        Await.until(() -> server.clientRequestBytes() == 0 && metrics.queuedRequestBytes() == 0, metrics::toString);
        assertEquals(0, metrics.connectionsClosed());
    }

    private static void send(WireClient client, byte[] bytes) {
        try {
            client.send(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void readApiVersions(WireClient client, int correlationId) {
        try {
            assertEquals(correlationId, Frames.readApiVersions(client.readFrame(), (short) 3).correlationId());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
