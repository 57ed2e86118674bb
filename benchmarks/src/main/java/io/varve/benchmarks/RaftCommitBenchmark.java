package io.varve.benchmarks;

import io.varve.raft.core.HardState;
import io.varve.raft.core.MemoryRaftLog;
import io.varve.raft.core.ProposeResult;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.core.Ready;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Commit latency of the Raft core ({@link RaftNode}) in one thread: three voters with in-memory
 * logs, messages handed from one node's {@link Ready} straight to the addressee's {@code step}, in
 * Ready's order (persist, then send, then advance). No disk, no network, no clock waits: what is
 * left is the core's own cost of a commit, propose to leader's commit index, through two message
 * round trips (AppendRequest out, AppendResponse back) and the quorum count.
 *
 * <ul>
 *   <li>{@code commitOne}: one proposal, driven until it is committed (time per commit).</li>
 *   <li>{@code commitBatch}: {@value #BATCH} proposals, then driven until the last is committed (time
 *       per entry: the core batching entries into AppendRequests).</li>
 * </ul>
 * A fresh cluster every iteration keeps the logs from growing through the run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RaftCommitBenchmark extends BenchmarkDefaults {

    static final int VOTERS = 3;
    static final int BATCH = 64;
    private static final int ELECTION_TIMEOUT_MS = 100;
    private static final int HEARTBEAT_MS = 20;
    /** Bound on message deliveries while driving one commit: far above the handful it needs. */
    private static final int MAX_DELIVERIES = 100_000;
    private static final int MAX_IN_FLIGHT = 4096;

    @Param({"64", "1024"})
    public int entryBytes;

    private final RaftNode[] nodes = new RaftNode[VOTERS + 1];
    private final MemoryRaftLog[] logs = new MemoryRaftLog[VOTERS + 1];
    private final ArrayDeque<RaftMessage> inFlight = new ArrayDeque<>();
    private long nowNs;
    private RaftNode leader;
    private byte[] payload;

    @Setup(Level.Iteration)
    public void electLeader() {
        payload = new byte[entryBytes];
        new Random(1).nextBytes(payload);
        inFlight.clear();
        nowNs = 0;
        for (int id = 1; id <= VOTERS; id++) {
            RaftConfig config = new RaftConfig(id, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, HEARTBEAT_MS, 1 << 20, 8);
            logs[id] = new MemoryRaftLog();
            nodes[id] = new RaftNode(config, HardState.INITIAL, logs[id], new Random(id), nowNs);
        }
        leader = null;
        for (int ms = 0; ms < 50 * ELECTION_TIMEOUT_MS && leader == null; ms++) {
            nowNs += 1_000_000L;
            for (int id = 1; id <= VOTERS; id++) {
                nodes[id].tick(nowNs);
            }
            settle();
            for (int id = 1; id <= VOTERS; id++) {
                if (nodes[id].isLeader()) {
                    leader = nodes[id];
                }
            }
        }
        if (leader == null) {
            throw new IllegalStateException("no leader within " + 50 * ELECTION_TIMEOUT_MS + " ms of simulated time");
        }
    }

    @Benchmark
    public long commitOne() {
        ProposeResult result = leader.propose(payload, nowNs);
        return driveUntilCommitted(result);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long commitBatch() {
        ProposeResult last = null;
        for (int i = 0; i < BATCH; i++) {
            last = leader.propose(payload, nowNs);
        }
        return driveUntilCommitted(last);
    }

    private long driveUntilCommitted(ProposeResult result) {
        if (!result.accepted()) {
            throw new IllegalStateException("the leader refused a proposal: " + result);
        }
        settle();
        long committed = leader.status().commitIndex();
        if (committed < result.index()) {
            throw new IllegalStateException("entry " + result.index() + " not committed; commit index " + committed);
        }
        return committed;
    }

    /** Does every node's Ready and delivers messages until there is nothing left to do. */
    private void settle() {
        int deliveries = 0;
        boolean busy = true;
        while (busy) {
            busy = false;
            for (int id = 1; id <= VOTERS; id++) {
                RaftNode node = nodes[id];
                while (node.hasReady()) {
                    Ready ready = node.ready();
                    logs[id].persist(ready);
                    if (inFlight.size() + ready.messages().size() > MAX_IN_FLIGHT) {
                        throw new IllegalStateException("more than " + MAX_IN_FLIGHT + " messages in flight");
                    }
                    inFlight.addAll(ready.messages());
                    node.advance(ready);
                    busy = true;
                }
            }
            while (!inFlight.isEmpty()) {
                if (++deliveries > MAX_DELIVERIES) {
                    throw new IllegalStateException("the cluster did not settle within " + MAX_DELIVERIES + " messages");
                }
                RaftMessage message = inFlight.poll();
                nodes[message.to()].step(message, nowNs);
                busy = true;
            }
        }
    }
}
