package io.varve.client;

import static io.varve.client.ClientTestSupport.await;
import static io.varve.client.ClientTestSupport.awaitCondition;
import static io.varve.client.ClientTestSupport.config;
import static io.varve.client.ClientTestSupport.echo;
import static io.varve.client.ClientTestSupport.echoed;
import static io.varve.client.ClientTestSupport.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.config.ClientConfig;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request Pipeline: ordering, the in-flight limit, the bounded queue, requests without responses. */
class NetworkClientPipelineTest {

    private final FakeBroker broker = new FakeBroker();
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
    void manyPipelinedRequestsCompleteInOrderWithAtMostFiveInFlight() throws Exception {
        broker.hold();
        client = new NetworkClient(config(broker), clock, new Random(1));
        Node node = broker.node(1);
        int count = 200;
        List<String> completed = new CopyOnWriteArrayList<>();
        List<CompletableFuture<GeneratedMessage>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CompletableFuture<GeneratedMessage> f = client.send(node, echo("req-" + i));
            f.thenAccept(r -> completed.add(echoed(r)));
            futures.add(f);
        }

        // The first five are written back to back, before any answer.
        List<FakeBroker.Exchange> window = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            window.add(broker.nextHeld());
        }
        assertEquals(5, window.size());
        int maxUnanswered = window.size();
        int answered = 0;
        while (answered < count) {
            FakeBroker.Exchange next = window.isEmpty() ? broker.nextHeld() : window.remove(0);
            maxUnanswered = Math.max(maxUnanswered, 1 + window.size() + broker.held.size());
            assertEquals("req-" + answered, next.apiVersionsRequest().clientSoftwareName(), "requests arrive in send order");
            next.echo();
            answered++;
        }

        for (int i = 0; i < count; i++) {
            assertEquals("req-" + i, echoed(await(futures.get(i))));
        }
        assertTrue(maxUnanswered <= 5, "never more than max.in.flight.requests.per.connection unanswered: " + maxUnanswered);
        awaitCondition(() -> completed.size() == count, "all callbacks");
        assertEquals(futures.stream().map(f -> echoed(f.join())).toList(), completed, "responses complete in send order");
        assertEquals(0, client.outstandingRequests(node));
        assertEquals(1, broker.accepted.get(), "one connection per node");
    }

    @Test
    void sendsFromManyThreadsEachGetTheirOwnResponse() throws Exception {
        client = new NetworkClient(config(broker), clock, new Random(1));
        Node node = broker.node(1);
        int threads = 4;
        int perThread = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<CompletableFuture<GeneratedMessage>>>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                senders.add(pool.submit(() -> {
                    List<CompletableFuture<GeneratedMessage>> sent = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        sent.add(client.send(node, echo(thread + "-" + i)));
                    }
                    return sent;
                }));
            }
            for (int t = 0; t < threads; t++) {
                List<CompletableFuture<GeneratedMessage>> sent = senders.get(t).get(ClientTestSupport.AWAIT_MS, TimeUnit.MILLISECONDS);
                for (int i = 0; i < perThread; i++) {
                    assertEquals(t + "-" + i, echoed(await(sent.get(i))));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, broker.accepted.get(), "one connection per node, whichever thread sends");
    }

    @Test
    void aFullQueueFailsTheSendAtOnceAsBackPressure() throws Exception {
        broker.hold();
        client = new NetworkClient(config(broker,
            ClientConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
            ClientConfig.MAX_QUEUED_REQUESTS_PER_CONNECTION, 2), clock, new Random(1));
        Node node = broker.node(1);
        CompletableFuture<GeneratedMessage> first = client.send(node, echo("a"));
        FakeBroker.Exchange inFlight = broker.nextHeld();
        CompletableFuture<GeneratedMessage> second = client.send(node, echo("b"));
        CompletableFuture<GeneratedMessage> third = client.send(node, echo("c"));

        CompletableFuture<GeneratedMessage> rejected = client.send(node, echo("d"));

        assertTrue(rejected.isCompletedExceptionally(), "fails on the caller's thread, without waiting");
        NetworkClientException e = failure(rejected);
        assertEquals(NetworkClientException.Reason.QUEUE_FULL, e.reason());
        assertTrue(e.isRetriable());
        assertEquals(3, client.outstandingRequests(node));

        inFlight.echo();
        assertEquals("a", echoed(await(first)));
        broker.nextHeld().echo();
        broker.nextHeld().echo();
        assertEquals("b", echoed(await(second)));
        assertEquals("c", echoed(await(third)));
        assertEquals("e", echoed(await(sendAndEcho(node, "e"))), "room again once answered");
    }

    private CompletableFuture<GeneratedMessage> sendAndEcho(Node node, String name) throws InterruptedException {
        CompletableFuture<GeneratedMessage> f = client.send(node, echo(name));
        broker.nextHeld().echo();
        return f;
    }

    @Test
    void aRequestWithoutResponseCompletesWhenWrittenAndLaterResponsesStillMatch() throws Exception {
        broker.hold();
        client = new NetworkClient(config(broker), clock, new Random(1));
        Node node = broker.node(1);

        CompletableFuture<Void> oneWay = client.sendNoResponse(node, echo("fire-and-forget"));
        assertNull(await(oneWay));
        FakeBroker.Exchange unanswered = broker.nextHeld();
        assertEquals("fire-and-forget", unanswered.apiVersionsRequest().clientSoftwareName());

        CompletableFuture<GeneratedMessage> answered = client.send(node, echo("answered"));
        broker.nextHeld().echo();

        assertEquals("answered", echoed(await(answered)));
        assertEquals(ConnectionState.READY, client.connectionState(node));
    }

    @Test
    void closingTheClientFailsWhatIsOutstandingAndRefusesNewSends() throws Exception {
        broker.hold();
        client = new NetworkClient(config(broker), clock, new Random(1));
        Node node = broker.node(1);
        CompletableFuture<GeneratedMessage> pending = client.send(node, echo("pending"));
        broker.nextHeld();

        client.close();

        assertEquals(NetworkClientException.Reason.CLIENT_CLOSED, failure(pending).reason());
        NetworkClientException after = failure(client.send(node, echo("after")));
        assertEquals(NetworkClientException.Reason.CLIENT_CLOSED, after.reason());
        assertFalse(after.isRetriable());
        assertEquals(ConnectionState.CLOSED, client.connectionState(node));
        awaitCondition(() -> broker.closed.get() == 1, "the broker sees the connection close");
    }
}
