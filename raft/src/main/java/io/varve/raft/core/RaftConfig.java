package io.varve.raft.core;

import java.util.Set;

/**
 * The core's settings; immutable.
 *
 * @param nodeId               this node's id
 * @param voters               ids of every voter, this node included when it votes
 * @param electionTimeoutMs    base election timeout; each wait is drawn from [t, 2t)
 * @param heartbeatIntervalMs  how often a leader sends AppendRequest to an idle follower
 * @param maxAppendBytes       batching limit of one AppendRequest
 * @param maxInflightAppends   pipelining: AppendRequests in flight per follower before waiting
 */
public record RaftConfig(int nodeId, Set<Integer> voters, int electionTimeoutMs, int heartbeatIntervalMs,
                         int maxAppendBytes, int maxInflightAppends) {
    public RaftConfig {
        voters = Set.copyOf(voters);
        if (electionTimeoutMs <= heartbeatIntervalMs || heartbeatIntervalMs <= 0) {
            throw new IllegalArgumentException("need 0 < heartbeat interval < election timeout: "
                + heartbeatIntervalMs + " / " + electionTimeoutMs);
        }
        if (maxAppendBytes <= 0 || maxInflightAppends <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
