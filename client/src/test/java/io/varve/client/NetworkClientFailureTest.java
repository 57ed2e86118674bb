package io.varve.client;

import static io.varve.client.ClientTestSupport.await;
import static io.varve.client.ClientTestSupport.awaitCondition;
import static io.varve.client.ClientTestSupport.config;
import static io.varve.client.ClientTestSupport.echo;
import static io.varve.client.FakeBroker.echoOf;
import static io.varve.client.ClientTestSupport.echoed;
import static io.varve.client.ClientTestSupport.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.TooLongFrameException;
import io.varve.common.ManualClock;
import io.varve.config.ClientConfig;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a connection does when the broker misbehaves, goes silent or goes away, and how it comes back. */
class NetworkClientFailureTest {

    private static final long SEED = 7L;

    private FakeBroker broker = new FakeBroker();
    private final ManualClock clock = new ManualClock();
    private NetworkClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        broker.close();
    }

    @Test
    void aResponseWithTheWrongCorrelationIdFailsTheConnectionAndEverythingInFlight() throws Exception {
        broker.hold();
        client = new NetworkClient(config(broker), clock, new Random(SEED));
        Node node = broker.node(1);
        CompletableFuture<GeneratedMessage> first = client.send(node, echo("first"));
        CompletableFuture<GeneratedMessage> second = client.send(node, echo("second"));
        FakeBroker.Exchange exchange = broker.nextHeld();
        broker.nextHeld();

        exchange.respond(exchange.header().correlationId() + 1, echoOf("first"));

        NetworkClientException e1 = failure(first);
        NetworkClientException e2 = failure(second);
        assertEquals(NetworkClientException.Reason.DISCONNECTED, e1.reason());
        assertEquals(NetworkClientException.Reason.DISCONNECTED, e2.reason());
        assertTrue(e1.isRetriable());
        assertTrue(e1.getMessage().contains("correlation id mismatch"), e1.getMessage());
        assertEquals(ConnectionState.BACKOFF, client.connectionState(node));
        awaitCondition(() -> broker.closed.get() == 1, "the client closes the connection");
    }

    @Test
    void aRequestPastItsTimeoutFailsAndClosesTheConnection() throws Exception {
        broker.hold();
        client = new NetworkClient(config(broker, ClientConfig.REQUEST_TIMEOUT_MS, 1_000), clock, new Random(SEED));
        Node node = broker.node(1);
        CompletableFuture<GeneratedMessage> slow = client.send(node, echo("slow"));
        FakeBroker.Exchange exchange = broker.nextHeld();

        clock.advanceMs(999);
        assertFalse(slow.isDone(), "not before its timeout");
        clock.advanceMs(1);

        NetworkClientException e = failure(slow);
        assertEquals(NetworkClientException.Reason.REQUEST_TIMED_OUT, e.reason());
        assertTrue(e.isRetriable());
        awaitCondition(() -> broker.closed.get() == 1, "the client closes the connection");
        assertEquals(ConnectionState.BACKOFF, client.connectionState(node));
        exchange.echo(); // a late answer on a closed connection is ignored
    }

    @Test
    void theBrokerClosingMidRequestFailsTheRequestsRetriably() throws Exception {
        broker.handler = FakeBroker.Exchange::close;
        client = new NetworkClient(config(broker), clock, new Random(SEED));
        Node node = broker.node(1);

        List<CompletableFuture<GeneratedMessage>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(client.send(node, echo("r" + i)));
        }

        for (CompletableFuture<GeneratedMessage> f : futures) {
            NetworkClientException e = failure(f);
            assertTrue(e.isRetriable(), e.toString());
            assertTrue(e.reason() == NetworkClientException.Reason.DISCONNECTED
                || e.reason() == NetworkClientException.Reason.NOT_CONNECTED, e.toString());
        }
        assertEquals(NetworkClientException.Reason.DISCONNECTED, failure(futures.get(0)).reason());
        assertEquals(0, client.outstandingRequests(node));
    }

    @Test
    void theClientReconnectsAfterBackoffOnceTheBrokerIsBack() throws Exception {
        client = new NetworkClient(config(broker,
            ClientConfig.RECONNECT_BACKOFF_MS, 100L, ClientConfig.RECONNECT_BACKOFF_MAX_MS, 1_000L), clock, new Random(SEED));
        int port = broker.port();
        Node node = broker.node(1);
        assertEquals("before", echoed(await(client.send(node, echo("before")))));

        broker.close();
        awaitCondition(() -> client.connectionState(node) == ConnectionState.BACKOFF, "the client notices the broker left");
        NetworkClientException inBackoff = failure(client.send(node, echo("during backoff")));
        assertEquals(NetworkClientException.Reason.NOT_CONNECTED, inBackoff.reason());
        assertTrue(inBackoff.isRetriable());

        clock.advanceMs(client.connectionDelayMs(node));
        NetworkClientException refused = failure(client.send(node, echo("broker still down")));
        assertEquals(NetworkClientException.Reason.NOT_CONNECTED, refused.reason());
        assertTrue(refused.getMessage().contains("cannot connect"), refused.getMessage());

        broker = new FakeBroker(port);
        clock.advanceMs(client.connectionDelayMs(node));
        assertEquals("after", echoed(await(client.send(node, echo("after")))));
        assertEquals(ConnectionState.READY, client.connectionState(node));
        assertEquals(1, broker.accepted.get());
    }

    @Test
    void consecutiveConnectFailuresBackOffExponentiallyWithSeededJitter() throws Exception {
        int deadPort = broker.port();
        broker.close();
        Node node = new Node(1, "127.0.0.1", deadPort);
        client = new NetworkClient(config(broker,
            ClientConfig.RECONNECT_BACKOFF_MS, 100L, ClientConfig.RECONNECT_BACKOFF_MAX_MS, 1_000L), clock, new Random(SEED));
        ExponentialBackoff expected = ExponentialBackoff.of(100, 1_000);
        Random replay = new Random(SEED);

        List<Long> delays = new ArrayList<>();
        List<Long> expectedDelays = new ArrayList<>();
        for (int attempt = 0; attempt < 6; attempt++) {
            assertEquals(NetworkClientException.Reason.NOT_CONNECTED, failure(client.send(node, echo("x"))).reason());
            delays.add(client.connectionDelayMs(node));
            expectedDelays.add(expected.backoffMs(attempt, replay));
            clock.advanceMs(delays.get(attempt));
        }

        assertEquals(expectedDelays, delays, "the seed replays the jitter exactly");
        for (int attempt = 0; attempt < 6; attempt++) {
            long term = expected.termMs(attempt);
            assertTrue(delays.get(attempt) >= term * 0.8 && delays.get(attempt) <= term * 1.2, delays.toString());
        }
        assertTrue(delays.get(3) > delays.get(0), "the backoff grows: " + delays);
    }

    @Test
    void aResponseFrameOverTheLimitFailsTheConnection() throws Exception {
        broker.handler = exchange -> exchange.respond(echoOf("x".repeat(2_000)));
        client = new NetworkClient(config(broker, ClientConfig.MAX_RESPONSE_BYTES, 1_024), clock, new Random(SEED));
        Node node = broker.node(1);

        NetworkClientException e = failure(client.send(node, echo("big")));

        assertEquals(NetworkClientException.Reason.DISCONNECTED, e.reason());
        assertInstanceOf(TooLongFrameException.class, e.getCause(), e.toString());
        assertEquals(ConnectionState.BACKOFF, client.connectionState(node));
    }

    @Test
    void aConnectionThatIsNotReadyInTimeFailsItsQueuedRequests() throws Exception {
        broker.answerHandshake = false;
        client = new NetworkClient(config(broker, ClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS, 2_000L,
            ClientConfig.REQUEST_TIMEOUT_MS, 60_000), clock, new Random(SEED));
        Node node = broker.node(1);
        CompletableFuture<GeneratedMessage> waiting = client.send(node, echo("waiting"));
        awaitCondition(() -> broker.handshakeVersions.size() == 1, "the handshake reaches the broker");
        assertEquals(ConnectionState.CONNECTING, client.connectionState(node));

        clock.advanceMs(2_000);

        NetworkClientException e = failure(waiting);
        assertEquals(NetworkClientException.Reason.NOT_CONNECTED, e.reason());
        assertTrue(e.getMessage().contains("setup timed out"), e.getMessage());
        assertEquals(ConnectionState.BACKOFF, client.connectionState(node));
    }

    @Test
    void anIdleConnectionIsClosedAndReopenedOnTheNextSend() throws Exception {
        client = new NetworkClient(config(broker, ClientConfig.CONNECTIONS_MAX_IDLE_MS, 10_000L), clock, new Random(SEED));
        Node node = broker.node(1);
        assertEquals("one", echoed(await(client.send(node, echo("one")))));

        clock.advanceMs(10_000);

        awaitCondition(() -> client.connectionState(node) == ConnectionState.DISCONNECTED, "idle close");
        awaitCondition(() -> broker.closed.get() == 1, "the broker sees the close");
        assertEquals(0L, client.connectionDelayMs(node), "an idle close is not a failure: no backoff");
        assertEquals("two", echoed(await(client.send(node, echo("two")))));
        assertEquals(2, broker.accepted.get());
    }
}
