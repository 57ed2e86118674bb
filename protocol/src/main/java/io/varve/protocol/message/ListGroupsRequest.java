package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.List;

/**
 * ListGroups request, v3-v5 (all flexible). v4 adds the states filter, v5 the types filter.
 *
 * <pre>
 *  states_filter [string] (v4+) | types_filter [string] (v5+)
 * </pre>
 *
 * @param statesFilter empty for every state (always empty before v4)
 * @param typesFilter  empty for every type (always empty before v5)
 */
public record ListGroupsRequest(List<String> statesFilter, List<String> typesFilter) implements ApiRequest {

    public ListGroupsRequest {
        statesFilter = List.copyOf(statesFilter);
        typesFilter = List.copyOf(typesFilter);
    }

    /** Decodes a request body at {@code version}, which must lie in the ListGroups band. */
    public static ListGroupsRequest read(ProtocolReader r, short version) {
        StringArrays.checkVersion(ApiKey.LIST_GROUPS, version);
        List<String> states = version >= 4 ? StringArrays.read(r) : List.of();
        List<String> types = version >= 5 ? StringArrays.read(r) : List.of();
        r.skipTaggedFields();
        return new ListGroupsRequest(states, types);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        StringArrays.checkVersion(ApiKey.LIST_GROUPS, version);
        if (version >= 4) {
            StringArrays.write(w, statesFilter);
        }
        if (version >= 5) {
            StringArrays.write(w, typesFilter);
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    public ListGroupsResponse errorResponse(Errors error) {
        return new ListGroupsResponse(0, error.code, List.of());
    }
}
