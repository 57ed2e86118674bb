package io.varve.raft.core;

import static io.varve.raft.core.LocalCluster.ELECTION_TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Log replication and commit as the paper writes them (§5.3, §5.4.2), with batching and pipelining. */
class RaftReplicationTest {

    private static RaftConfig config(int id, int maxAppendBytes, int maxInflight) {
        return new RaftConfig(id, Set.of(1, 2, 3), ELECTION_TIMEOUT_MS, 20, maxAppendBytes, maxInflight);
    }

    private static RaftEntry entry(long index, int term) {
        return new RaftEntry(index, term, new byte[] {(byte) index, (byte) term});
    }

    private static MemoryRaftLog logWithTerms(int... terms) {
        MemoryRaftLog log = new MemoryRaftLog();
        for (int i = 0; i < terms.length; i++) {
            log.append(entry(i + 1, terms[i]));
        }
        return log;
    }

    private static RaftNode follower(int term, MemoryRaftLog log) {
        RaftNode node = new RaftNode(config(1, 1 << 20, 4), new HardState(term, HardState.NO_VOTE), log, new Random(3), 0);
        node.advance(node.ready());
        return node;
    }

    private static RaftMessage.AppendResponse onlyAppendResponse(Ready ready) {
        assertEquals(1, ready.messages().size());
        return (RaftMessage.AppendResponse) ready.messages().get(0);
    }

    @Test
    void section5_3_aProposalIsReplicatedCommittedAndAppliedEverywhere() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        ProposeResult result = cluster.node(leader).propose(new byte[] {42}, cluster.nowNs);
        assertTrue(result.accepted());
        cluster.settle();
        cluster.tickAll(LocalCluster.HEARTBEAT_MS + 1);
        for (int id = 1; id <= 3; id++) {
            assertEquals(result.index(), cluster.node(id).status().commitIndex(), "node " + id);
            assertArrayEquals(new byte[] {42}, cluster.logs.get(id).entry(result.index()).data());
            assertTrue(cluster.applied.get(id) >= result.index());
        }
    }

    @Test
    void section5_3_aFollowerRefusesAnAppendWhosePreviousEntryItLacksAndHintsItsLastIndex() {
        RaftNode node = follower(2, logWithTerms(1, 1));
        node.step(new RaftMessage.AppendRequest(2, 1, 2, 5, 2, List.of(entry(6, 2)), 0), 0);
        Ready ready = node.ready();
        RaftMessage.AppendResponse response = onlyAppendResponse(ready);
        assertFalse(response.success());
        assertEquals(2, response.matchIndex(), "its last index");
        assertTrue(ready.entries().isEmpty());
    }

    @Test
    void section5_3_onATermConflictTheHintSkipsTheWholeConflictingTerm() {
        RaftNode node = follower(3, logWithTerms(1, 2, 2, 2));
        node.step(new RaftMessage.AppendRequest(2, 1, 3, 4, 3, List.of(), 0), 0);
        RaftMessage.AppendResponse response = onlyAppendResponse(node.ready());
        assertFalse(response.success());
        assertEquals(1, response.matchIndex(), "the index before the first entry of term 2");
    }

    @Test
    void section5_3_aConflictingEntryAndAllThatFollowItAreDeletedThenTheLeadersAppended() {
        MemoryRaftLog log = logWithTerms(1, 1, 2, 2);
        RaftNode node = follower(3, log);
        node.step(new RaftMessage.AppendRequest(2, 1, 3, 2, 1, List.of(entry(3, 3)), 1), 0);
        Ready ready = node.ready();
        assertEquals(2, ready.truncateAfter());
        assertEquals(List.of(3L), ready.entries().stream().map(RaftEntry::index).toList());
        RaftMessage.AppendResponse response = onlyAppendResponse(ready);
        assertTrue(response.success());
        assertEquals(3, response.matchIndex());
        log.persist(ready);
        node.advance(ready);
        assertEquals(3, log.lastIndex());
        assertEquals(3, log.termAt(3));
    }

    @Test
    void section5_3_aStaleAppendThatMatchesDoesNotTruncateLaterEntries() {
        RaftNode node = follower(2, logWithTerms(1, 2, 2));
        node.step(new RaftMessage.AppendRequest(2, 1, 2, 1, 1, List.of(entry(2, 2)), 0), 0);
        Ready ready = node.ready();
        assertEquals(-1, ready.truncateAfter());
        assertTrue(ready.entries().isEmpty());
        assertEquals(2, onlyAppendResponse(ready).matchIndex(), "matched up to what the request carried");
    }

    @Test
    void section5_3_theFollowerCommitsUpToTheLeadersCommitButNoFurtherThanTheRequestMatched() {
        RaftNode node = follower(2, logWithTerms(1, 1, 1, 1));
        node.step(new RaftMessage.AppendRequest(2, 1, 2, 1, 1, List.of(), 4), 0);
        assertEquals(1, node.ready().commitIndex(), "entries 2..4 may still be replaced");
    }

    @Test
    void section5_3_entriesAreAcknowledgedOnlyInTheReadyThatPersistsThem() {
        RaftNode node = follower(1, new MemoryRaftLog());
        node.step(new RaftMessage.AppendRequest(2, 1, 1, 0, 0, List.of(entry(1, 1), entry(2, 1)), 0), 0);
        Ready ready = node.ready();
        assertEquals(2, ready.entries().size());
        assertEquals(2, onlyAppendResponse(ready).matchIndex());
    }

    @Test
    void section5_4_2_anEarlierTermsEntryIsNotCommittedByCountingReplicas() {
        // Figure 8: node 1 leads term 4 with an entry of term 2 at index 2 that a majority now holds.
        MemoryRaftLog log = logWithTerms(1, 2);
        RaftNode leader = new RaftNode(config(1, 1 << 20, 4), new HardState(3, HardState.NO_VOTE), log, new Random(5), 0);
        leader.advance(leader.ready());
        leader.tick(1_000_000_000L);
        persistAndAdvance(leader, log);
        leader.step(new RaftMessage.VoteResponse(2, 1, 4, true, true), 1_000_000_000L);
        persistAndAdvance(leader, log);
        leader.step(new RaftMessage.VoteResponse(2, 1, 4, false, true), 1_000_000_000L);
        assertTrue(leader.isLeader());
        persistAndAdvance(leader, log);
        assertEquals(3, log.lastIndex(), "the no-op of term 4");
        leader.step(new RaftMessage.AppendResponse(2, 1, 4, true, 2), 1_000_000_000L);
        assertEquals(0, leader.status().commitIndex(), "index 2 (term 2) is on a majority, yet not committed");
        leader.step(new RaftMessage.AppendResponse(2, 1, 4, true, 3), 1_000_000_000L);
        assertEquals(3, leader.status().commitIndex(), "the term-4 no-op commits, and index 2 with it");
    }

    @Test
    void plantedFault_countingAnEarlierTermsReplicasCommitsIt() {
        MemoryRaftLog log = logWithTerms(1, 2);
        RaftNode leader = new RaftNode(config(1, 1 << 20, 4), new HardState(3, HardState.NO_VOTE), log, new Random(5), 0,
            Rules.breaking(Rules.Rule.COMMIT_ONLY_CURRENT_TERM));
        leader.advance(leader.ready());
        leader.tick(1_000_000_000L);
        persistAndAdvance(leader, log);
        leader.step(new RaftMessage.VoteResponse(2, 1, 4, true, true), 1_000_000_000L);
        persistAndAdvance(leader, log);
        leader.step(new RaftMessage.VoteResponse(2, 1, 4, false, true), 1_000_000_000L);
        persistAndAdvance(leader, log);
        leader.step(new RaftMessage.AppendResponse(2, 1, 4, true, 2), 1_000_000_000L);
        assertEquals(2, leader.status().commitIndex());
    }

    private static void persistAndAdvance(RaftNode node, MemoryRaftLog log) {
        Ready ready = node.ready();
        log.persist(ready);
        node.advance(ready);
    }

    @Test
    void aLeaderCountsItsOwnEntryOnlyOnceItIsDurable() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        RaftNode node = cluster.node(leader);
        long before = node.status().commitIndex();
        ProposeResult result = node.propose(new byte[] {1}, cluster.nowNs);
        Ready ready = node.ready();
        int follower = leader == 1 ? 2 : 1;
        node.step(new RaftMessage.AppendResponse(follower, leader, result.term(), true, result.index()), cluster.nowNs);
        assertEquals(before, node.status().commitIndex(), "one follower plus a leader that has not persisted is no majority");
        cluster.logs.get(leader).persist(ready);
        node.advance(ready);
        assertEquals(result.index(), node.status().commitIndex());
    }

    @Test
    void batching_anAppendRequestCarriesAtMostMaxAppendBytesAfterItsFirstEntry() {
        LocalCluster cluster = new LocalCluster(3, 60, 100, Rules.RAFT);
        int leader = cluster.electLeader();
        cluster.sent.clear();
        for (int i = 0; i < 10; i++) {
            cluster.node(leader).propose(new byte[20], cluster.nowNs); // 36 bytes each with overhead
        }
        cluster.settle();
        List<RaftMessage> appends = cluster.sentMatching(m -> m instanceof RaftMessage.AppendRequest a && !a.entries().isEmpty());
        assertFalse(appends.isEmpty());
        for (RaftMessage m : appends) {
            assertEquals(1, ((RaftMessage.AppendRequest) m).entries().size(), "36 + 36 > 60");
        }
        cluster.tickAll(LocalCluster.HEARTBEAT_MS + 1);
        assertEquals(cluster.logs.get(leader).lastIndex(), cluster.node(leader).status().commitIndex());
    }

    @Test
    void pipelining_aLeaderSendsUpToMaxInflightAppendsBeforeAnAnswer() {
        LocalCluster cluster = new LocalCluster(3, 1, 3, Rules.RAFT);
        int leader = cluster.electLeader();
        cluster.tickAll(LocalCluster.HEARTBEAT_MS + 1);
        RaftNode node = cluster.node(leader);
        for (int i = 0; i < 10; i++) {
            node.propose(new byte[] {(byte) i}, cluster.nowNs);
        }
        Ready ready = node.ready();
        int follower = leader == 1 ? 2 : 1;
        long toFollower = ready.messages().stream()
            .filter(m -> m.to() == follower && m instanceof RaftMessage.AppendRequest a && !a.entries().isEmpty()).count();
        assertEquals(3, toFollower, "three in flight, optimistic nextIndex, the rest wait");
        cluster.logs.get(leader).persist(ready);
        cluster.inFlight.addAll(ready.messages());
        node.advance(ready);
        cluster.settle();
        cluster.tickAll(LocalCluster.HEARTBEAT_MS + 1);
        assertEquals(cluster.logs.get(leader).lastIndex(), cluster.logs.get(follower).lastIndex(), "the window moved on");
    }

    @Test
    void fastBackup_aLeaderBacksUpToTheFollowersHintInOneStepAndLostAppendsAreResent() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        RaftNode node = cluster.node(leader);
        int follower = leader == 1 ? 2 : 1;
        cluster.isolate(follower);
        for (int i = 0; i < 30; i++) {
            node.propose(new byte[] {(byte) i}, cluster.nowNs);
        }
        cluster.settle();
        cluster.heal();
        cluster.sent.clear();
        node.step(new RaftMessage.AppendResponse(follower, leader, node.status().term(), false, 1), cluster.nowNs);
        Ready ready = node.ready();
        RaftMessage.AppendRequest retry = (RaftMessage.AppendRequest) ready.messages().stream()
            .filter(m -> m.to() == follower).findFirst().orElseThrow();
        assertEquals(1, retry.prevLogIndex(), "straight to the hint, not one index at a time");
        cluster.inFlight.addAll(ready.messages());
        node.advance(ready);
        cluster.settle();
        assertEquals(cluster.logs.get(leader).lastIndex(), cluster.logs.get(follower).lastIndex());
    }

    @Test
    void appendsLostInAFullPipelineAreResentAfterAStalledHeartbeat() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        RaftNode node = cluster.node(leader);
        int follower = leader == 1 ? 2 : 1;
        cluster.isolate(follower);
        for (int i = 0; i < 30; i++) {
            node.propose(new byte[] {(byte) i}, cluster.nowNs);
        }
        cluster.settle();
        cluster.heal();
        cluster.tickAll(3 * LocalCluster.HEARTBEAT_MS);
        assertEquals(cluster.logs.get(leader).lastIndex(), cluster.logs.get(follower).lastIndex());
    }
}
