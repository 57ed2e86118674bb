package io.varve.raft.core;

import static io.varve.raft.core.LocalCluster.ELECTION_TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Snapshots (§7): a follower behind the leader's first index gets the leader's snapshot whole. */
class RaftSnapshotTest {

    @Test
    void section7_aFollowerBehindTheLeadersFirstIndexIsSentTheSnapshotAndInstallsIt() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        int follower = leader == 1 ? 2 : 1;
        RaftNode node = cluster.node(leader);
        cluster.isolate(follower);
        for (int i = 0; i < 10; i++) {
            node.propose(new byte[] {(byte) i}, cluster.nowNs);
        }
        cluster.settle();
        long commit = node.status().commitIndex();
        assertEquals(11, commit);
        MemoryRaftLog leaderLog = cluster.logs.get(leader);
        SnapshotMeta meta = new SnapshotMeta(8, leaderLog.termAt(8));
        leaderLog.compact(meta, new byte[] {8, 8});
        node.onSnapshotTaken(meta);
        cluster.heal();
        cluster.sent.clear();
        cluster.tickAll(3 * LocalCluster.HEARTBEAT_MS);
        List<RaftMessage> snapshots = cluster.sentMatching(m -> m instanceof RaftMessage.SnapshotRequest);
        assertEquals(1, snapshots.size(), "one snapshot, then appends from 9 on");
        MemoryRaftLog followerLog = cluster.logs.get(follower);
        assertEquals(meta, followerLog.snapshot());
        assertArrayEquals(new byte[] {8, 8}, followerLog.snapshotData());
        assertEquals(leaderLog.lastIndex(), followerLog.lastIndex());
        assertEquals(commit, cluster.node(follower).status().commitIndex());
    }

    @Test
    void section7_theInstallIsHandedOutInOneReadyWithTheCommitIndexAndTheAnswer() {
        RaftConfig config = new RaftConfig(1, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 20, 1 << 20, 4);
        MemoryRaftLog log = new MemoryRaftLog();
        log.append(new RaftEntry(1, 1, new byte[0]));
        RaftNode node = new RaftNode(config, new HardState(1, HardState.NO_VOTE), log, new Random(1), 0);
        node.advance(node.ready());
        node.step(new RaftMessage.SnapshotRequest(2, 1, 2, new SnapshotMeta(50, 2), new byte[] {5}), 0);
        Ready ready = node.ready();
        assertEquals(new SnapshotMeta(50, 2), ready.snapshot());
        assertArrayEquals(new byte[] {5}, ready.snapshotData());
        assertEquals(50, ready.commitIndex());
        assertEquals(new RaftMessage.SnapshotResponse(1, 2, 2, 50), ready.messages().get(0));
        log.persist(ready);
        node.advance(ready);
        assertEquals(50, log.lastIndex());
        node.step(new RaftMessage.AppendRequest(2, 1, 2, 50, 2, List.of(new RaftEntry(51, 2, new byte[0])), 51), 0);
        Ready next = node.ready();
        assertNull(next.snapshot());
        assertEquals(51, next.commitIndex());
    }

    @Test
    void section7_aSnapshotOfEntriesTheFollowerAlreadyHoldsOnlyCommitsThem() {
        RaftConfig config = new RaftConfig(1, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 20, 1 << 20, 4);
        MemoryRaftLog log = new MemoryRaftLog();
        for (int i = 1; i <= 5; i++) {
            log.append(new RaftEntry(i, 1, new byte[0]));
        }
        RaftNode node = new RaftNode(config, new HardState(1, HardState.NO_VOTE), log, new Random(1), 0);
        node.advance(node.ready());
        node.step(new RaftMessage.SnapshotRequest(2, 1, 1, new SnapshotMeta(3, 1), new byte[] {5}), 0);
        Ready ready = node.ready();
        assertNull(ready.snapshot(), "entries 4 and 5 are kept");
        assertEquals(3, ready.commitIndex());
    }

    @Test
    void aSnapshotPastTheCommitIndexIsAProgrammingError() {
        RaftConfig config = new RaftConfig(1, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 20, 1 << 20, 4);
        RaftNode node = new RaftNode(config, HardState.INITIAL, new MemoryRaftLog(), new Random(1), 0);
        assertThrows(IllegalStateException.class, () -> node.onSnapshotTaken(new SnapshotMeta(1, 1)));
    }

    @Test
    void aRestartedNodeStartsCommittedAtItsSnapshot() {
        RaftConfig config = new RaftConfig(1, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 20, 1 << 20, 4);
        MemoryRaftLog log = new MemoryRaftLog();
        log.installSnapshot(new SnapshotMeta(7, 3), new byte[] {1});
        RaftNode node = new RaftNode(config, new HardState(3, HardState.NO_VOTE), log, new Random(1), 0);
        assertEquals(7, node.status().commitIndex());
        assertFalse(node.hasReady(), "nothing new: the driver restores its state machine from the snapshot itself");
        assertEquals(7, node.ready().commitIndex());
    }
}
