package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * DeleteGroups request, v2 (flexible).
 *
 * <pre>
 *  groups_names [string]
 * </pre>
 */
public record DeleteGroupsRequest(List<String> groupsNames) implements ApiRequest {

    public DeleteGroupsRequest {
        groupsNames = List.copyOf(groupsNames);
    }

    /** Decodes a request body at {@code version}, which must lie in the DeleteGroups band. */
    public static DeleteGroupsRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.DELETE_GROUPS, version);
        List<String> names = StringArrays.read(r);
        r.skipTaggedFields();
        return new DeleteGroupsRequest(names);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.DELETE_GROUPS, version);
        StringArrays.write(w, groupsNames);
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DELETE_GROUPS;
    }

    @Override
    public DeleteGroupsResponse errorResponse(Errors error) {
        List<DeleteGroupsResponse.Result> out = new ArrayList<>(groupsNames.size());
        for (String g : groupsNames) {
            out.add(new DeleteGroupsResponse.Result(g, error.code));
        }
        return new DeleteGroupsResponse(0, out);
    }
}
