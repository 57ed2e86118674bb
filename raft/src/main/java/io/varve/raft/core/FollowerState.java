package io.varve.raft.core;

/**
 * A follower (§5.2): it answers leaders and candidates, and starts a pre-vote when it has heard from
 * no leader for its randomized election timeout. It remembers when it last heard from its leader,
 * so that it refuses (pre-)votes while that leader may still be alive (leader stickiness).
 */
final class FollowerState extends RoleState {

    private int leaderId;
    private long electionDeadlineNs;
    private long lastLeaderContactNs;

    FollowerState(int leaderId, long electionDeadlineNs, long lastLeaderContactNs) {
        this.leaderId = leaderId;
        this.electionDeadlineNs = electionDeadlineNs;
        this.lastLeaderContactNs = lastLeaderContactNs;
    }

    @Override
    RaftStatus.Role role() {
        return RaftStatus.Role.FOLLOWER;
    }

    @Override
    int leaderId() {
        return leaderId;
    }

    long electionDeadlineNs() {
        return electionDeadlineNs;
    }

    /** A message from the leader of the current term: it is alive, so wait again. */
    void onLeaderContact(int leader, long nowNs, long nextDeadlineNs) {
        leaderId = leader;
        lastLeaderContactNs = nowNs;
        electionDeadlineNs = nextDeadlineNs;
    }

    /** Granting a vote also restarts the wait (§5.2), so that the candidate has time to win. */
    void restartTimer(long nextDeadlineNs) {
        electionDeadlineNs = nextDeadlineNs;
    }

    /** Whether a leader was heard within the last (base) election timeout. */
    boolean inLease(long nowNs, long electionTimeoutNs) {
        return leaderId != RaftStatus.NO_LEADER && nowNs - lastLeaderContactNs < electionTimeoutNs;
    }
}
