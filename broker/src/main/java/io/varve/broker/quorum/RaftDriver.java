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
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft node's Singular Update Queue: one thread owns the {@link RaftNode}, its {@link MetadataRaftLog}
 * and its {@link QuorumStateFile}. It takes messages and proposals from one bounded queue, ticks the
 * node every {@code tickMs}, and performs each {@link Ready} in the order the core demands:
 * persist the term and vote (fsync), truncate and append entries (fsync), only then send, then
 * publish the new commit point and complete the proposals it commits, then {@code advance}.
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
public final class RaftDriver implements AutoCloseable {

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
    private final BlockingQueue<Object> events = new ArrayBlockingQueue<>(MAX_QUEUED_EVENTS);
    private final PendingProposals pending = new PendingProposals(MAX_PENDING_PROPOSALS);
    private final Thread thread;
    private volatile RaftStatus status;
    private volatile long committedEndOffset;
    private volatile boolean failed;
    private volatile boolean running = true;
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
        this.thread = new Thread(this::run, "varve-raft-" + status.nodeId());
        this.thread.setDaemon(true);
    }

    /**
     * Starts the thread.
     *
     * @param onCommit called on the driver thread each time the commit point moves; must not block
     */
    void start(Runnable onCommit) {
        this.onCommit = onCommit;
        thread.start();
    }

    /** Queues a message from another voter; false (dropped) when the queue is full or the driver stopped. */
    public boolean offer(RaftMessage message) {
        return running && events.offer(message);
    }

    /**
     * Proposes {@code data} as one entry; completes when it commits or is known lost, or at the
     * deadline. Completes at once with {@code NOT_LEADER} when this node does not lead or is busy.
     */
    CompletableFuture<AppendOutcome> propose(byte[] data, long timeoutMs) {
        CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
        if (failed || !running) {
            done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.FAILED, "the metadata quorum stopped"));
        } else if (!events.offer(new Proposal(data, clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), done))) {
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

    private void run() {
        try {
            while (running) {
                runOnce(tickMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException | Error e) {
            failed = true;
            LOG.error("The Raft driver of node {} failed; this controller stops until restarted", status.nodeId(), e);
        } finally {
            running = false;
            pending.failAll(failed ? AppendOutcome.Status.FAILED : AppendOutcome.Status.NOT_LEADER,
                "the metadata quorum stopped");
            Object e;
            while ((e = events.poll()) != null) {
                if (e instanceof Proposal p) {
                    p.done.complete(AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER, "the metadata quorum stopped"));
                }
            }
        }
    }

    /**
     * One turn of the loop: waits up to {@code pollMs} for an event, handles at most
     * {@link #MAX_EVENTS_PER_TURN}, ticks the node, expires proposals, and does the Ready work.
     * Package-private so that tests can drive a driver whose thread was never started.
     */
    void runOnce(long pollMs) throws InterruptedException, IOException {
        Object event = pollMs > 0 ? events.poll(pollMs, TimeUnit.MILLISECONDS) : events.poll();
        long nowNs = clock.nanoTime();
        for (int i = 0; event != null && i < MAX_EVENTS_PER_TURN; i++) {
            handle(event, nowNs);
            event = i + 1 < MAX_EVENTS_PER_TURN ? events.poll() : null;
        }
        node.tick(nowNs);
        pending.expire(nowNs);
        processReady();
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

    /** Does the node's work in the persist → send → apply order until it has none. */
    private void processReady() throws IOException {
        while (node.hasReady()) {
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

    /** Stops the thread (bounded wait); pending proposals fail. The owner closes the log and transport. */
    @Override
    public void close() {
        // No interrupt: it would close the log's file channels under an fsync. The loop ends within a tick.
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
