package io.varve.broker.replica;

import io.varve.protocol.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link IsrChangeSink} that records each change and leaves it unanswered until the test answers
 * it ({@link #answer}), as a controller far away would. Thread-safe enough for one test thread.
 */
public final class RecordingIsrChangeSink implements IsrChangeSink {

    /** One AlterPartition sent. */
    public record Change(UUID topicId, int partition, int leaderId, int leaderEpoch, int[] newIsr, int partitionEpoch,
                         CompletableFuture<Errors> reply) {
    }

    private final List<Change> changes = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Errors> alterPartition(UUID topicId, int partition, int leaderId,
                                                                 int leaderEpoch, int[] newIsr, int partitionEpoch) {
        CompletableFuture<Errors> reply = new CompletableFuture<>();
        changes.add(new Change(topicId, partition, leaderId, leaderEpoch, newIsr.clone(), partitionEpoch, reply));
        return reply;
    }

    public synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /** Answers every unanswered change with {@code error}. */
    public synchronized void answer(Errors error) {
        changes.forEach(c -> c.reply().complete(error));
    }
}
