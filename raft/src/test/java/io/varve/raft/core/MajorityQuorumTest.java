package io.varve.raft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Majority Quorum arithmetic (§5.2 elections, §5.3 commit). */
class MajorityQuorumTest {

    private static final Set<Integer> FIVE = Set.of(1, 2, 3, 4, 5);

    @Test
    void aQuorumIsMoreThanHalf() {
        assertEquals(1, MajorityQuorum.quorumSize(1));
        assertEquals(2, MajorityQuorum.quorumSize(2));
        assertEquals(2, MajorityQuorum.quorumSize(3));
        assertEquals(3, MajorityQuorum.quorumSize(4));
        assertEquals(3, MajorityQuorum.quorumSize(5));
    }

    @Test
    void section5_2_anElectionIsWonByAMajorityAndLostOnceAMajorityIsOutOfReach() {
        assertEquals(MajorityQuorum.VoteResult.PENDING, MajorityQuorum.tally(FIVE, Map.of(1, true, 2, true)));
        assertEquals(MajorityQuorum.VoteResult.WON, MajorityQuorum.tally(FIVE, Map.of(1, true, 2, true, 3, true)));
        assertEquals(MajorityQuorum.VoteResult.PENDING, MajorityQuorum.tally(FIVE, Map.of(1, true, 2, false, 3, false)));
        assertEquals(MajorityQuorum.VoteResult.LOST, MajorityQuorum.tally(FIVE, Map.of(1, true, 2, false, 3, false, 4, false)));
        assertEquals(MajorityQuorum.VoteResult.WON, MajorityQuorum.tally(Set.of(1), Map.of(1, true)));
    }

    @Test
    void votesFromNonVotersDoNotCount() {
        assertEquals(MajorityQuorum.VoteResult.PENDING, MajorityQuorum.tally(Set.of(1, 2, 3), Map.of(1, true, 9, true)));
        assertFalse(MajorityQuorum.isQuorum(Set.of(1, 2, 3), Set.of(1, 8, 9)));
        assertTrue(MajorityQuorum.isQuorum(Set.of(1, 2, 3), Set.of(1, 3)));
    }

    @Test
    void section5_3_theCommitIndexIsTheHighestIndexAMajorityHolds() {
        Map<Integer, Long> match = Map.of(1, 9L, 2, 7L, 3, 5L, 4, 2L, 5, 0L);
        assertEquals(5, MajorityQuorum.committedIndex(FIVE, match::get));
        assertEquals(7, MajorityQuorum.committedIndex(Set.of(1, 2, 3), match::get));
        assertEquals(7, MajorityQuorum.committedIndex(Set.of(1, 2), match::get));
        assertEquals(9, MajorityQuorum.committedIndex(Set.of(1), match::get));
    }
}
