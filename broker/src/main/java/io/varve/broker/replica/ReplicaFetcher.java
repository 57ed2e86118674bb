package io.varve.broker.replica;

import io.varve.broker.replica.LeaderEndpoint.LeaderUnavailableException;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.FetchResponse;
import io.varve.storage.checkpoint.EpochEndOffset;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this broker follows from one source broker, their leader: each round sends one
 * Fetch with this broker's id and broker epoch as replica state, the follower's log end as fetch offset, its current leader
 * epoch (a stale leader or follower is fenced) and the epoch of its last batch; then, per partition,
 * appends what came with the leader's offsets and epochs and takes the leader's high-water mark, or
 * truncates where the leader says the log diverged (never blindly to the high-water mark).
 *
 * A follower whose fetch offset fell below the leader's log start (retention there) restarts its log
 * at the leader's log start.
 *
 * <p>{@link #doWork()} is one round, callable by a test without threads; {@link #start()} runs rounds on
 * one daemon thread until {@link #close()}, backing off {@code replica.fetch.backoff.ms} after a round
 * that failed or only met errors. The leader holds a fetch up to {@code replica.fetch.wait.max.ms}, so an
 * idle follower costs one request per that interval.
 *
 * <p>Thread-safe: partitions are added and removed from the metadata thread while the fetcher thread
 * runs; the round itself runs on one thread at a time.
 */
public final class ReplicaFetcher implements AutoCloseable {

    private static final UUID NO_DIRECTORY_ID = new UUID(0L, 0L);

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);

    /** What a round did. */
    public enum Outcome {
        /** No partition to fetch: the thread waits to be given one. */
        IDLE,
        /** Fetched: appended, truncated, or the leader had nothing new within its wait. */
        FETCHED,
        /** The leader did not answer, or answered only errors: back off before the next round. */
        BACK_OFF
    }

    /** Slack over the leader's wait before a fetch counts as unanswered. */
    static final long RESPONSE_SLACK_MS = 30_000L;
    /** Longest an idle fetcher waits before it looks for work again (it is also woken on {@link #add}). */
    private static final long IDLE_WAIT_MS = 1_000L;

    private final int localId;
    private final LongSupplier brokerEpoch;
    private final int sourceId;
    private final LeaderEndpoint endpoint;
    private final ReplicaConfig config;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Object wakeup = new Object();
    private volatile boolean running;
    private Thread thread;

    /**
     * @param brokerEpoch this incarnation's broker epoch, read every round: the leader checks it against its
     *                    metadata before it lets this follower's progress count ({@code ReplicaState}, Fetch v15+)
     */
    public ReplicaFetcher(int localId, LongSupplier brokerEpoch, int sourceId, LeaderEndpoint endpoint,
                          ReplicaConfig config) {
        this.localId = localId;
        this.brokerEpoch = brokerEpoch;
        this.sourceId = sourceId;
        this.endpoint = endpoint;
        this.config = config;
    }

    /** Starts fetching {@code partition} from this source from its log end. */
    public void add(Partition partition) {
        partitions.put(partition.topicPartition(), partition);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    public void remove(TopicPartition tp) {
        partitions.remove(tp);
    }

    public boolean isEmpty() {
        return partitions.isEmpty();
    }

    public int sourceId() {
        return sourceId;
    }

    /** One fetch round; see {@link Outcome}. */
    public Outcome doWork() {
        Map<TopicPartition, Sent> sent = new LinkedHashMap<>();
        Map<String, List<FetchRequest.FetchPartition>> byTopic = new LinkedHashMap<>();
        Map<String, UUID> ids = new HashMap<>();
        for (Partition p : partitions.values()) {
            if (p.role() != Partition.Role.FOLLOWER || p.leaderId() != sourceId) {
                continue;
            }
            Partition.FetchPosition position = p.fetchPosition();
            int epoch = p.leaderEpoch();
            TopicPartition tp = p.topicPartition();
            sent.put(tp, new Sent(p, epoch, position.fetchOffset()));
            ids.put(tp.topic(), p.topicId());
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new FetchRequest.FetchPartition(
                tp.partition(), epoch, position.fetchOffset(), position.lastFetchedEpoch(), p.logStartOffset(),
                config.fetchMaxBytes(), NO_DIRECTORY_ID, -1L));
        }
        if (sent.isEmpty()) {
            return Outcome.IDLE;
        }
        List<FetchRequest.FetchTopic> topics = new ArrayList<>(byTopic.size());
        byTopic.forEach((name, parts) -> topics.add(new FetchRequest.FetchTopic(name, ids.get(name), parts)));
        FetchRequest request = new FetchRequest(null, -1,
            new FetchRequest.ReplicaState(localId, brokerEpoch.getAsLong()), config.fetchWaitMaxMs(), config.fetchMinBytes(),
            config.fetchResponseMaxBytes(), (byte) 0, 0, -1, topics, List.of(), "");
        FetchResponse response;
        try {
            response = endpoint.fetch(request, config.fetchWaitMaxMs() + RESPONSE_SLACK_MS);
        } catch (LeaderUnavailableException e) {
            LOG.debug("Fetch from broker {} failed: {}", sourceId, e.getMessage());
            return Outcome.BACK_OFF;
        }
        if (response.errorCode() != Errors.NONE.code) {
            LOG.warn("Fetch from broker {} failed: {}", sourceId, Errors.forCode(response.errorCode()));
            return Outcome.BACK_OFF;
        }
        return process(response, sent, ids);
    }

    private Outcome process(FetchResponse response, Map<TopicPartition, Sent> sent, Map<String, UUID> ids) {
        Map<UUID, String> names = new HashMap<>();
        ids.forEach((name, id) -> names.put(id, name));
        boolean progressed = false;
        for (FetchResponse.FetchableTopicResponse topic : response.responses()) {
            String name = topic.topic() == null || topic.topic().isEmpty() ? names.get(topic.topicId()) : topic.topic();
            for (FetchResponse.PartitionData data : topic.partitions()) {
                Sent s = name == null ? null : sent.get(new TopicPartition(name, data.partitionIndex()));
                if (s != null && apply(s, data)) {
                    progressed = true;
                }
            }
        }
        return progressed ? Outcome.FETCHED : Outcome.BACK_OFF;
    }

    /** One partition's answer; true when it is not an error. */
    private boolean apply(Sent s, FetchResponse.PartitionData data) {
        Partition p = s.partition();
        Errors error = Errors.forCode(data.errorCode());
        if (error == Errors.OFFSET_OUT_OF_RANGE && data.logStartOffset() > s.fetchOffset()) {
            // Retention at the leader deleted what this follower still needs: start over at the leader's log start.
            p.restartAt(data.logStartOffset(), s.epoch());
            LOG.info("{}: fetch offset {} is below leader {}'s log start {}; restarted the log there",
                p.topicPartition(), s.fetchOffset(), sourceId, data.logStartOffset());
            return true;
        }
        if (error != Errors.NONE) {
            // Fenced or not the leader: the next image says who leads now; until then the fetch is repeated.
            LOG.debug("{}: fetch from broker {} answered {}", p.topicPartition(), sourceId, error);
            return false;
        }
        FetchResponse.EpochEndOffset diverging = data.divergingEpoch();
        if (diverging.epoch() >= 0 || diverging.endOffset() >= 0) {
            return truncate(p, s, diverging);
        }
        Records records = data.records();
        int size = records == null ? 0 : records.sizeInBytes();
        UnsafeBuffer buffer = size == 0 ? new UnsafeBuffer(new byte[0]) : wrap(records, size);
        Errors appended = p.appendAsFollower(buffer, 0, size, data.highWatermark(), s.epoch());
        if (appended != Errors.NONE) {
            LOG.warn("{}: appending {} bytes fetched from broker {} failed: {}", p.topicPartition(), size, sourceId,
                appended);
            return false;
        }
        return true;
    }

    /**
     * Truncates where the leader says this log diverged. Progress only when the fetch position moved (a
     * shorter log or an older last epoch): an answer that changes nothing would be asked again at once,
     * so it is treated as an error and the fetcher backs off instead of spinning on the leader.
     */
    private boolean truncate(Partition p, Sent s, FetchResponse.EpochEndOffset diverging) {
        Partition.FetchPosition before = p.fetchPosition();
        long end = p.truncateOnDivergence(new EpochEndOffset(diverging.epoch(), diverging.endOffset()), s.epoch());
        if (p.fetchPosition().equals(before)) {
            LOG.warn("{}: leader {} says the log diverged at epoch {} (end {}), but truncating changed nothing "
                + "(log end {}, last epoch {}); backing off", p.topicPartition(), sourceId, diverging.epoch(),
                diverging.endOffset(), before.fetchOffset(), before.lastFetchedEpoch());
            return false;
        }
        LOG.info("{}: log diverged from leader {} at epoch {}; truncated to {}", p.topicPartition(), sourceId,
            diverging.epoch(), end);
        return true;
    }

    /** The fetched bytes in place when they are a heap buffer (the network client's copy), else copied once. */
    private static UnsafeBuffer wrap(Records records, int size) {
        if (records instanceof Records.BufferRecords b) {
            ByteBuffer buffer = b.buffer();
            return new UnsafeBuffer(buffer, buffer.position(), buffer.remaining());
        }
        ByteBuffer copy = ByteBuffer.allocate(size);
        records.copyTo(copy);
        return new UnsafeBuffer(copy.flip(), 0, size);
    }

    /** Runs rounds on a daemon thread named after the source broker. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "varve-replica-fetcher-" + localId + "-from-" + sourceId);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            loop();
        } finally {
            endpoint.close();
        }
    }

    private void loop() {
        while (running) {
            Outcome outcome;
            try {
                outcome = doWork();
            } catch (RuntimeException e) {
                LOG.error("Replica fetcher for broker {} failed a round", sourceId, e);
                outcome = Outcome.BACK_OFF;
            }
            if (outcome == Outcome.IDLE) {
                await(IDLE_WAIT_MS);
            } else if (outcome == Outcome.BACK_OFF) {
                await(config.fetchBackoffMs());
            }
        }
    }

    private void await(long ms) {
        if (ms <= 0) {
            return;
        }
        synchronized (wakeup) {
            try {
                if (running) {
                    wakeup.wait(ms);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    /**
     * Stops the thread without waiting for it (the metadata thread calls this and must not block on a
     * round in flight); the thread closes the endpoint as it exits. A round still in flight may finish,
     * but its appends are refused unless the partition still follows this source at the same epoch.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        if (t == null) {
            endpoint.close();
        }
    }

    /** Waits up to {@code timeoutMs} for {@code t}, the thread of a closed fetcher ({@link #thread()} before closing), to exit. */
    static void awaitExit(Thread t, long timeoutMs) throws InterruptedException {
        if (t != null && t != Thread.currentThread()) {
            t.join(timeoutMs);
        }
    }

    /** The running thread, or null. */
    synchronized Thread thread() {
        return thread;
    }

    private record Sent(Partition partition, int epoch, long fetchOffset) {
    }
}
