package io.varve.broker.quorum;

import io.varve.raft.core.RaftStatus;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.MetadataQuorum;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The metadata quorum of many voters, behind the controller's {@link MetadataQuorum}: an append is
 * proposed to the local {@link RaftDriver} and waits (at most {@code requestTimeoutMs}) until a
 * majority has it; on a node that does not lead it answers {@link AppendOutcome.Status#NOT_LEADER}
 * at once, which the controller turns into NOT_CONTROLLER. Reads serve what is committed, whoever
 * wrote it.
 *
 * <p>Thread-safe; the controller calls it from its one thread.
 */
public final class RaftQuorum implements MetadataQuorum {

    private final RaftDriver driver;
    private final MetadataRaftLog log;
    private final long requestTimeoutMs;
    private volatile boolean closed;

    RaftQuorum(RaftDriver driver, long requestTimeoutMs) {
        this.driver = driver;
        this.log = driver.log();
        this.requestTimeoutMs = requestTimeoutMs;
    }

    @Override
    public AppendOutcome append(List<MetadataRecord> records) {
        byte[] data = log.encode(records);
        AppendOutcome refused = refuse(data);
        if (refused != null) {
            return refused;
        }
        try {
            // The driver expires the proposal at the deadline; the extra second only covers its tick.
            return driver.propose(data, requestTimeoutMs).get(requestTimeoutMs + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "not committed in time: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "interrupted");
        }
    }

    /**
     * Proposes without waiting: {@code onOutcome} runs on the Raft loop when the entry commits or is
     * known lost (the driver expires it after {@code requestTimeoutMs}), or at once when refused.
     */
    @Override
    public void appendAsync(List<MetadataRecord> records, Consumer<AppendOutcome> onOutcome) {
        byte[] data = log.encode(records);
        AppendOutcome refused = refuse(data);
        if (refused != null) {
            onOutcome.accept(refused);
            return;
        }
        driver.propose(data, requestTimeoutMs).whenComplete((outcome, error) -> onOutcome.accept(
            outcome != null ? outcome : AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, String.valueOf(error))));
    }

    /** Why the batch {@code data} cannot be proposed here now, or null when it can. */
    private AppendOutcome refuse(byte[] data) {
        if (closed || driver.isFailed()) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.FAILED, "the metadata quorum stopped");
        }
        RaftStatus status = driver.status();
        if (status.role() != RaftStatus.Role.LEADER) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER,
                "node " + status.nodeId() + " is not the active controller; the leader is " + status.leaderId());
        }
        if (data.length > log.maxBatchBytes()) {
            return AppendOutcome.notCommitted(AppendOutcome.Status.TOO_LARGE, "a batch of " + data.length
                + " bytes is larger than the metadata log's limit of " + log.maxBatchBytes());
        }
        return null;
    }

    @Override
    public long read(long fromOffset, RecordVisitor visitor) {
        long end = driver.committedEndOffset();
        if (fromOffset >= end) {
            return fromOffset;
        }
        return log.readCommitted(fromOffset, end, visitor);
    }

    @Override
    public MetadataImage snapshotImageBelow(long fromOffset) {
        return log.snapshotImageBelow(fromOffset);
    }

    @Override
    public long endOffset() {
        return driver.committedEndOffset();
    }

    @Override
    public boolean isFailed() {
        return closed || driver.isFailed();
    }

    /** The active controller as this node knows it, or -1. */
    public int leaderId() {
        return driver.status().leaderId();
    }

    /** Stops being usable; the owner ({@link RaftQuorumNode}) closes driver, transport and log. */
    @Override
    public void close() {
        closed = true;
    }
}
