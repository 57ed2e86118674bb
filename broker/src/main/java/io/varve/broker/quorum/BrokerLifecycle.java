package io.varve.broker.quorum;

import io.varve.broker.loop.EventLoop;
import io.varve.broker.loop.LoopHandler;
import io.varve.broker.loop.LoopStarter;
import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's side of its lease (HeartBeat), as a state machine on its own {@link EventLoop}:
 * registers with the active controller at start, then heartbeats every
 * {@code broker.heartbeat.interval.ms}; registers again when the controller no longer knows this
 * incarnation. Each registration's broker epoch goes to a listener (the replica manager, which hosts
 * nothing until the metadata holds that registration). Each heartbeat names the log directories that
 * are offline. On close it asks for a controlled shutdown (heartbeats with want-shut-down until the
 * controller has moved its leaderships, bounded) before stopping.
 *
 * <pre>
 *   REGISTERING ──registered──► HEARTBEATING ──close──► SHUTTING_DOWN ──released / refused / deadline──► STOPPED
 *        │ refused or no controller in time                 ▲ stale epoch: register again, keep heartbeating
 *        ▼
 *     STOPPED (start fails)
 * </pre>
 *
 * <p>The loop never blocks on the network: it calls the {@link ControllerRpcs} seam, whose answers
 * come back as commands. One RPC is in flight at a time. Today the seam is the blocking
 * {@link ControllerClient} on an I/O thread of its own ({@link #blockingRpcs}); the internal RPCs
 * move onto the Netty client stack later (issue 12) behind the same interface.
 *
 * <p>Thread-safe: {@link #start}, {@link #close} and {@link #brokerEpoch} from any thread; the
 * state is the loop's.
 */
public final class BrokerLifecycle implements LoopHandler<BrokerLifecycle.Event>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);
    /** How long start waits for an active controller to register this broker. */
    static final long REGISTRATION_TIMEOUT_MS = 120_000;
    /** How long close waits for the controller to release this broker. */
    static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;
    /** Between two want-shut-down heartbeats while the controller moves leaderships. */
    static final long SHUTDOWN_RETRY_MS = 100;

    /** The seam to the active controller, wherever it is: two RPCs that complete later, never blocking the caller. */
    public interface ControllerRpcs extends AutoCloseable {
        /** Completes with the answer, or exceptionally when no active controller answered within {@code timeoutMs}. */
        CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request request, long timeoutMs);

        /** Completes with the answer, or exceptionally when no active controller answered within {@code timeoutMs}. */
        CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request request, long timeoutMs);

        @Override
        void close();
    }

    /** Told this incarnation's broker epoch after each registration, on the lifecycle's loop. */
    @FunctionalInterface
    public interface RegistrationListener {
        void registered(long brokerEpoch) throws IOException;
    }

    /** What the loop takes. */
    sealed interface Event permits Start, Registered, HeartbeatAnswered, ShutDown {
    }

    private record Start(CompletableFuture<Long> registered) implements Event {
    }

    private record Registered(RegisterBrokerCodec.Response response, Throwable error) implements Event {
    }

    private record HeartbeatAnswered(BrokerHeartbeatCodec.Response response, Throwable error) implements Event {
    }

    private record ShutDown(CompletableFuture<Void> done) implements Event {
    }

    /** Where the lease stands: see the diagram above. */
    public enum State { NEW, REGISTERING, HEARTBEATING, SHUTTING_DOWN, STOPPED }

    private final RegisterBrokerCodec.Request registration;
    private final long intervalMs;
    private final RegistrationListener onRegistered;
    private final Supplier<List<String>> offlineLogDirs;
    private final ControllerRpcs rpcs;
    private final EventLoop<Event> loop;
    private final AutoCloseable running;
    private volatile long brokerEpoch = -1;
    private volatile State state = State.NEW;
    // the loop's only
    private boolean rpcInFlight;
    /** Whether the heartbeat in flight asked to shut down (one sent before the shutdown began did not). */
    private boolean shutdownAsked;
    private long heartbeatStartNs;
    private CompletableFuture<Long> started;
    private CompletableFuture<Void> shutdown;
    private long shutdownDeadlineNs;

    /** A lifecycle on a thread of its own, over the blocking {@link ControllerClient}. */
    public BrokerLifecycle(RegisterBrokerCodec.Request registration, ControllerQuorumConfig config, Clock clock,
                           RegistrationListener onRegistered) {
        this(registration, config, clock, onRegistered, List::of);
    }

    /**
     * A lifecycle on a thread of its own, over the blocking {@link ControllerClient}.
     *
     * @param offlineLogDirs asked before every heartbeat for the log directories that are offline, which the
     *                       heartbeat reports (Kafka's {@code OfflineLogDirs}): the controller then moves this
     *                       broker's leaderships and takes it out of the ISRs
     */
    public BrokerLifecycle(RegisterBrokerCodec.Request registration, ControllerQuorumConfig config, Clock clock,
                           RegistrationListener onRegistered, Supplier<List<String>> offlineLogDirs) {
        this(registration, config.brokerHeartbeatIntervalMs(), clock, onRegistered, offlineLogDirs,
            blockingRpcs(registration.nodeId(), config, clock), LoopStarter.threads());
    }

    /**
     * @param intervalMs {@code broker.heartbeat.interval.ms}
     * @param starter    runs the loop: a thread of its own, or a simulation's scheduler
     */
    public BrokerLifecycle(RegisterBrokerCodec.Request registration, long intervalMs, Clock clock,
                           RegistrationListener onRegistered, ControllerRpcs rpcs, LoopStarter starter) {
        this(registration, intervalMs, clock, onRegistered, List::of, rpcs, starter);
    }

    /**
     * @param intervalMs     {@code broker.heartbeat.interval.ms}
     * @param offlineLogDirs asked on the loop before every heartbeat for the offline log directories to report
     * @param starter        runs the loop: a thread of its own, or a simulation's scheduler
     */
    public BrokerLifecycle(RegisterBrokerCodec.Request registration, long intervalMs, Clock clock,
                           RegistrationListener onRegistered, Supplier<List<String>> offlineLogDirs,
                           ControllerRpcs rpcs, LoopStarter starter) {
        this.registration = registration;
        this.offlineLogDirs = offlineLogDirs;
        this.intervalMs = intervalMs;
        this.onRegistered = onRegistered;
        this.rpcs = rpcs;
        this.loop = new EventLoop<>("varve-broker-lifecycle-" + registration.nodeId(), 16, clock, this);
        this.running = starter.start(loop);
    }

    /**
     * Registers and starts heartbeating, waiting (bounded) for the first registration.
     *
     * @throws IOException when no active controller registered this broker in time, or refused it
     */
    public void start() throws IOException {
        try {
            begin().get(REGISTRATION_TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("node " + registration.nodeId() + " was not registered in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while registering", e);
        }
    }

    /** Starts registering without waiting: completes with the broker epoch of the first registration. */
    public CompletableFuture<Long> begin() {
        CompletableFuture<Long> registered = new CompletableFuture<>();
        if (!loop.offer(new Start(registered))) {
            registered.completeExceptionally(new IOException("the lifecycle loop refused to start"));
        }
        return registered;
    }

    /** This incarnation's broker epoch, or -1 before registration. */
    public long brokerEpoch() {
        return brokerEpoch;
    }

    /** Where the lease stands (for tests and logs). */
    public State state() {
        return state;
    }

    @Override
    public void onCommand(Event event, long nowNs) {
        if (event instanceof Start s) {
            onStart(s, nowNs);
        } else if (event instanceof Registered r) {
            onRegistered(r, nowNs);
        } else if (event instanceof HeartbeatAnswered h) {
            onHeartbeatAnswered(h, nowNs);
        } else if (event instanceof ShutDown d) {
            onShutDown(d, nowNs);
        }
    }

    private void onStart(Start s, long nowNs) {
        if (state != State.NEW) {
            s.registered().completeExceptionally(new IllegalStateException("started twice"));
            return;
        }
        started = s.registered();
        state = State.REGISTERING;
        sendRegister(REGISTRATION_TIMEOUT_MS);
    }

    private void sendRegister(long timeoutMs) {
        rpcInFlight = true;
        rpcs.register(registration, timeoutMs)
            .whenComplete((response, error) -> loop.offer(new Registered(response, error)));
    }

    private void onRegistered(Registered r, long nowNs) {
        rpcInFlight = false;
        IOException failure = null;
        if (r.error() != null) {
            failure = r.error() instanceof IOException io ? io : new IOException(r.error());
        } else if (r.response().errorCode() != Errors.NONE.code) {
            failure = new IOException("registering node " + registration.nodeId() + " failed: "
                + Errors.forCode(r.response().errorCode()) + " " + r.response().message());
        } else {
            brokerEpoch = r.response().brokerEpoch();
            LOG.info("Node {} registered with the active controller {} (broker epoch {})", registration.nodeId(),
                r.response().leaderId(), brokerEpoch);
            try {
                onRegistered.registered(brokerEpoch);
            } catch (IOException e) {
                failure = e;
            }
        }
        if (state == State.REGISTERING) {
            if (failure != null) {
                state = State.STOPPED;
                started.completeExceptionally(failure);
                return;
            }
            state = State.HEARTBEATING;
            started.complete(brokerEpoch);
            scheduleHeartbeat(nowNs); // the first at once
        } else if (state == State.HEARTBEATING) {
            if (failure != null) {
                LOG.warn("Registering node {} again failed: {}", registration.nodeId(), failure.getMessage());
            }
            scheduleHeartbeat(heartbeatStartNs + TimeUnit.MILLISECONDS.toNanos(intervalMs));
        } else if (state == State.SHUTTING_DOWN) {
            sendShutdownHeartbeat(nowNs);
        }
    }

    private void scheduleHeartbeat(long atNs) {
        loop.schedule(atNs, this::onHeartbeatTimer);
    }

    private void onHeartbeatTimer(long nowNs) {
        if (state != State.HEARTBEATING || rpcInFlight) {
            return;
        }
        heartbeatStartNs = nowNs;
        sendHeartbeat(false);
    }

    private void sendHeartbeat(boolean wantShutDown) {
        rpcInFlight = true;
        shutdownAsked = wantShutDown;
        // Up to two intervals: room to try a second voter, yet well inside the lease.
        rpcs.heartbeat(new BrokerHeartbeatCodec.Request(registration.nodeId(), brokerEpoch, wantShutDown,
                offlineLogDirs.get()), 2L * intervalMs)
            .whenComplete((response, error) -> loop.offer(new HeartbeatAnswered(response, error)));
    }

    private void onHeartbeatAnswered(HeartbeatAnswered h, long nowNs) {
        rpcInFlight = false;
        if (state == State.SHUTTING_DOWN) {
            if (shutdownAsked) {
                onShutdownAnswer(h, nowNs);
            } else {
                // The answer to a plain heartbeat sent before the shutdown began says nothing about the
                // shutdown (it may even be a failure against a controller that has since moved): ask now.
                sendShutdownHeartbeat(nowNs);
            }
            return;
        }
        if (state != State.HEARTBEATING) {
            return;
        }
        if (h.error() != null) {
            LOG.warn("Heartbeat of node {} failed: {}", registration.nodeId(), h.error().getMessage());
        } else {
            Errors error = Errors.forCode(h.response().errorCode());
            if (error == Errors.STALE_BROKER_EPOCH || error == Errors.BROKER_ID_NOT_REGISTERED) {
                LOG.warn("The controller no longer knows node {} at epoch {} ({}); registering again",
                    registration.nodeId(), brokerEpoch, error);
                sendRegister(intervalMs);
                return;
            }
        }
        scheduleHeartbeat(Math.max(nowNs, heartbeatStartNs + TimeUnit.MILLISECONDS.toNanos(intervalMs)));
    }

    private void onShutDown(ShutDown d, long nowNs) {
        if (state == State.STOPPED || state == State.SHUTTING_DOWN || brokerEpoch < 0) {
            state = state == State.SHUTTING_DOWN ? state : State.STOPPED;
            d.done().complete(null);
            return;
        }
        state = State.SHUTTING_DOWN;
        shutdown = d.done();
        shutdownDeadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
        loop.schedule(shutdownDeadlineNs, timeNs -> stopShutdown("timed out"));
        if (!rpcInFlight) {
            sendShutdownHeartbeat(nowNs);
        } // else the answer in flight leads to the first want-shut-down heartbeat
    }

    private void sendShutdownHeartbeat(long nowNs) {
        if (state == State.SHUTTING_DOWN && !rpcInFlight && nowNs - shutdownDeadlineNs < 0) {
            sendHeartbeat(true);
        }
    }

    private void onShutdownAnswer(HeartbeatAnswered h, long nowNs) {
        if (h.error() != null) {
            stopShutdown("gave up: " + h.error().getMessage());
        } else if (h.response().errorCode() == Errors.NOT_CONTROLLER.code) {
            // the active controller moved: ask again, until released or the deadline, as Kafka does
            loop.schedule(nowNs + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_RETRY_MS), this::sendShutdownHeartbeat);
        } else if (h.response().errorCode() != Errors.NONE.code) {
            stopShutdown(String.valueOf(Errors.forCode(h.response().errorCode())));
        } else if (h.response().shouldShutDown()) {
            stopShutdown("released by the controller");
        } else {
            loop.schedule(nowNs + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_RETRY_MS), this::sendShutdownHeartbeat);
        }
    }

    private void stopShutdown(String how) {
        if (state != State.SHUTTING_DOWN) {
            return;
        }
        state = State.STOPPED;
        LOG.info("Controlled shutdown of node {}: {}", registration.nodeId(), how);
        shutdown.complete(null);
    }

    /**
     * Asks for a controlled shutdown without waiting: completes once the controller released this
     * broker, refused, or {@link #CONTROLLED_SHUTDOWN_TIMEOUT_MS} passed (at once when never registered).
     */
    public CompletableFuture<Void> beginShutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!loop.offer(new ShutDown(done))) {
            done.complete(null);
        }
        return done;
    }

    @Override
    public void onUnhandled(Event event) {
        if (event instanceof ShutDown d) {
            d.done().complete(null);
        } else if (event instanceof Start s) {
            s.registered().completeExceptionally(new IOException("the lifecycle stopped"));
        }
    }

    @Override
    public void onClose() {
        if (started != null && !started.isDone()) {
            started.completeExceptionally(new IOException("the lifecycle stopped"));
        }
        if (shutdown != null) {
            shutdown.complete(null);
        }
        state = State.STOPPED;
    }

    /** Stops heartbeating after a controlled shutdown (bounded; a controller that is gone is not waited for). */
    @Override
    public void close() {
        try {
            // already stopped (released, refused, or never registered): nothing to ask for
            CompletableFuture<Void> done = state == State.STOPPED ? CompletableFuture.completedFuture(null) : beginShutdown();
            done.get(CONTROLLED_SHUTDOWN_TIMEOUT_MS + 2 * intervalMs + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Controlled shutdown of node {} did not finish: {}", registration.nodeId(), e.toString());
        }
        try {
            running.close();
        } catch (Exception e) {
            LOG.warn("Stopping the lifecycle loop of node {} failed", registration.nodeId(), e);
        }
        rpcs.close();
    }

    /**
     * The seam over the blocking {@link ControllerClient}: each call runs on one I/O thread of its
     * own ({@code varve-broker-heartbeat}), one at a time, and completes the future from there.
     */
    public static ControllerRpcs blockingRpcs(int nodeId, ControllerQuorumConfig config, Clock clock) {
        ControllerClient client = new ControllerClient(nodeId, config, clock);
        java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "varve-broker-heartbeat");
            t.setDaemon(true);
            return t;
        });
        return new ControllerRpcs() {
            @Override
            public CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request request,
                                                                           long timeoutMs) {
                return call(() -> client.register(request, timeoutMs));
            }

            @Override
            public CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request request,
                                                                             long timeoutMs) {
                return call(() -> client.heartbeat(request, timeoutMs));
            }

            private <R> CompletableFuture<R> call(IoCall<R> call) {
                CompletableFuture<R> result = new CompletableFuture<>();
                try {
                    io.execute(() -> {
                        try {
                            result.complete(call.run());
                        } catch (IOException | RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    result.completeExceptionally(new IOException("the controller client stopped", e));
                }
                return result;
            }

            @Override
            public void close() {
                io.shutdownNow();
            }
        };
    }

    @FunctionalInterface
    private interface IoCall<R> {
        R run() throws IOException;
    }
}
