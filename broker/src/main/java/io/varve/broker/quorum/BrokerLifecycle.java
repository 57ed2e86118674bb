package io.varve.broker.quorum;

import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's side of its lease (HeartBeat): registers with the active controller at start, then
 * heartbeats every {@code broker.heartbeat.interval.ms}; registers again when the controller no
 * longer knows this incarnation. Each registration's broker epoch goes to a listener (the replica
 * manager, which hosts nothing until the metadata holds that registration). Each heartbeat names the log
 * directories that are offline. On close it asks for a controlled shutdown (heartbeats with
 * want-shut-down until the controller has moved its leaderships, bounded) before stopping.
 *
 * <p>Thread-safe: one thread of its own heartbeats; {@link #start} and {@link #close} from the owner.
 */
public final class BrokerLifecycle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);
    /** How long start waits for an active controller to register this broker. */
    static final long REGISTRATION_TIMEOUT_MS = 120_000;
    /** How long close waits for the controller to release this broker. */
    static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;

    private final RegisterBrokerCodec.Request registration;
    private final ControllerQuorumConfig config;
    private final ControllerClient client;
    private final Clock clock;
    private final Thread thread;
    private final RegistrationListener onRegistered;
    private final Supplier<List<String>> offlineLogDirs;
    private volatile boolean running = true;
    private volatile long brokerEpoch = -1;

    /** Told this incarnation's broker epoch after each registration, on the registering thread. */
    @FunctionalInterface
    public interface RegistrationListener {
        void registered(long brokerEpoch) throws IOException;
    }

    public BrokerLifecycle(RegisterBrokerCodec.Request registration, ControllerQuorumConfig config, Clock clock,
                           RegistrationListener onRegistered) {
        this(registration, config, clock, onRegistered, List::of);
    }

    /**
     * @param offlineLogDirs asked before every heartbeat for the log directories that are offline, which the
     *                       heartbeat reports (Kafka's {@code OfflineLogDirs}): the controller then moves this
     *                       broker's leaderships and takes it out of the ISRs
     */
    public BrokerLifecycle(RegisterBrokerCodec.Request registration, ControllerQuorumConfig config, Clock clock,
                           RegistrationListener onRegistered, Supplier<List<String>> offlineLogDirs) {
        this.offlineLogDirs = offlineLogDirs;
        this.registration = registration;
        this.onRegistered = onRegistered;
        this.config = config;
        this.clock = clock;
        this.client = new ControllerClient(registration.nodeId(), config, clock);
        this.thread = new Thread(this::run, "varve-broker-heartbeat");
        this.thread.setDaemon(true);
    }

    /**
     * Registers (blocking, bounded) and starts heartbeating.
     *
     * @throws IOException when no active controller registered this broker in time, or refused it
     */
    public void start() throws IOException {
        register(REGISTRATION_TIMEOUT_MS);
        thread.start();
    }

    /** This incarnation's broker epoch, or -1 before registration. */
    public long brokerEpoch() {
        return brokerEpoch;
    }

    private synchronized void register(long timeoutMs) throws IOException {
        RegisterBrokerCodec.Response r = client.register(registration, timeoutMs);
        if (r.errorCode() != Errors.NONE.code) {
            throw new IOException("registering node " + registration.nodeId() + " failed: "
                + Errors.forCode(r.errorCode()) + " " + r.message());
        }
        brokerEpoch = r.brokerEpoch();
        LOG.info("Node {} registered with the active controller {} (broker epoch {})", registration.nodeId(),
            r.leaderId(), brokerEpoch);
        onRegistered.registered(brokerEpoch);
    }

    private void run() {
        long intervalMs = config.brokerHeartbeatIntervalMs();
        while (running) {
            long startNs = clock.nanoTime();
            try {
                BrokerHeartbeatCodec.Response r = heartbeat(false);
                Errors error = Errors.forCode(r.errorCode());
                if (error == Errors.STALE_BROKER_EPOCH || error == Errors.BROKER_ID_NOT_REGISTERED) {
                    LOG.warn("The controller no longer knows node {} at epoch {} ({}); registering again",
                        registration.nodeId(), brokerEpoch, error);
                    register(intervalMs);
                }
            } catch (IOException e) {
                LOG.warn("Heartbeat of node {} failed: {}", registration.nodeId(), e.getMessage());
            }
            long leftMs = intervalMs - TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNs);
            if (leftMs > 0 && !pause(leftMs)) {
                return;
            }
        }
    }

    private synchronized BrokerHeartbeatCodec.Response heartbeat(boolean wantShutDown) throws IOException {
        // Up to two intervals: room to try a second voter, yet well inside the lease.
        return client.heartbeat(new BrokerHeartbeatCodec.Request(registration.nodeId(), brokerEpoch, wantShutDown,
            offlineLogDirs.get()), 2L * config.brokerHeartbeatIntervalMs());
    }

    private boolean pause(long ms) {
        return QuorumThreads.pause(ms) && running;
    }

    /** Stops heartbeating after a controlled shutdown (bounded; a controller that is gone is not waited for). */
    @Override
    public void close() {
        running = false;
        if (!QuorumThreads.stop(thread)) {
            return;
        }
        if (brokerEpoch < 0) {
            return;
        }
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
        while (clock.nanoTime() - deadlineNs < 0) {
            try {
                BrokerHeartbeatCodec.Response r = heartbeat(true);
                if (r.errorCode() != Errors.NONE.code || r.shouldShutDown()) {
                    LOG.info("Controlled shutdown of node {}: {}", registration.nodeId(),
                        r.shouldShutDown() ? "released by the controller" : Errors.forCode(r.errorCode()));
                    return;
                }
                Thread.sleep(100);
            } catch (IOException e) {
                LOG.warn("Controlled shutdown of node {} gave up: {}", registration.nodeId(), e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("Controlled shutdown of node {} timed out", registration.nodeId());
    }
}
