package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeGroups request, v5-v6 (all flexible, one layout; v6 changes only the response).
 *
 * <pre>
 *  groups [string] | include_authorized_operations bool
 * </pre>
 */
public record DescribeGroupsRequest(List<String> groups, boolean includeAuthorizedOperations) implements ApiRequest {

    public DescribeGroupsRequest {
        groups = List.copyOf(groups);
    }

    /** Decodes a request body at {@code version}, which must lie in the DescribeGroups band. */
    public static DescribeGroupsRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.DESCRIBE_GROUPS, version);
        List<String> groups = StringArrays.read(r);
        boolean include = r.readBoolean();
        r.skipTaggedFields();
        return new DescribeGroupsRequest(groups, include);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.DESCRIBE_GROUPS, version);
        StringArrays.write(w, groups);
        w.writeBoolean(includeAuthorizedOperations).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_GROUPS;
    }

    /** Every group fails with {@code error}, with no state and no members. */
    @Override
    public DescribeGroupsResponse errorResponse(Errors error) {
        List<DescribeGroupsResponse.DescribedGroup> out = new ArrayList<>(groups.size());
        for (String g : groups) {
            out.add(DescribeGroupsResponse.DescribedGroup.error(g, error));
        }
        return new DescribeGroupsResponse(0, out);
    }
}
