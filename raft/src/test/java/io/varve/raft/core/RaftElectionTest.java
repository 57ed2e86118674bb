package io.varve.raft.core;

import static io.varve.raft.core.LocalCluster.ELECTION_TIMEOUT_MS;
import static io.varve.raft.core.LocalCluster.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Leader election as the paper writes it (§5.2, §5.4.1) plus pre-vote, check-quorum and stickiness. */
class RaftElectionTest {

    private static RaftConfig config(int id, int... voters) {
        Set<Integer> set = new java.util.HashSet<>();
        for (int v : voters) {
            set.add(v);
        }
        return new RaftConfig(id, set, ELECTION_TIMEOUT_MS, 20, 1 << 20, 4);
    }

    /** A lone follower with {@code log}, its Ready done. */
    private static RaftNode follower(RaftConfig config, HardState hardState, MemoryRaftLog log) {
        RaftNode node = new RaftNode(config, hardState, log, new Random(7), 0);
        node.advance(node.ready());
        return node;
    }

    private static MemoryRaftLog logWithTerms(int... terms) {
        MemoryRaftLog log = new MemoryRaftLog();
        for (int i = 0; i < terms.length; i++) {
            log.append(new RaftEntry(i + 1, terms[i], new byte[0]));
        }
        return log;
    }

    @Test
    void section5_2_aFollowerWaitsARandomizedTimeoutInTToTwoTBeforeItCampaigns() {
        for (int seed = 0; seed < 20; seed++) {
            RaftNode node = new RaftNode(config(1, 1, 2, 3), HardState.INITIAL, new MemoryRaftLog(), new Random(seed), 0);
            long t = 0;
            while (node.status().role() == RaftStatus.Role.FOLLOWER) {
                t += MS;
                node.tick(t);
                assertTrue(t < 2 * ELECTION_TIMEOUT_MS * MS, "campaigned by 2t");
            }
            assertTrue(t >= ELECTION_TIMEOUT_MS * MS, "waited at least t, campaigned at " + t);
        }
    }

    @Test
    void preVote_aTimedOutNodeAsksForPreVotesWithoutBumpingItsTerm() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(4, HardState.NO_VOTE), new MemoryRaftLog());
        node.tick(2 * ELECTION_TIMEOUT_MS * MS);
        Ready ready = node.ready();
        assertEquals(RaftStatus.Role.PRE_CANDIDATE, node.status().role());
        assertEquals(4, node.status().term());
        assertNull(ready.hardState(), "a pre-vote persists nothing");
        assertEquals(2, ready.messages().size());
        for (RaftMessage m : ready.messages()) {
            RaftMessage.VoteRequest request = (RaftMessage.VoteRequest) m;
            assertTrue(request.preVote());
            assertEquals(5, request.term());
        }
    }

    @Test
    void preVote_anIsolatedNodeKeepsItsTermThroughManyTimeouts() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        int term = cluster.node(leader).status().term();
        int lonely = leader == 1 ? 2 : 1;
        cluster.isolate(lonely);
        cluster.tickAll(20 * ELECTION_TIMEOUT_MS);
        assertEquals(term, cluster.node(lonely).status().term(), "no term bumps while cut off");
        cluster.heal();
        cluster.tickAll(5 * ELECTION_TIMEOUT_MS);
        assertTrue(cluster.node(leader).isLeader(), "the rejoining node did not disrupt the leader");
        assertEquals(term, cluster.node(leader).status().term());
    }

    @Test
    void section5_2_aCandidateWithAMajorityLeadsAndAppendsANoOpOfItsTerm() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        RaftNode node = cluster.node(leader);
        assertEquals(RaftStatus.Role.LEADER, node.status().role());
        MemoryRaftLog log = cluster.logs.get(leader);
        assertEquals(1, log.lastIndex());
        assertEquals(node.status().term(), log.entry(1).term());
        assertEquals(0, log.entry(1).data().length, "the no-op is empty");
        cluster.tickAll(1);
        assertEquals(1, node.status().commitIndex());
        for (int id = 1; id <= 3; id++) {
            assertEquals(leader, cluster.node(id).status().leaderId());
        }
    }

    @Test
    void section5_2_theVoteIsPersistedInTheSameReadyAsTheResponseThatGrantsIt() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(1, HardState.NO_VOTE), new MemoryRaftLog());
        node.step(new RaftMessage.VoteRequest(2, 1, 2, false, 0, 0), 0);
        Ready ready = node.ready();
        assertEquals(new HardState(2, 2), ready.hardState(), "term and vote go to disk before the answer");
        RaftMessage.VoteResponse response = (RaftMessage.VoteResponse) ready.messages().get(0);
        assertTrue(response.granted());
        assertEquals(2, response.term());
    }

    @Test
    void section5_2_aVoterGrantsAtMostOneVotePerTerm() {
        RaftNode node = follower(config(1, 1, 2, 3), HardState.INITIAL, new MemoryRaftLog());
        node.step(new RaftMessage.VoteRequest(2, 1, 1, false, 0, 0), 0);
        node.step(new RaftMessage.VoteRequest(3, 1, 1, false, 0, 0), 0);
        node.step(new RaftMessage.VoteRequest(2, 1, 1, false, 0, 0), 0);
        List<RaftMessage> answers = node.ready().messages();
        assertTrue(((RaftMessage.VoteResponse) answers.get(0)).granted());
        assertFalse(((RaftMessage.VoteResponse) answers.get(1)).granted(), "already voted for 2 in term 1");
        assertTrue(((RaftMessage.VoteResponse) answers.get(2)).granted(), "a repeated request gets the same answer");
    }

    @Test
    void section5_2_aRestartedVoterRemembersItsVote() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(3, 2), new MemoryRaftLog());
        node.step(new RaftMessage.VoteRequest(3, 1, 3, false, 0, 0), 0);
        assertFalse(((RaftMessage.VoteResponse) node.ready().messages().get(0)).granted());
    }

    @Test
    void section5_4_1_aVoteIsRefusedToACandidateWithALowerLastTerm() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(3, HardState.NO_VOTE), logWithTerms(1, 3));
        node.step(new RaftMessage.VoteRequest(2, 1, 4, false, 5, 2), 0);
        Ready ready = node.ready();
        assertFalse(((RaftMessage.VoteResponse) ready.messages().get(0)).granted());
        assertEquals(new HardState(4, HardState.NO_VOTE), ready.hardState(), "the term still moves, the vote does not");
    }

    @Test
    void section5_4_1_aVoteIsRefusedToACandidateWithTheSameLastTermButAShorterLog() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(3, HardState.NO_VOTE), logWithTerms(1, 3, 3));
        node.step(new RaftMessage.VoteRequest(2, 1, 4, false, 2, 3), 0);
        assertFalse(((RaftMessage.VoteResponse) node.ready().messages().get(0)).granted());
    }

    @Test
    void section5_4_1_aVoteIsGrantedToACandidateWithAnAtLeastAsUpToDateLog() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(3, HardState.NO_VOTE), logWithTerms(1, 3, 3));
        node.step(new RaftMessage.VoteRequest(2, 1, 4, false, 1, 4), 0);
        assertTrue(((RaftMessage.VoteResponse) node.ready().messages().get(0)).granted(), "higher last term wins over length");
    }

    @Test
    void plantedFault_withoutTheUpToDateCheckAStaleCandidateGetsTheVote() {
        RaftNode node = new RaftNode(config(1, 1, 2, 3), new HardState(3, HardState.NO_VOTE), logWithTerms(1, 3),
            new Random(1), 0, Rules.breaking(Rules.Rule.CHECK_LOG_UP_TO_DATE));
        node.advance(node.ready());
        node.step(new RaftMessage.VoteRequest(2, 1, 4, false, 5, 2), 0);
        assertTrue(((RaftMessage.VoteResponse) node.ready().messages().get(0)).granted());
    }

    @Test
    void stickiness_aFollowerThatHeardFromItsLeaderIgnoresVotesFromAHigherTerm() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(2, HardState.NO_VOTE), new MemoryRaftLog());
        node.step(new RaftMessage.AppendRequest(2, 1, 2, 0, 0, List.of(), 0), 10 * MS);
        node.advance(node.ready());
        node.step(new RaftMessage.VoteRequest(3, 1, 3, true, 9, 9), 20 * MS);
        node.step(new RaftMessage.VoteRequest(3, 1, 3, false, 9, 9), 20 * MS);
        Ready ready = node.ready();
        assertTrue(ready.messages().isEmpty(), "no answer while the leader is alive");
        assertNull(ready.hardState());
        assertEquals(2, node.status().term());
        node.advance(ready);
        node.step(new RaftMessage.VoteRequest(3, 1, 3, true, 9, 9), (10 + ELECTION_TIMEOUT_MS) * MS);
        assertTrue(((RaftMessage.VoteResponse) node.ready().messages().get(0)).granted(), "after the lease, pre-votes are answered");
    }

    @Test
    void checkQuorum_aLeaderThatHearsNoMajorityForAnElectionTimeoutStepsDown() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        int term = cluster.node(leader).status().term();
        for (int id = 1; id <= 3; id++) {
            if (id != leader) {
                cluster.isolate(id);
            }
        }
        cluster.tickAll(3 * ELECTION_TIMEOUT_MS);
        RaftNode node = cluster.node(leader);
        assertEquals(RaftStatus.Role.FOLLOWER.compareTo(node.status().role()) <= 0, true);
        assertFalse(node.isLeader(), "stepped down");
        assertEquals(term, node.status().term(), "without bumping its term: pre-vote");
    }

    @Test
    void section5_1_aLeaderThatSeesAHigherTermStepsDown() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        RaftNode node = cluster.node(leader);
        int other = leader == 1 ? 2 : 1;
        node.step(new RaftMessage.AppendResponse(other, leader, node.status().term() + 5, false, 0), cluster.nowNs);
        assertFalse(node.isLeader());
        assertEquals(RaftStatus.Role.FOLLOWER, node.status().role());
        assertNotNull(node.ready().hardState(), "the new term is persisted");
    }

    @Test
    void section5_1_anAppendFromAStaleTermIsAnsweredWithTheCurrentTerm() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(5, HardState.NO_VOTE), new MemoryRaftLog());
        node.step(new RaftMessage.AppendRequest(2, 1, 3, 0, 0, List.of(new RaftEntry(1, 3, new byte[1])), 0), 0);
        Ready ready = node.ready();
        RaftMessage.AppendResponse response = (RaftMessage.AppendResponse) ready.messages().get(0);
        assertFalse(response.success());
        assertEquals(5, response.term());
        assertTrue(ready.entries().isEmpty(), "a stale leader's entries are not taken");
    }

    @Test
    void aSingleVoterLeadsAtOnceAndCommitsWhenItsEntriesAreDurable() {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode node = new RaftNode(config(1, 1), HardState.INITIAL, log, new Random(1), 0);
        assertTrue(node.isLeader());
        Ready first = node.ready();
        assertEquals(new HardState(1, 1), first.hardState());
        assertEquals(1, first.entries().size());
        assertEquals(0, first.commitIndex(), "not committed before it is durable");
        assertEquals(0, node.status().commitIndex());
        log.persist(first);
        node.advance(first);
        assertEquals(1, node.status().commitIndex());
        assertTrue(node.hasReady(), "the new commit index is news");
        assertEquals(1, node.ready().commitIndex());
    }

    @Test
    void readiesAreDoneOneAfterAnother() {
        RaftNode node = new RaftNode(config(1, 1), HardState.INITIAL, new MemoryRaftLog(), new Random(1), 0);
        node.ready();
        assertThrows(IllegalStateException.class, node::ready);
    }

    @Test
    void aFollowerRefusesProposalsAndNamesItsLeader() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        int other = leader == 1 ? 2 : 1;
        ProposeResult result = cluster.node(other).propose(new byte[] {1}, cluster.nowNs);
        assertFalse(result.accepted());
        assertEquals(leader, result.leaderId());
    }

    @Test
    void stickiness_aLeaderIgnoresVotesFromAHigherTermAndKeepsLeading() {
        LocalCluster cluster = new LocalCluster(3);
        int leader = cluster.electLeader();
        RaftNode node = cluster.node(leader);
        int term = node.status().term();
        int other = leader == 1 ? 2 : 1;
        node.step(new RaftMessage.VoteRequest(other, leader, term + 1, false, 100, term + 1), cluster.nowNs);
        assertTrue(node.isLeader(), "check-quorum, not a vote request, decides when a leader steps down");
        assertEquals(term, node.status().term());
        assertTrue(node.ready().messages().isEmpty());
    }

    @Test
    void section5_2_grantingAVoteRestartsTheElectionTimer() {
        RaftNode node = follower(config(1, 1, 2, 3), HardState.INITIAL, new MemoryRaftLog());
        node.step(new RaftMessage.VoteRequest(2, 1, 1, false, 0, 0), 150 * MS);
        node.tick(240 * MS);
        assertEquals(RaftStatus.Role.FOLLOWER, node.status().role(), "the first deadline (< 200 ms) was pushed past 250 ms");
        node.tick(300 * MS);
        assertEquals(RaftStatus.Role.PRE_CANDIDATE, node.status().role());
    }

    @Test
    void section5_2_aCandidateRefusedByAMajorityFallsBackToFollower() {
        RaftNode node = follower(config(1, 1, 2, 3), new HardState(2, HardState.NO_VOTE), new MemoryRaftLog());
        node.tick(300 * MS);
        node.step(new RaftMessage.VoteResponse(2, 1, 3, true, true), 300 * MS);
        assertEquals(RaftStatus.Role.CANDIDATE, node.status().role(), "won the pre-vote");
        assertEquals(3, node.status().term());
        node.step(new RaftMessage.VoteResponse(2, 1, 3, false, false), 300 * MS);
        node.step(new RaftMessage.VoteResponse(3, 1, 3, false, false), 300 * MS);
        assertEquals(RaftStatus.Role.FOLLOWER, node.status().role());
        assertEquals(3, node.status().term());
    }
}
