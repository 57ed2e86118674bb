package io.varve.producer.internals;

import io.varve.protocol.record.compress.CompressionType;
import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.producer.Callback;
import io.varve.producer.Header;
import io.varve.producer.ProducerException;
import io.varve.producer.RecordMetadata;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where sent records wait to be sent: per partition, a queue of {@link ProducerBatch}es; records are
 * appended to the last one until it is full, then a new one of {@code batch.size} bytes (or of the
 * record's size, if larger) is made, its bytes taken from the {@link MemoryLimiter} ({@code buffer.memory}),
 * waiting up to the caller's deadline when the budget is spent.
 *
 * <p>A partition's first batch is <em>ready</em> when it is full, has lingered {@code linger.ms}, is a
 * retry whose backoff is over, or when a flush or close is in progress or some thread waits for
 * memory; the sender then {@link #drain drains} at most one batch per partition per request, per
 * leader, up to {@code max.request.size}, as far as the {@link InFlightTracker} allows.
 *
 * <p>Thread-safe: appends from any thread; each partition's queue is guarded by its own lock (the
 * deque's monitor); ready, drain, reenqueue and expire are called by the sender thread.
 */
public final class RecordAccumulator {

    /** The outcome of an append. Exactly one of {@code future}, {@code abortedForNewBatch} or {@code error} is set. */
    public record AppendResult(CompletableFuture<RecordMetadata> future, boolean batchFull, boolean newBatch,
                               boolean abortedForNewBatch, ProducerException error) {

        static AppendResult appended(CompletableFuture<RecordMetadata> future, boolean batchFull, boolean newBatch) {
            return new AppendResult(future, batchFull, newBatch, false, null);
        }

        static AppendResult failed(ProducerException error) {
            return new AppendResult(null, false, false, false, error);
        }

        static final AppendResult ABORTED = new AppendResult(null, false, false, true, null);
    }

    /** Leaders with a ready batch, how long until the next batch may become ready, and whether a leader is missing. */
    public record ReadyCheck(Set<Node> readyNodes, long nextReadyCheckDelayMs, boolean unknownLeaders) {
    }

    private final int batchSize;
    private final long lingerMs;
    private final long deliveryTimeoutMs;
    private final CompressionType compression;
    private final MemoryLimiter memory;
    private final Clock clock;
    private final ConcurrentHashMap<TopicPartition, Deque<ProducerBatch>> batches = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private volatile boolean closed;
    private int drainRotation;

    public RecordAccumulator(int batchSize, long lingerMs, long deliveryTimeoutMs, MemoryLimiter memory, Clock clock) {
        this(batchSize, lingerMs, deliveryTimeoutMs, CompressionType.NONE, memory, clock);
    }

    /** @param compression the codec every batch is compressed with when it closes */
    public RecordAccumulator(int batchSize, long lingerMs, long deliveryTimeoutMs, CompressionType compression,
                             MemoryLimiter memory, Clock clock) {
        this.compression = compression;
        this.batchSize = batchSize;
        this.lingerMs = lingerMs;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        this.memory = memory;
        this.clock = clock;
    }

    /**
     * Appends a record to {@code tp}'s last batch, or to a new one.
     *
     * @param abortOnNewBatch return {@link AppendResult#ABORTED} instead of making a new batch (the sticky
     *                        partitioner then moves on to another partition)
     * @param deadlineNs      clock time until which the caller may wait for buffer memory
     * @throws InterruptedException when interrupted while waiting for memory
     */
    public AppendResult append(TopicPartition tp, long timestampMs, byte[] key, byte[] value, List<Header> headers,
                               Callback callback, boolean abortOnNewBatch, long deadlineNs) throws InterruptedException {
        List<byte[]> headerKeys = ProducerBatch.headerKeys(headers);
        Deque<ProducerBatch> deque = batches.computeIfAbsent(tp, p -> new ArrayDeque<>());
        synchronized (deque) {
            AppendResult r = tryAppend(deque, timestampMs, key, value, headerKeys, headers, callback);
            if (r != null) {
                return r;
            }
        }
        if (abortOnNewBatch) {
            return AppendResult.ABORTED;
        }
        int capacity = Math.max(batchSize, ProducerBatch.sizeUpperBound(key, value, headerKeys, headers));
        if (!memory.reserve(capacity, deadlineNs)) {
            return AppendResult.failed(new ProducerException(ProducerException.Reason.BUFFER_EXHAUSTED,
                "no " + capacity + " bytes free in buffer.memory (" + memory.totalBytes() + ") within max.block.ms"));
        }
        synchronized (deque) {
            // Another thread may have made a batch while this one waited for memory: use it if it has room.
            AppendResult r = tryAppend(deque, timestampMs, key, value, headerKeys, headers, callback);
            if (r != null) {
                memory.release(capacity);
                return r;
            }
            ProducerBatch batch = new ProducerBatch(tp, capacity, clock.monotonicMs(), deliveryTimeoutMs, compression);
            CompletableFuture<RecordMetadata> future = batch.tryAppend(timestampMs, key, value, headerKeys, headers, callback);
            if (future == null) {
                throw new IllegalStateException("a record does not fit a batch sized for it: " + capacity + " bytes");
            }
            deque.addLast(batch);
            incomplete.add(batch);
            return AppendResult.appended(future, deque.size() > 1 || batch.isFull(), true);
        }
    }

    /** Under the deque's lock: null when a new batch is needed. */
    private AppendResult tryAppend(Deque<ProducerBatch> deque, long timestampMs, byte[] key, byte[] value,
                                   List<byte[]> headerKeys, List<Header> headers, Callback callback) {
        if (closed) {
            return AppendResult.failed(new ProducerException(ProducerException.Reason.CLOSED, "the producer is closed"));
        }
        ProducerBatch last = deque.peekLast();
        if (last == null || last.isClosed()) {
            return null;
        }
        CompletableFuture<RecordMetadata> future = last.tryAppend(timestampMs, key, value, headerKeys, headers, callback);
        return future == null ? null : AppendResult.appended(future, deque.size() > 1 || last.isFull(), false);
    }

    /** Finds the leaders that have a batch ready to send now. Sender thread only. */
    public ReadyCheck ready(Cluster cluster, long nowMs) {
        Set<Node> ready = new HashSet<>();
        long nextDelayMs = Long.MAX_VALUE;
        boolean unknownLeaders = false;
        boolean sendNow = closed || flushesInProgress.get() > 0 || memory.hasWaiters();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : batches.entrySet()) {
            Deque<ProducerBatch> deque = e.getValue();
            synchronized (deque) {
                ProducerBatch first = deque.peekFirst();
                if (first == null) {
                    continue;
                }
                Node leader = cluster.leaderFor(e.getKey());
                if (leader == null) {
                    unknownLeaders = true;
                    continue;
                }
                if (first.isRetrying()) {
                    if (first.retryAtMs() <= nowMs) {
                        ready.add(leader);
                    } else {
                        nextDelayMs = Math.min(nextDelayMs, first.retryAtMs() - nowMs);
                    }
                    continue;
                }
                long waitedMs = nowMs - first.createdMs();
                if (sendNow || deque.size() > 1 || first.isFull() || waitedMs >= lingerMs) {
                    ready.add(leader);
                } else {
                    nextDelayMs = Math.min(nextDelayMs, lingerMs - waitedMs);
                }
            }
        }
        return new ReadyCheck(ready, nextDelayMs, unknownLeaders);
    }

    /**
     * Takes, for each node, at most one ready batch per partition it leads, while the request stays
     * within {@code maxRequestSize} (a single batch always goes) and the tracker allows. Each batch
     * taken is passed to {@link InFlightTracker#onDrained}, which closes it. Sender thread only.
     */
    public Map<Node, List<ProducerBatch>> drain(Cluster cluster, Set<Node> nodes, int maxRequestSize, long nowMs,
                                                InFlightTracker tracker) {
        Map<Node, List<TopicPartition>> byNode = new HashMap<>();
        for (TopicPartition tp : batches.keySet()) {
            Node leader = cluster.leaderFor(tp);
            if (leader != null && nodes.contains(leader)) {
                byNode.computeIfAbsent(leader, n -> new ArrayList<>()).add(tp);
            }
        }
        Map<Node, List<ProducerBatch>> out = new HashMap<>();
        int rotation = drainRotation++;
        for (Map.Entry<Node, List<TopicPartition>> e : byNode.entrySet()) {
            List<TopicPartition> tps = e.getValue();
            List<ProducerBatch> taken = new ArrayList<>();
            long requestBytes = 0;
            for (int i = 0; i < tps.size(); i++) {
                Deque<ProducerBatch> deque = batches.get(tps.get(Math.floorMod(rotation + i, tps.size())));
                ProducerBatch batch;
                synchronized (deque) {
                    batch = deque.peekFirst();
                    if (batch == null || (batch.isRetrying() && batch.retryAtMs() > nowMs) || !tracker.canSend(batch)) {
                        continue;
                    }
                    if (!taken.isEmpty() && requestBytes + batch.estimatedSizeInBytes() > maxRequestSize) {
                        break;
                    }
                    deque.pollFirst();
                }
                tracker.onDrained(batch);
                requestBytes += batch.estimatedSizeInBytes();
                taken.add(batch);
            }
            if (!taken.isEmpty()) {
                out.put(e.getKey(), taken);
            }
        }
        return out;
    }

    /**
     * Puts a batch back for a retry, ahead of the batches that came after it: in sequence order
     * when idempotent, else at the head. Sender thread only.
     */
    public void reenqueue(ProducerBatch batch) {
        Deque<ProducerBatch> deque = batches.computeIfAbsent(batch.topicPartition(), p -> new ArrayDeque<>());
        synchronized (deque) {
            if (batch.baseSequence() < 0) {
                deque.addFirst(batch);
                return;
            }
            List<ProducerBatch> ahead = new ArrayList<>();
            while (!deque.isEmpty() && deque.peekFirst().isClosed() && deque.peekFirst().baseSequence() >= 0
                    && deque.peekFirst().baseSequence() < batch.baseSequence()) {
                ahead.add(deque.pollFirst());
            }
            deque.addFirst(batch);
            for (int i = ahead.size() - 1; i >= 0; i--) {
                deque.addFirst(ahead.get(i));
            }
        }
    }

    /** Removes and returns the queued batches whose delivery timeout has passed. Sender thread only. */
    public List<ProducerBatch> expire(long nowMs) {
        List<ProducerBatch> expired = new ArrayList<>();
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                for (Iterator<ProducerBatch> it = deque.iterator(); it.hasNext(); ) {
                    ProducerBatch b = it.next();
                    if (b.deliveryDeadlineMs() <= nowMs) {
                        it.remove();
                        expired.add(b);
                    }
                }
            }
        }
        return expired;
    }

    /** Removes every queued batch (a forced close); the caller fails and deallocates them. */
    public List<ProducerBatch> removeAll() {
        List<ProducerBatch> all = new ArrayList<>();
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                all.addAll(deque);
                deque.clear();
            }
        }
        return all;
    }

    /** The batch is done: its memory goes back to the budget. */
    public void deallocate(ProducerBatch batch) {
        if (incomplete.remove(batch)) {
            memory.release(batch.capacityBytes());
        }
    }

    /** Whether a batch waits in some queue. */
    public boolean hasUndrained() {
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                if (!deque.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether any batch is not done (queued or in flight). */
    public boolean hasIncomplete() {
        return !incomplete.isEmpty();
    }

    /** Makes every batch ready at once until {@link #endFlush}; returns the completions to wait for. */
    public List<CompletableFuture<Void>> beginFlush() {
        flushesInProgress.incrementAndGet();
        return incomplete.stream().map(ProducerBatch::done).toList();
    }

    public void endFlush() {
        flushesInProgress.decrementAndGet();
    }

    /** Refuses further appends (they fail with CLOSED) and makes every batch ready at once. */
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }
}
