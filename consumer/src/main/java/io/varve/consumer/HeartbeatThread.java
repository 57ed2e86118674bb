package io.varve.consumer;

import io.varve.client.Node;
import io.varve.client.requests.LeaveGroups;
import io.varve.common.Clock;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.HeartbeatResponse;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a stable member alive: one daemon thread per consumer that sends a Heartbeat every
 * {@code heartbeat.interval.ms} while the member is in a generation, so a slow application between
 * two polls does not lose its partitions. It never changes the membership itself: it records what
 * the coordinator answered and the polling thread acts on it in the next poll ({@link #takeError}).
 *
 * <p>Rules: at most one heartbeat in flight; none while the polling thread rejoins ({@link #pause});
 * when no poll came for {@code max.poll.interval.ms} it leaves the group (a dynamic member sends
 * LeaveGroup, a static one just stops heartbeating, as Kafka) and reports {@link Errors#REBALANCE_IN_PROGRESS}
 * so the next poll rejoins. A heartbeat that fails on the network reports {@link Errors#NOT_COORDINATOR}
 * (rediscover). The thread wakes at least every {@value #MAX_SLEEP_MS} ms to read the clock.
 *
 * <p>Thread-safe: the polling thread and the heartbeat thread share it under its monitor.
 */
final class HeartbeatThread implements AutoCloseable {

    static final long MAX_SLEEP_MS = 50L;

    private final ConsumerNetwork network;
    private final Clock clock;
    private final String groupId;
    private final String instanceId;
    private final long intervalNs;
    private final long maxPollIntervalNs;
    private final Thread thread;

    private Node coordinator;
    private int generation = -1;
    private String memberId = "";
    private boolean running;
    private boolean inFlight;
    private boolean closed;
    private long nextHeartbeatNs;
    private long lastPollNs;
    private Errors error;

    HeartbeatThread(ConsumerNetwork network, Clock clock, ConsumerConfig config, String clientId) {
        this.network = network;
        this.clock = clock;
        this.groupId = config.groupId();
        this.instanceId = config.groupInstanceId().isEmpty() ? null : config.groupInstanceId();
        this.intervalNs = TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs());
        this.maxPollIntervalNs = TimeUnit.MILLISECONDS.toNanos(config.maxPollIntervalMs());
        this.lastPollNs = clock.nanoTime();
        this.thread = new Thread(this::run, "varve-consumer-heartbeat" + (clientId.isEmpty() ? "" : "-" + clientId));
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts heartbeating for a generation just joined. */
    synchronized void resume(Node coordinator, int generation, String memberId) {
        this.coordinator = coordinator;
        this.generation = generation;
        this.memberId = memberId;
        this.running = true;
        this.nextHeartbeatNs = clock.nanoTime() + intervalNs;
        notifyAll();
    }

    /** Stops heartbeating while the polling thread rejoins or after the member left. */
    synchronized void pause() {
        running = false;
    }

    /** The polling thread calls this on every poll: it proves the application is alive. */
    synchronized void onPoll(long nowNs) {
        lastPollNs = nowNs;
    }

    /** The last error the coordinator answered since the previous call, or null. */
    synchronized Errors takeError() {
        Errors e = error;
        error = null;
        return e;
    }

    /** One turn of the loop: sends a heartbeat or leaves when due. Called by the thread; tests may call it directly. */
    synchronized void tick(long nowNs) {
        if (!running || inFlight || closed) {
            return;
        }
        if (nowNs - lastPollNs > maxPollIntervalNs) {
            running = false;
            if (instanceId == null) {
                network.send(coordinator, ApiKey.LEAVE_GROUP,
                    LeaveGroups.request(groupId, memberId, "consumer poll timeout has expired"));
            }
            error = Errors.REBALANCE_IN_PROGRESS;
            return;
        }
        if (nowNs < nextHeartbeatNs) {
            return;
        }
        inFlight = true;
        int sentGeneration = generation;
        // A static member's instance id needs v3; without it the request means the same at every version.
        HeartbeatRequest request = new HeartbeatRequest(groupId, generation, memberId, instanceId);
        network.send(coordinator, ApiKey.HEARTBEAT, v -> request)
            .whenComplete((response, failure) -> onResponse(sentGeneration, response, failure));
    }

    private synchronized void onResponse(int sentGeneration, Object response, Throwable failure) {
        inFlight = false;
        nextHeartbeatNs = clock.nanoTime() + intervalNs;
        if (!running || sentGeneration != generation) {
            return;
        }
        Errors e = failure != null ? Errors.NOT_COORDINATOR : Errors.forCode(((HeartbeatResponse) response).errorCode());
        if (e != Errors.NONE) {
            error = e;
            running = false;
        }
    }

    private void run() {
        synchronized (this) {
            while (!closed) {
                tick(clock.nanoTime());
                try {
                    wait(MAX_SLEEP_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            running = false;
            notifyAll();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
