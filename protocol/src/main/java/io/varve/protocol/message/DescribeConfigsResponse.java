package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeConfigs response, v4 only (flexible).
 *
 * <pre>
 *  throttle_time_ms int32
 *  results [error_code int16, error_message nullable, resource_type int8, resource_name string,
 *           configs [name, value nullable, read_only bool, config_source int8, is_sensitive bool,
 *                    synonyms [name, value nullable, source int8],
 *                    config_type int8, documentation nullable]]
 * </pre>
 *
 * @param results one result per requested resource
 */
public record DescribeConfigsResponse(int throttleTimeMs, List<DescribeConfigsResult> results) implements ApiResponse {

    public DescribeConfigsResponse {
        results = List.copyOf(results);
    }

    /** The configs of one resource; {@code errorMessage} is null when there is none. */
    public record DescribeConfigsResult(short errorCode, String errorMessage, byte resourceType, String resourceName,
            List<DescribeConfigsResourceResult> configs) {
        public DescribeConfigsResult {
            configs = List.copyOf(configs);
        }
    }

    /**
     * One config entry.
     *
     * @param value         null for sensitive or unset values
     * @param configSource  Kafka's ConfigSource id (1 dynamic topic, 5 static broker, 5 default, ...; -1 unknown)
     * @param synonyms      where the value comes from, in precedence order, when synonyms were asked for
     * @param configType    Kafka's ConfigType id (0 unknown, 1 boolean, 2 string, 3 int, ...)
     * @param documentation null unless documentation was asked for
     */
    public record DescribeConfigsResourceResult(String name, String value, boolean readOnly, byte configSource,
            boolean isSensitive, List<DescribeConfigsSynonym> synonyms, byte configType, String documentation) {
        public DescribeConfigsResourceResult {
            synonyms = List.copyOf(synonyms);
        }
    }

    /** One synonym of a config: a name at another level and its value there. */
    public record DescribeConfigsSynonym(String name, String value, byte source) {
    }

    /** Decodes a response body at {@code version}, which must lie in the DescribeConfigs band. */
    public static DescribeConfigsResponse read(ProtocolReader r, short version) {
        DescribeConfigsRequest.checkVersion(version);
        int throttleTimeMs = r.readInt32();
        int n = r.readNonNullArrayLength(true);
        List<DescribeConfigsResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            short errorCode = r.readInt16();
            String errorMessage = r.readNullableString(true);
            byte type = r.readInt8();
            String name = r.readString(true);
            int c = r.readNonNullArrayLength(true);
            List<DescribeConfigsResourceResult> configs = new ArrayList<>(c);
            for (int j = 0; j < c; j++) {
                configs.add(readConfig(r));
            }
            r.skipTaggedFields();
            results.add(new DescribeConfigsResult(errorCode, errorMessage, type, name, configs));
        }
        r.skipTaggedFields();
        return new DescribeConfigsResponse(throttleTimeMs, results);
    }

    private static DescribeConfigsResourceResult readConfig(ProtocolReader r) {
        String name = r.readString(true);
        String value = r.readNullableString(true);
        boolean readOnly = r.readBoolean();
        byte source = r.readInt8();
        boolean sensitive = r.readBoolean();
        int s = r.readNonNullArrayLength(true);
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>(s);
        for (int i = 0; i < s; i++) {
            synonyms.add(new DescribeConfigsSynonym(r.readString(true), r.readNullableString(true), r.readInt8()));
            r.skipTaggedFields();
        }
        byte configType = r.readInt8();
        String documentation = r.readNullableString(true);
        r.skipTaggedFields();
        return new DescribeConfigsResourceResult(name, value, readOnly, source, sensitive, synonyms, configType,
                documentation);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        DescribeConfigsRequest.checkVersion(version);
        w.writeInt32(throttleTimeMs).writeArrayLength(results.size(), true);
        for (DescribeConfigsResult res : results) {
            w.writeInt16(res.errorCode).writeNullableString(res.errorMessage, true).writeInt8(res.resourceType)
                    .writeString(res.resourceName, true).writeArrayLength(res.configs.size(), true);
            for (DescribeConfigsResourceResult c : res.configs) {
                w.writeString(c.name, true).writeNullableString(c.value, true).writeBoolean(c.readOnly)
                        .writeInt8(c.configSource).writeBoolean(c.isSensitive)
                        .writeArrayLength(c.synonyms.size(), true);
                for (DescribeConfigsSynonym syn : c.synonyms) {
                    w.writeString(syn.name, true).writeNullableString(syn.value, true).writeInt8(syn.source)
                            .writeEmptyTaggedFields();
                }
                w.writeInt8(c.configType).writeNullableString(c.documentation, true).writeEmptyTaggedFields();
            }
            w.writeEmptyTaggedFields();
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.DESCRIBE_CONFIGS;
    }
}
