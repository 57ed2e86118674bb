package io.varve.broker.quorum;

import io.varve.common.Clock;
import io.varve.raft.core.ProposeResult;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.core.RaftStatus;
import io.varve.raft.core.Ready;
import io.varve.raft.core.SnapshotMeta;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.QuorumStateFile;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.broker.loop.EventLoop;
import io.varve.broker.loop.LoopHandler;
import io.varve.broker.loop.LoopStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft node's Singular Update Queue: one {@link EventLoop} owns the {@link RaftNode}, its
 * {@link MetadataRaftLog} and its {@link QuorumStateFile}. It takes messages and proposals as typed
 * commands from the loop's bounded queue, and at the end of every turn (at least every
 * {@code tickMs}, the loop's timer) ticks the node with the turn's {@code nowNs} and performs each
 * {@link Ready} in the order the core demands: persist the term and vote (fsync), truncate and append
 * entries (fsync), only then send, then publish the new commit point and complete the proposals it
 * commits, then {@code advance}. The loop runs on a thread of its own ({@link #start}), or, in a
 * simulation, under a shared scheduler ({@link #start(Runnable, LoopStarter)}).
 *
 * <p>Snapshots (Low-Water Mark): once {@code snapshotEveryRecords} metadata offsets were applied since
 * the last snapshot, the driver replays them onto that snapshot's image (its own copy: the controller's
 * image lives on another thread), writes the result with {@link MetadataRaftLog#takeSnapshot}, which
 * drops the log below it, and tells the node ({@link RaftNode#onSnapshotTaken}). A snapshot the leader
 * sends in a {@link Ready} replaces the log ({@link MetadataRaftLog#installSnapshot}); the controller
 * then rebuilds its image from it on its next catch-up.
 *
 * <p>Failures: an I/O error or corrupt entry stops the driver for good (a failed fsync is never
 * retried as if it worked, DESIGN §4); the quorum then reports {@link #isFailed()} and every pending
 * proposal fails.
 *
 * <p>Thread-safe: {@link #offer} and {@link #propose} from any thread; the rest is read through
 * volatile fields.
 */
public final class RaftDriver implements LoopHandler<Object>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftDriver.class);

    /** Events waiting for the driver; beyond this, messages are dropped and proposals refused. */
    static final int MAX_QUEUED_EVENTS = 4096;
    /** Events handled per loop turn before the node is ticked and its Ready done. */
    static final int MAX_EVENTS_PER_TURN = 256;
    /** Proposals waiting for commit at once. */
    static final int MAX_PENDING_PROPOSALS = 1024;

    private record Proposal(byte[] data, long deadlineNs, CompletableFuture<AppendOutcome> done) {
    }

    private final RaftNode node;
    private final MetadataRaftLog log;
    private final QuorumStateFile stateFile;
    private final RaftTransport transport;
    private final Clock clock;
    private final long tickMs;
    private final String clusterId;
    private final int snapshotEveryRecords;
    private volatile Runnable onCommit = () -> { };
    private final EventLoop<Object> loop;
    private final PendingProposals pending = new PendingProposals(MAX_PENDING_PROPOSALS);
    private volatile AutoCloseable running;
    private volatile RaftStatus status;
    private volatile long committedEndOffset;
    private volatile boolean failed;
    private long appliedIndex;
    private volatile long snapshotsTaken;

    /** A driver that never takes snapshots of its own (it still installs the leader's). */
    RaftDriver(RaftNode node, MetadataRaftLog log, QuorumStateFile stateFile, RaftTransport transport, Clock clock,
               long tickMs) {
        this(node, log, stateFile, transport, clock, tickMs, "", Integer.MAX_VALUE);
    }

    /**
     * @param clusterId            the cluster's id: the base image of the first snapshot
     * @param snapshotEveryRecords committed metadata offsets between two snapshots
     */
    RaftDriver(RaftNode node, MetadataRaftLog log, QuorumStateFile stateFile, RaftTransport transport, Clock clock,
               long tickMs, String clusterId, int snapshotEveryRecords) {
        if (snapshotEveryRecords < 1) {
            throw new IllegalArgumentException("snapshotEveryRecords " + snapshotEveryRecords);
        }
        this.clusterId = clusterId;
        this.snapshotEveryRecords = snapshotEveryRecords;
        // A restart begins where the snapshot ends: everything in it was committed and applied.
        this.appliedIndex = log.snapshot().lastIndex();
        this.committedEndOffset = log.recordsEndOffsetOf(appliedIndex);
        this.node = node;
        this.log = log;
        this.stateFile = stateFile;
        this.transport = transport;
        this.clock = clock;
        this.tickMs = tickMs;
        this.status = node.status();
        this.loop = new EventLoop<>("varve-raft-" + status.nodeId(), MAX_QUEUED_EVENTS, clock, this);
        long tickNs = TimeUnit.MILLISECONDS.toNanos(tickMs);
        // A turn at least every tick: each turn ends by ticking the node and doing its Ready work.
        loop.every(clock.nanoTime() + tickNs, tickNs, nowNs -> { });
    }

    /**
     * Starts the loop on a thread of its own.
     *
     * @param onCommit called on the driver's loop each time the commit point moves; must not block
     */
    void start(Runnable onCommit) {
        start(onCommit, LoopStarter.threads());
    }

    /** Starts the loop with {@code starter}: a thread of its own, or a simulation's scheduler. */
    void start(Runnable onCommit, LoopStarter starter) {
        this.onCommit = onCommit;
        this.running = starter.start(loop);
    }

    /** Queues a message from another voter; false (dropped) when the queue is full or the driver stopped. */
    public boolean offer(RaftMessage message) {
        return !failed && loop.offer(message);
    }

    /**
     * Proposes {@code data} as one entry; completes when it commits or is known lost, or at the
     * deadline. Completes at once with {@code NOT_LEADER} when this node does not lead or is busy.
     */
    CompletableFuture<AppendOutcome> propose(byte[] data, long timeoutMs) {
        CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
        if (failed || loop.isClosed()) {
            done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.FAILED, "the metadata quorum stopped"));
        } else if (!loop.offer(new Proposal(data, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), done))) {
            done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "the Raft queue is full"));
        }
        return done;
    }

    /** The node's role, term, leader and commit index after its last step. */
    public RaftStatus status() {
        return status;
    }

    /** The metadata offset after the last committed record (a trailing no-op does not count). */
    long committedEndOffset() {
        return committedEndOffset;
    }

    boolean isFailed() {
        return failed;
    }

    MetadataRaftLog log() {
        return log;
    }

    /**
     * One turn of the loop as its runner would do it: the queued events (at most
     * {@link EventLoop#MAX_COMMANDS_PER_TURN}), the timers due, then the tick and the Ready work.
     * Package-private so that tests can drive a driver that was never started; {@code pollMs} is
     * ignored (a test's turn never waits).
     */
    void runOnce(long pollMs) throws IOException {
        try {
            loop.doWork();
        } catch (AgentTerminationException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    @Override
    public void onCommand(Object event, long nowNs) {
        if (!failed) {
            handle(event, nowNs);
        } else if (event instanceof Proposal p) {
            p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.FAILED, "the metadata quorum stopped"));
        }
    }

    /**
     * The end of every turn: tick the node with the turn's time, expire proposals, and do the Ready
     * work. A failure stops the driver for good: the loop ends, and every proposal fails.
     */
    @Override
    public int onTurnEnd(long nowNs) {
        if (failed) {
            return 0;
        }
        try {
            node.tick(nowNs);
            pending.expire(nowNs);
            return processReady();
        } catch (IOException | RuntimeException | Error e) {
            failed = true;
            LOG.error("The Raft driver of node {} failed; this controller stops until restarted", status.nodeId(), e);
            pending.failAll(AppendOutcome.Status.FAILED, "the metadata quorum stopped");
            throw new AgentTerminationException(e instanceof IOException io ? new UncheckedIOException(io) : e);
        }
    }

    @Override
    public void onUnhandled(Object event) {
        if (event instanceof Proposal p) {
            p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "the metadata quorum stopped"));
        }
    }

    @Override
    public void onClose() {
        pending.failAll(failed ? AppendOutcome.Status.FAILED : AppendOutcome.Status.NOT_LEADER,
            "the metadata quorum stopped");
    }

    private void handle(Object event, long nowNs) {
        if (event instanceof RaftMessage m) {
            node.step(m, nowNs);
        } else if (event instanceof Proposal p) {
            if (!pending.hasRoom()) {
                p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "too many proposals pending"));
                return;
            }
            ProposeResult result = node.propose(p.data, nowNs);
            if (result.accepted()) {
                pending.add(result.index(), result.term(), p.deadlineNs, p.done);
            } else {
                p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER,
                    "node " + status.nodeId() + " is not the leader; the leader is " + result.leaderId()));
            }
        }
    }

    /** Does the node's work in the persist → send → apply order until it has none; returns the Readies done. */
    private int processReady() throws IOException {
        int done = 0;
        while (node.hasReady()) {
            done++;
            Ready ready = node.ready();
            if (ready.hardState() != null) {
                stateFile.write(ready.hardState());
            }
            boolean logChanged = false;
            if (ready.snapshot() != null) {
                installSnapshot(ready.snapshot(), ready.snapshotData());
            }
            if (ready.truncateAfter() >= 0) {
                pending.onTruncatedAfter(ready.truncateAfter());
                log.truncateAfter(ready.truncateAfter());
                logChanged = true;
            }
            if (!ready.entries().isEmpty()) {
                log.append(ready.entries());
                logChanged = true;
            }
            if (logChanged) {
                log.sync();
            }
            for (RaftMessage m : ready.messages()) {
                transport.send(m);
            }
            if (ready.status() != null) {
                status = ready.status();
            }
            if (ready.commitIndex() > appliedIndex) {
                long commit = Math.min(ready.commitIndex(), log.lastIndex());
                committedEndOffset = log.recordsEndOffsetOf(commit);
                pending.onCommitted(commit, log::termAt, log::endOffsetOf);
                appliedIndex = commit;
                onCommit.run();
            }
            node.advance(ready);
            maybeSnapshot();
        }
        status = node.status();
        return done;
    }

    /** Replaces the log by the leader's snapshot; the proposals still waiting can no longer be tracked. */
    private void installSnapshot(SnapshotMeta meta, byte[] data) throws IOException {
        pending.failAll(AppendOutcome.Status.NOT_LEADER, "the log was replaced by the leader's snapshot " + meta);
        log.installSnapshot(meta, data);
        LOG.info("Node {} installed the leader's metadata snapshot {} (log now starts at offset {})", status.nodeId(),
            meta, log.logStartOffset());
        if (meta.lastIndex() > appliedIndex) {
            appliedIndex = meta.lastIndex();
            committedEndOffset = log.recordsEndOffsetOf(appliedIndex);
            onCommit.run();
        }
    }

    /** Takes a snapshot at the applied index once enough offsets were applied since the last one. */
    private void maybeSnapshot() throws IOException {
        SnapshotMeta last = log.snapshot();
        if (appliedIndex <= last.lastIndex()) {
            return;
        }
        long end = log.endOffsetOf(appliedIndex);
        if (end - log.endOffsetOf(last.lastIndex()) < snapshotEveryRecords) {
            return;
        }
        MetadataImage base = log.snapshotImage() != null ? log.snapshotImage() : MetadataImage.empty(clusterId);
        MetadataDelta delta = new MetadataDelta(base);
        log.readCommitted(base.lastAppliedOffset() + 1, end, delta::replay);
        SnapshotMeta meta = new SnapshotMeta(appliedIndex, log.termAt(appliedIndex));
        log.takeSnapshot(meta, delta.apply());
        node.onSnapshotTaken(meta);
        snapshotsTaken++;
        LOG.info("Node {} took metadata snapshot {}; the log now starts at offset {}", status.nodeId(), meta,
            log.logStartOffset());
    }

    /** Snapshots this driver wrote (not counting installed ones). */
    long snapshotsTaken() {
        return snapshotsTaken;
    }

    /**
     * Stops the loop after its current turn (bounded wait; no interrupt, which would close the log's
     * file channels under an fsync); pending proposals fail. The owner closes the log and transport.
     * A driver that was never started fails its proposals here.
     */
    @Override
    public void close() {
        AutoCloseable r = running;
        if (r == null) {
            loop.onClose();
            return;
        }
        try {
            r.close();
        } catch (Exception e) {
            LOG.warn("Stopping the Raft loop of node {} failed", status.nodeId(), e);
        }
    }
}
