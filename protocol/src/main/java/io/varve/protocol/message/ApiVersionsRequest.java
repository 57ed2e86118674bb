package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.List;

/**
 * ApiVersions request, v0-v4. v3+ names the client software (flexible encoding).
 *
 * @param clientSoftwareName    v3+, else empty
 * @param clientSoftwareVersion v3+, else empty
 */
public record ApiVersionsRequest(String clientSoftwareName, String clientSoftwareVersion) implements ApiRequest {

    public static ApiVersionsRequest read(ProtocolReader r, short version) {
        String name = "";
        String softwareVersion = "";
        if (version >= 3) {
            name = r.readString(true);
            softwareVersion = r.readString(true);
            r.skipTaggedFields();
        }
        return new ApiVersionsRequest(name, softwareVersion);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        if (version >= 3) {
            w.writeString(clientSoftwareName, true).writeString(clientSoftwareVersion, true).writeEmptyTaggedFields();
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }

    @Override
    public ApiVersionsResponse errorResponse(Errors error) {
        return new ApiVersionsResponse(error.code, List.of(), 0, List.of(), -1L, List.of());
    }
}
