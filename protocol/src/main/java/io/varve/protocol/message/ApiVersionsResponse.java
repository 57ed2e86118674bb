package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * ApiVersions response, v0-v4. v1+ adds the throttle time; v3+ is flexible and carries the feature
 * tags (0: supported features, 1: finalized features epoch, 2: finalized features, 3: ZK migration
 * ready, which Varve never sets and skips on read).
 */
public record ApiVersionsResponse(
        short errorCode,
        List<ApiVersion> apiKeys,
        int throttleTimeMs,
        List<SupportedFeature> supportedFeatures,
        long finalizedFeaturesEpoch,
        List<FinalizedFeature> finalizedFeatures) implements ApiResponse {

    /** The response a broker gives: every API in {@link ApiKey} with its supported band. */
    public static ApiVersionsResponse of(Errors error, List<SupportedFeature> features) {
        List<ApiVersion> versions = new ArrayList<>();
        for (ApiKey key : ApiKey.values()) {
            versions.add(new ApiVersion(key.id, key.minVersion, key.maxVersion));
        }
        return new ApiVersionsResponse(error.code, versions, 0, features, -1L, List.of());
    }

    public record ApiVersion(short apiKey, short minVersion, short maxVersion) {
    }

    public record SupportedFeature(String name, short minVersion, short maxVersion) {
    }

    public record FinalizedFeature(String name, short maxVersionLevel, short minVersionLevel) {
    }

    public static ApiVersionsResponse read(ProtocolReader r, short version) {
        boolean flexible = version >= 3;
        short errorCode = r.readInt16();
        int n = r.readNonNullArrayLength(flexible);
        List<ApiVersion> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(new ApiVersion(r.readInt16(), r.readInt16(), r.readInt16()));
            if (flexible) {
                r.skipTaggedFields();
            }
        }
        int throttle = version >= 1 ? r.readInt32() : 0;
        List<SupportedFeature> supported = new ArrayList<>();
        List<FinalizedFeature> finalized = new ArrayList<>();
        long[] epoch = {-1L};
        if (flexible) {
            r.readTaggedFields((tag, in) -> {
                switch (tag) {
                    case 0 -> {
                        int count = in.readNonNullArrayLength(true);
                        for (int i = 0; i < count; i++) {
                            supported.add(new SupportedFeature(in.readString(true), in.readInt16(), in.readInt16()));
                            in.skipTaggedFields();
                        }
                        return true;
                    }
                    case 1 -> {
                        epoch[0] = in.readInt64();
                        return true;
                    }
                    case 2 -> {
                        int count = in.readNonNullArrayLength(true);
                        for (int i = 0; i < count; i++) {
                            finalized.add(new FinalizedFeature(in.readString(true), in.readInt16(), in.readInt16()));
                            in.skipTaggedFields();
                        }
                        return true;
                    }
                    default -> {
                        return false;
                    }
                }
            });
        }
        return new ApiVersionsResponse(errorCode, keys, throttle, supported, epoch[0], finalized);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        boolean flexible = version >= 3;
        w.writeInt16(errorCode);
        w.writeArrayLength(apiKeys.size(), flexible);
        for (ApiVersion v : apiKeys) {
            w.writeInt16(v.apiKey).writeInt16(v.minVersion).writeInt16(v.maxVersion);
            if (flexible) {
                w.writeEmptyTaggedFields();
            }
        }
        if (version >= 1) {
            w.writeInt32(throttleTimeMs);
        }
        if (flexible) {
            int tags = (supportedFeatures.isEmpty() ? 0 : 1) + (finalizedFeaturesEpoch != -1L ? 1 : 0)
                    + (finalizedFeatures.isEmpty() ? 0 : 1);
            w.writeUnsignedVarint(tags);
            if (!supportedFeatures.isEmpty()) {
                w.writeTaggedField(0, t -> {
                    t.writeArrayLength(supportedFeatures.size(), true);
                    for (SupportedFeature f : supportedFeatures) {
                        t.writeString(f.name, true).writeInt16(f.minVersion).writeInt16(f.maxVersion).writeEmptyTaggedFields();
                    }
                });
            }
            if (finalizedFeaturesEpoch != -1L) {
                w.writeTaggedField(1, t -> t.writeInt64(finalizedFeaturesEpoch));
            }
            if (!finalizedFeatures.isEmpty()) {
                w.writeTaggedField(2, t -> {
                    t.writeArrayLength(finalizedFeatures.size(), true);
                    for (FinalizedFeature f : finalizedFeatures) {
                        t.writeString(f.name, true).writeInt16(f.maxVersionLevel).writeInt16(f.minVersionLevel)
                                .writeEmptyTaggedFields();
                    }
                });
            }
        }
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.API_VERSIONS;
    }
}
