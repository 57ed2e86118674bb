package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeConfigs request, v4 only (flexible).
 *
 * <pre>
 *  resources [resource_type int8, resource_name string, configuration_keys nullable [string]]
 *  include_synonyms bool | include_documentation bool
 * </pre>
 *
 * @param resources the resources (topics, brokers, ...) whose configs are asked for
 */
public record DescribeConfigsRequest(List<DescribeConfigsResource> resources, boolean includeSynonyms,
        boolean includeDocumentation) implements ApiRequest {

    public DescribeConfigsRequest {
        resources = List.copyOf(resources);
    }

    /**
     * One resource.
     *
     * @param resourceType      Kafka's ConfigResource.Type id (2 topic, 4 broker, 8 broker logger, ...)
     * @param configurationKeys the keys to list, or null for all of them
     */
    public record DescribeConfigsResource(byte resourceType, String resourceName, List<String> configurationKeys) {
        public DescribeConfigsResource {
            configurationKeys = configurationKeys == null ? null : List.copyOf(configurationKeys);
        }
    }

    /** Decodes a request body at {@code version}, which must lie in the DescribeConfigs band. */
    public static DescribeConfigsRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        int n = r.readNonNullArrayLength(true);
        List<DescribeConfigsResource> resources = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte type = r.readInt8();
            String name = r.readString(true);
            int k = r.readArrayLength(true);
            List<String> keys = k < 0 ? null : new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                keys.add(r.readString(true));
            }
            r.skipTaggedFields();
            resources.add(new DescribeConfigsResource(type, name, keys));
        }
        boolean includeSynonyms = r.readBoolean();
        boolean includeDocumentation = r.readBoolean();
        r.skipTaggedFields();
        return new DescribeConfigsRequest(resources, includeSynonyms, includeDocumentation);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        checkVersion(version);
        w.writeArrayLength(resources.size(), true);
        for (DescribeConfigsResource res : resources) {
            w.writeInt8(res.resourceType).writeString(res.resourceName, true);
            if (res.configurationKeys == null) {
                w.writeArrayLength(-1, true);
            } else {
                w.writeArrayLength(res.configurationKeys.size(), true);
                for (String key : res.configurationKeys) {
                    w.writeString(key, true);
                }
            }
            w.writeEmptyTaggedFields();
        }
        w.writeBoolean(includeSynonyms).writeBoolean(includeDocumentation).writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CONFIGS;
    }

    /** Every resource fails with {@code error} and lists no configs. */
    @Override
    public DescribeConfigsResponse errorResponse(Errors error) {
        List<DescribeConfigsResponse.DescribeConfigsResult> results = new ArrayList<>(resources.size());
        for (DescribeConfigsResource res : resources) {
            results.add(new DescribeConfigsResponse.DescribeConfigsResult(error.code, null, res.resourceType,
                    res.resourceName, List.of()));
        }
        return new DescribeConfigsResponse(0, results);
    }

    static void checkVersion(short version) {
        if (!ApiKey.DESCRIBE_CONFIGS.isVersionSupported(version)) {
            throw new IllegalArgumentException("DescribeConfigs v" + version + " is outside the supported band");
        }
    }
}
