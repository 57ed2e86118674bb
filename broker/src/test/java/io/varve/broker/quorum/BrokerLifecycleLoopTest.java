package io.varve.broker.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.loop.SharedLoopScheduler;
import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A broker's lease as a state machine on its event loop, driven in the test's thread by the shared
 * scheduler on a manual clock; the controller is a fake seam whose answers the test gives. Registers,
 * heartbeats every interval, registers again when the controller forgot it, and shuts down under
 * control, all without the loop ever waiting on the network.
 */
class BrokerLifecycleLoopTest {

    private static final long INTERVAL_MS = 100;
    private static final long MAX_TURNS = 10_000;

    /** A controller that answers only when the test says so. */
    private static final class HeldRpcs implements BrokerLifecycle.ControllerRpcs {
        final Deque<CompletableFuture<RegisterBrokerCodec.Response>> registrations = new ArrayDeque<>();
        final Deque<CompletableFuture<BrokerHeartbeatCodec.Response>> heartbeats = new ArrayDeque<>();
        final List<BrokerHeartbeatCodec.Request> heartbeatsSent = new ArrayList<>();
        boolean closed;

        @Override
        public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request request, long timeoutMs) {
            CompletableFuture<RegisterBrokerCodec.Response> f = new CompletableFuture<>();
            registrations.add(f);
            return f;
        }

        @Override
        public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request request,
                                                                         long timeoutMs) {
            CompletableFuture<BrokerHeartbeatCodec.Response> f = new CompletableFuture<>();
            heartbeats.add(f);
            heartbeatsSent.add(request);
            return f;
        }

        void registered(long epoch) {
            registrations.poll().complete(new RegisterBrokerCodec.Response(Errors.NONE.code, null, epoch, 1));
        }

        void heartbeatAnswered(Errors error, boolean shouldShutDown) {
            heartbeats.poll().complete(new BrokerHeartbeatCodec.Response(error.code, false, shouldShutDown, 1));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final SharedLoopScheduler scheduler = new SharedLoopScheduler(5, new ManualClock());
    private final HeldRpcs controller = new HeldRpcs();
    private final List<Long> epochsTold = new ArrayList<>();
    private BrokerLifecycle lifecycle;

    @BeforeEach
    void create() {
        lifecycle = new BrokerLifecycle(new RegisterBrokerCodec.Request(3, "127.0.0.1", 9092, null), INTERVAL_MS,
            scheduler.clock(), epochsTold::add, controller, scheduler.starter());
    }

    @Test
    void registersThenHeartbeatsOnceEveryInterval() throws Exception {
        CompletableFuture<Long> started = lifecycle.begin();
        runMs(0);
        assertEquals(1, controller.registrations.size());
        assertFalse(started.isDone());

        controller.registered(7);
        runMs(0);
        assertEquals(7L, started.get());
        assertEquals(List.of(7L), epochsTold);
        assertEquals(BrokerLifecycle.State.HEARTBEATING, lifecycle.state());
        assertEquals(1, controller.heartbeatsSent.size(), "the first heartbeat goes at once");

        controller.heartbeatAnswered(Errors.NONE, false);
        runMs(INTERVAL_MS - 1);
        assertEquals(1, controller.heartbeatsSent.size());
        runMs(1);
        assertEquals(2, controller.heartbeatsSent.size());
        assertEquals(new BrokerHeartbeatCodec.Request(3, 7, false), controller.heartbeatsSent.get(1));
        // unanswered: no second one in flight however long it takes
        runMs(5 * INTERVAL_MS);
        assertEquals(2, controller.heartbeatsSent.size());
    }

    @Test
    void aControllerThatForgotThisIncarnationGetsItRegisteredAgain() throws Exception {
        lifecycle.begin();
        runMs(0);
        controller.registered(7);
        runMs(0);
        controller.heartbeatAnswered(Errors.STALE_BROKER_EPOCH, false);
        runMs(0);
        assertEquals(1, controller.registrations.size(), "registers again");

        controller.registered(9);
        runMs(INTERVAL_MS);
        assertEquals(List.of(7L, 9L), epochsTold);
        assertEquals(9L, lifecycle.brokerEpoch());
        assertEquals(new BrokerHeartbeatCodec.Request(3, 9, false),
            controller.heartbeatsSent.get(controller.heartbeatsSent.size() - 1));
    }

    @Test
    void aRefusedRegistrationFailsTheStart() {
        CompletableFuture<Long> started = lifecycle.begin();
        runMs(0);
        controller.registrations.poll().complete(
            new RegisterBrokerCodec.Response(Errors.INVALID_REQUEST.code, "no", -1, 1));
        runMs(0);

        ExecutionException e = assertThrows(ExecutionException.class, started::get);
        assertTrue(e.getCause() instanceof IOException);
        assertEquals(BrokerLifecycle.State.STOPPED, lifecycle.state());
        assertTrue(epochsTold.isEmpty());
    }

    @Test
    void aControlledShutdownAsksUntilTheControllerReleasesTheBroker() {
        lifecycle.begin();
        runMs(0);
        controller.registered(7);
        runMs(0);
        CompletableFuture<Void> done = lifecycle.beginShutdown();
        runMs(0);
        controller.heartbeatAnswered(Errors.NONE, false); // the ordinary heartbeat in flight
        runMs(BrokerLifecycle.SHUTDOWN_RETRY_MS);
        assertEquals(new BrokerHeartbeatCodec.Request(3, 7, true), controller.heartbeatsSent.get(1));
        controller.heartbeatAnswered(Errors.NONE, false); // leaderships still moving
        runMs(BrokerLifecycle.SHUTDOWN_RETRY_MS);
        assertEquals(3, controller.heartbeatsSent.size());
        assertFalse(done.isDone());

        controller.heartbeatAnswered(Errors.NONE, true);
        runMs(0);
        assertTrue(done.isDone());
        assertEquals(BrokerLifecycle.State.STOPPED, lifecycle.state());
        runMs(10 * INTERVAL_MS);
        assertEquals(3, controller.heartbeatsSent.size(), "no heartbeat after the release");
    }

    @Test
    void aFailedOrdinaryHeartbeatInFlightDoesNotEndTheControlledShutdownUnasked() {
        lifecycle.begin();
        runMs(0);
        controller.registered(7);
        runMs(0);
        CompletableFuture<Void> done = lifecycle.beginShutdown();
        runMs(0);
        // the ordinary heartbeat sent before the shutdown fails (it went to a controller since gone)
        controller.heartbeats.poll().completeExceptionally(new IOException("connection refused"));
        runMs(0);
        assertFalse(done.isDone(), "the failure of a heartbeat that did not ask to shut down ends nothing");
        assertEquals(2, controller.heartbeatsSent.size());
        assertEquals(new BrokerHeartbeatCodec.Request(3, 7, true), controller.heartbeatsSent.get(1));

        controller.heartbeatAnswered(Errors.NOT_CONTROLLER, false); // the active controller moved
        runMs(BrokerLifecycle.SHUTDOWN_RETRY_MS);
        assertFalse(done.isDone());
        assertEquals(3, controller.heartbeatsSent.size(), "asks the new active controller");
        assertEquals(new BrokerHeartbeatCodec.Request(3, 7, true), controller.heartbeatsSent.get(2));

        controller.heartbeatAnswered(Errors.NONE, true);
        runMs(0);
        assertTrue(done.isDone());
        assertEquals(BrokerLifecycle.State.STOPPED, lifecycle.state());
    }

    @Test
    void aControlledShutdownGivesUpAtItsDeadlineWhenNoControllerAnswers() {
        lifecycle.begin();
        runMs(0);
        controller.registered(7);
        runMs(0);
        CompletableFuture<Void> done = lifecycle.beginShutdown();
        runMs(BrokerLifecycle.CONTROLLED_SHUTDOWN_TIMEOUT_MS - 1);
        assertFalse(done.isDone());
        runMs(1);
        assertTrue(done.isDone());

        lifecycle.close();
        assertTrue(controller.closed);
    }

    @Test
    void everyHeartbeatNamesTheLogDirectoriesOfflineAtItsSending() throws Exception {
        List<String> offline = new ArrayList<>();
        List<String> askedOn = new ArrayList<>();
        BrokerLifecycle reporting = new BrokerLifecycle(new RegisterBrokerCodec.Request(4, "127.0.0.1", 9093, null),
            INTERVAL_MS, scheduler.clock(), epochsTold::add, () -> {
                askedOn.add(Thread.currentThread().getName());
                return List.copyOf(offline);
            }, controller, scheduler.starter());
        reporting.begin();
        runMs(0);
        controller.registered(5);
        runMs(0);
        assertEquals(new BrokerHeartbeatCodec.Request(4, 5, false, List.of()), controller.heartbeatsSent.get(0));

        offline.add("/data/a"); // a storage error between two heartbeats
        controller.heartbeatAnswered(Errors.NONE, false);
        runMs(INTERVAL_MS);
        assertEquals(2, controller.heartbeatsSent.size());
        assertEquals(new BrokerHeartbeatCodec.Request(4, 5, false, List.of("/data/a")), controller.heartbeatsSent.get(1));

        CompletableFuture<Void> done = reporting.beginShutdown(); // the want-shut-down heartbeats name it too
        controller.heartbeatAnswered(Errors.NONE, false);
        runMs(BrokerLifecycle.SHUTDOWN_RETRY_MS);
        assertEquals(new BrokerHeartbeatCodec.Request(4, 5, true, List.of("/data/a")), controller.heartbeatsSent.get(2));
        controller.heartbeatAnswered(Errors.NONE, true);
        runMs(0);
        assertTrue(done.isDone());
        assertEquals(3, askedOn.size(), "asked once per heartbeat");
        assertEquals(Thread.currentThread().getName(), askedOn.get(0), "asked on the loop (the scheduler's thread here)");
    }

    private void runMs(long ms) {
        scheduler.runForMs(ms, MAX_TURNS);
    }
}
