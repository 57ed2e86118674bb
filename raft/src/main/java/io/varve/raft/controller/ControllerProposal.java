package io.varve.raft.controller;

import io.varve.raft.log.AppendOutcome;
import io.varve.raft.metadata.MetadataRecord;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A command the {@link Controller} decided against its current image but has not finished: either
 * its reply is ready (nothing to write: validateOnly, every entry refused, nothing changed), or its
 * records wait to be committed, after which {@link Controller#finish} applies them and makes the
 * reply. What lets a controller loop propose a command and apply it on the commit event instead of
 * blocking for a whole Raft round ({@link Controller#propose}).
 *
 * <p>Immutable; finishing it is the controller's business, on the controller's thread.
 *
 * @param <R> the response
 */
public final class ControllerProposal<R> {

    private final ControllerReply<R> ready;
    private final List<MetadataRecord> records;
    private final Function<AppendOutcome, ControllerReply<R>> finish;

    private ControllerProposal(ControllerReply<R> ready, List<MetadataRecord> records,
                               Function<AppendOutcome, ControllerReply<R>> finish) {
        this.ready = ready;
        this.records = records;
        this.finish = finish;
    }

    static <R> ControllerProposal<R> ready(ControllerReply<R> reply) {
        return new ControllerProposal<>(reply, List.of(), null);
    }

    static <R> ControllerProposal<R> pending(List<MetadataRecord> records,
                                             Function<AppendOutcome, ControllerReply<R>> finish) {
        return new ControllerProposal<>(null, List.copyOf(records), finish);
    }

    /** Whether the reply is ready without writing anything. */
    public boolean isReady() {
        return ready != null;
    }

    /** The reply of a command with nothing to write; null when records wait. */
    public ControllerReply<R> reply() {
        return ready;
    }

    /** The records to commit, in order, as one batch (empty when ready). */
    public List<MetadataRecord> records() {
        return records;
    }

    ControllerReply<R> finish(AppendOutcome outcome) {
        return finish.apply(outcome);
    }

    /** Maps the reply once it is made (post-processing such as a lease renewal), keeping it pending if it is. */
    ControllerProposal<R> then(UnaryOperator<ControllerReply<R>> after) {
        if (ready != null) {
            return ready(after.apply(ready));
        }
        return new ControllerProposal<>(null, records, outcome -> after.apply(finish.apply(outcome)));
    }
}
