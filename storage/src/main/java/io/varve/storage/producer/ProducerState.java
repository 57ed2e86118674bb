package io.varve.storage.producer;

import java.util.ArrayList;
import java.util.List;

/**
 * One producer id's state in one partition: its current epoch and the metadata of its last
 * {@link #MAX_BATCHES} batches, oldest first. Immutable; an append replaces it with
 * {@link #withBatch}.
 *
 * @param producerId the producer id (non-negative)
 * @param epoch      the epoch of its latest batch; batches of an older epoch are fenced
 * @param batches    at most {@value #MAX_BATCHES}, oldest first, never empty
 */
public record ProducerState(long producerId, short epoch, List<BatchMetadata> batches) {

    /** Batches remembered per producer, as Kafka (and its clients' in-flight limit of 5) assume. */
    public static final int MAX_BATCHES = 5;

    public ProducerState {
        if (batches.isEmpty() || batches.size() > MAX_BATCHES) {
            throw new IllegalArgumentException("a producer remembers 1 to " + MAX_BATCHES + " batches: " + batches.size());
        }
        batches = List.copyOf(batches);
    }

    /** A producer's first batch, or its first batch in a new epoch. */
    static ProducerState first(long producerId, short epoch, BatchMetadata batch) {
        return new ProducerState(producerId, epoch, List.of(batch));
    }

    /**
     * This producer after {@code batch}: a batch of another epoch starts the remembered batches over
     * (sequence numbers restart with the epoch); otherwise the oldest batch beyond
     * {@value #MAX_BATCHES} is forgotten.
     */
    ProducerState withBatch(short batchEpoch, BatchMetadata batch) {
        if (batchEpoch != epoch) {
            return first(producerId, batchEpoch, batch);
        }
        List<BatchMetadata> next = new ArrayList<>(MAX_BATCHES);
        next.addAll(batches.size() == MAX_BATCHES ? batches.subList(1, MAX_BATCHES) : batches);
        next.add(batch);
        return new ProducerState(producerId, epoch, next);
    }

    /** The last batch appended. */
    public BatchMetadata lastBatch() {
        return batches.get(batches.size() - 1);
    }

    /** The sequence of the last record appended. */
    public int lastSequence() {
        return lastBatch().lastSequence();
    }

    /** The largest timestamp of the last batch: the producer expires {@code producer.id.expiration.ms} after it. */
    public long lastTimestampMs() {
        return lastBatch().maxTimestamp();
    }

    /** The remembered batch with exactly these sequences, or null. */
    BatchMetadata findBatch(int firstSequence, int lastSequence) {
        for (BatchMetadata batch : batches) {
            if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
                return batch;
            }
        }
        return null;
    }
}
