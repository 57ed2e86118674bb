package io.varve.broker.group;

import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.SyncGroupResponse;
import java.util.List;
import java.util.function.Consumer;

/**
 * One member of a classic group, with what it is waiting for. Mutable; owned by the coordinator's
 * thread. Not thread-safe.
 */
final class GroupMember {

    String memberId;
    final String groupInstanceId;
    String clientId;
    String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<JoinGroupRequest.JoinGroupRequestProtocol> protocols;
    byte[] assignment = new byte[0];
    /** The session expires here unless the member heartbeats, joins, syncs or commits first. */
    long sessionDeadlineMs;
    /** Set while a JoinGroup of this member waits for the rebalance to complete. */
    Consumer<JoinGroupResponse> awaitingJoin;
    /** Set while a SyncGroup of this member waits for the leader's assignment. */
    Consumer<SyncGroupResponse> awaitingSync;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost, int sessionTimeoutMs,
            int rebalanceTimeoutMs, List<JoinGroupRequest.JoinGroupRequestProtocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** This member's metadata for {@code protocol}, or null when it does not support it. */
    byte[] metadata(String protocol) {
        for (JoinGroupRequest.JoinGroupRequestProtocol p : protocols) {
            if (p.name().equals(protocol)) {
                return p.metadata();
            }
        }
        return null;
    }

    boolean supports(String protocol) {
        return metadata(protocol) != null;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    void heartbeat(long nowMs) {
        sessionDeadlineMs = nowMs + sessionTimeoutMs;
    }
}
