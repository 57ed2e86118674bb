package io.varve.producer.internals;

import io.varve.common.TopicPartition;
import io.varve.protocol.record.RecordBatchFlyweight;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-partition bookkeeping of what is in flight, and, for an idempotent producer, the producer id
 * and sequence numbers. It decides whether a partition's next batch may be sent now:
 *
 * <ul>
 *   <li>at most {@code maxInFlightPerPartition} batches of a partition are in flight;</li>
 *   <li>idempotent: nothing is sent before a producer id is known; each batch gets, when it is first
 *       drained, the partition's next sequence (then next += its record count), and keeps it on every
 *       retry;</li>
 *   <li>idempotent: while a partition has batches waiting to be retried, it sends only the lowest
 *       unresolved one, alone, once nothing of the partition is in flight, so that a retry is never
 *       overtaken by a newer batch and the broker sees the sequences in order.</li>
 * </ul>
 *
 * <p>A batch is <em>unresolved</em> from its first drain until it is acknowledged or failed. The
 * broker's {@code OUT_OF_ORDER_SEQUENCE_NUMBER} for a batch with an unresolved earlier batch means
 * that earlier batch's fate is not known yet, so the sender retries; without one, it fails the batch
 * ({@link #hasEarlierUnresolved}). Sequences are not wrapped past {@code Integer.MAX_VALUE}.
 *
 * <p>Not thread-safe: owned by the sender thread.
 */
final class InFlightTracker {

    private final boolean idempotent;
    private final int maxInFlightPerPartition;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private long producerId = RecordBatchFlyweight.NO_PRODUCER_ID;
    private short producerEpoch = RecordBatchFlyweight.NO_PRODUCER_EPOCH;

    private static final class PartitionState {
        int nextSequence;
        int inFlight;
        int waitingRetries;
        final TreeMap<Integer, ProducerBatch> unresolved = new TreeMap<>();
    }

    InFlightTracker(boolean idempotent, int maxInFlightPerPartition) {
        if (maxInFlightPerPartition < 1) {
            throw new IllegalArgumentException("at least one batch in flight: " + maxInFlightPerPartition);
        }
        this.idempotent = idempotent;
        this.maxInFlightPerPartition = maxInFlightPerPartition;
    }

    boolean idempotent() {
        return idempotent;
    }

    /** Whether batches may be built: always when not idempotent, else once a producer id is known. */
    boolean hasProducerId() {
        return !idempotent || producerId >= 0;
    }

    long producerId() {
        return producerId;
    }

    short producerEpoch() {
        return producerEpoch;
    }

    /** Sets the producer id granted by InitProducerId; sequences start from 0. */
    void setProducerId(long producerId, short producerEpoch) {
        if (!partitions.values().stream().allMatch(s -> s.unresolved.isEmpty())) {
            throw new IllegalStateException("a new producer id while batches of the old one are unresolved");
        }
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        partitions.clear();
    }

    /** Whether {@code first}, the head of its partition's queue, may be drained now. */
    boolean canSend(ProducerBatch first) {
        if (!hasProducerId()) {
            return false;
        }
        PartitionState s = partitions.get(first.topicPartition());
        if (s == null) {
            return true;
        }
        if (s.inFlight >= maxInFlightPerPartition) {
            return false;
        }
        if (idempotent && s.waitingRetries > 0) {
            return s.inFlight == 0 && first.isRetrying() && !s.unresolved.isEmpty()
                && s.unresolved.firstKey() == first.baseSequence();
        }
        return true;
    }

    /** The batch left its queue for a request: closes it on its first drain, and counts it in flight. */
    void onDrained(ProducerBatch batch) {
        PartitionState s = partitions.computeIfAbsent(batch.topicPartition(), tp -> new PartitionState());
        if (!batch.isClosed()) {
            if (idempotent) {
                int sequence = s.nextSequence;
                s.nextSequence = sequence + batch.recordCount();
                batch.close(producerId, producerEpoch, sequence);
                s.unresolved.put(sequence, batch);
            } else {
                batch.close(RecordBatchFlyweight.NO_PRODUCER_ID, RecordBatchFlyweight.NO_PRODUCER_EPOCH,
                    RecordBatchFlyweight.NO_SEQUENCE);
            }
        } else if (batch.isRetrying()) {
            s.waitingRetries--;
        }
        batch.onSendAttempt();
        s.inFlight++;
    }

    /** The batch's request was answered (or failed): it is no longer in flight. */
    void onResponse(ProducerBatch batch) {
        PartitionState s = partitions.get(batch.topicPartition());
        if (s == null || s.inFlight == 0) {
            throw new IllegalStateException("no batch of " + batch.topicPartition() + " in flight");
        }
        s.inFlight--;
    }

    /** The batch goes back to its queue for another attempt; it stays unresolved. */
    void onRetry(ProducerBatch batch, long retryAtMs) {
        batch.onRetry(retryAtMs);
        partitions.get(batch.topicPartition()).waitingRetries++;
    }

    /**
     * The batch's outcome is final (acknowledged, failed or expired).
     *
     * @param waitingInQueue the batch was waiting in its queue for a retry (expired there)
     */
    void onResolved(ProducerBatch batch, boolean waitingInQueue) {
        PartitionState s = partitions.get(batch.topicPartition());
        if (s == null) {
            return;
        }
        if (waitingInQueue && batch.isRetrying()) {
            s.waitingRetries--;
        }
        if (batch.baseSequence() >= 0) {
            s.unresolved.remove(batch.baseSequence());
        }
    }

    /** Whether a batch of the same partition with a lower sequence has no final outcome yet. */
    boolean hasEarlierUnresolved(ProducerBatch batch) {
        PartitionState s = partitions.get(batch.topicPartition());
        return s != null && !s.unresolved.isEmpty() && s.unresolved.firstKey() < batch.baseSequence();
    }

    /** Batches of {@code tp} in flight now. */
    int inFlight(TopicPartition tp) {
        PartitionState s = partitions.get(tp);
        return s == null ? 0 : s.inFlight;
    }

    /** The sequence the next new batch of {@code tp} will get. */
    int nextSequence(TopicPartition tp) {
        PartitionState s = partitions.get(tp);
        return s == null ? 0 : s.nextSequence;
    }

    /** Whether any batch is in flight. */
    boolean anyInFlight() {
        return partitions.values().stream().anyMatch(s -> s.inFlight > 0);
    }
}
