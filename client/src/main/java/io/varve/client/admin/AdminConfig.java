package io.varve.client.admin;

import static io.varve.config.ConfigDef.Type.INT;

import io.varve.config.ClientConfig;
import io.varve.config.ConfigDef;
import java.util.Map;

/**
 * The admin client's configuration: the shared {@link ClientConfig} plus the admin's own keys,
 * parsed from one properties map with Kafka's names. Immutable and validated at construction;
 * thread-safe.
 */
public final class AdminConfig {

    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";

    public static final ConfigDef DEF = new ConfigDef("Admin client")
        .define(DEFAULT_API_TIMEOUT_MS, INT, 60_000, "ms", 1L, null,
            "Time an admin operation may take in all, retries included; past it the operation fails with REQUEST_TIMED_OUT.");

    private final ClientConfig client;
    private final int defaultApiTimeoutMs;

    private AdminConfig(ClientConfig client, ConfigDef.Values values) {
        this.client = client;
        this.defaultApiTimeoutMs = values.getInt(DEFAULT_API_TIMEOUT_MS);
    }

    /**
     * Builds the config from properties (strings or typed values); keys neither definition knows are ignored.
     *
     * @throws io.varve.config.ConfigException naming the first property that is missing, malformed or out of range
     */
    public static AdminConfig from(Map<String, ?> props) {
        return new AdminConfig(ClientConfig.from(props), DEF.parse(props));
    }

    public ClientConfig client() {
        return client;
    }

    public int defaultApiTimeoutMs() {
        return defaultApiTimeoutMs;
    }
}
