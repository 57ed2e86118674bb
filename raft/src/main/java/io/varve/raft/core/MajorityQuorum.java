package io.varve.raft.core;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Majority Quorum: the small arithmetic of "more than half of the voters" (Raft §5.2, §5.3).
 * Stateless; thread-safe.
 */
final class MajorityQuorum {

    /** How an election stands. */
    enum VoteResult { WON, LOST, PENDING }

    private MajorityQuorum() {
    }

    /** Votes needed out of {@code voterCount}: more than half. */
    static int quorumSize(int voterCount) {
        return voterCount / 2 + 1;
    }

    /** Whether {@code ids} holds a majority of {@code voters} (ids outside {@code voters} do not count). */
    static boolean isQuorum(Set<Integer> voters, Set<Integer> ids) {
        int count = 0;
        for (int voter : voters) {
            if (ids.contains(voter)) {
                count++;
            }
        }
        return count >= quorumSize(voters.size());
    }

    /**
     * Tallies an election: WON once a majority granted, LOST once a majority can no longer grant,
     * else PENDING. Votes from non-voters are ignored.
     */
    static VoteResult tally(Set<Integer> voters, Map<Integer, Boolean> votes) {
        int granted = 0;
        int rejected = 0;
        for (int voter : voters) {
            Boolean vote = votes.get(voter);
            if (vote == null) {
                continue;
            }
            if (vote) {
                granted++;
            } else {
                rejected++;
            }
        }
        int quorum = quorumSize(voters.size());
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        return voters.size() - rejected < quorum ? VoteResult.LOST : VoteResult.PENDING;
    }

    /**
     * The highest index that a majority of voters hold (§5.3): the quorum-th largest match index.
     */
    static long committedIndex(Set<Integer> voters, ToLongFunction<Integer> matchIndex) {
        long[] matches = new long[voters.size()];
        int i = 0;
        for (int voter : voters) {
            matches[i++] = matchIndex.applyAsLong(voter);
        }
        Arrays.sort(matches);
        return matches[matches.length - quorumSize(matches.length)];
    }
}
