package io.varve.client.requests;

import io.varve.client.RequestBuilder;
import io.varve.protocol.generated.LeaveGroupRequest;
import java.util.List;

/**
 * LeaveGroup for one dynamic member at every version: below v3 the member id is a top-level field,
 * from v3 the request lists members (KIP-345), and from v5 each carries a reason (ignorable, so
 * dropped below). Stateless.
 */
public final class LeaveGroups {

    private LeaveGroups() {
    }

    /** {@code memberId} leaves {@code groupId}, saying {@code reason} where the version can. */
    public static RequestBuilder request(String groupId, String memberId, String reason) {
        return version -> version >= 3
            ? LeaveGroupRequest.builder().groupId(groupId).members(List.of(LeaveGroupRequest.MemberIdentity.builder()
                .memberId(memberId).reason(reason).build())).build()
            : LeaveGroupRequest.builder().groupId(groupId).memberId(memberId).build();
    }
}
