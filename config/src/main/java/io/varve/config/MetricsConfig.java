package io.varve.config;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.STRING;

import java.util.Map;

/**
 * The broker's metrics endpoint: whether it runs and where it listens. The endpoint serves
 * {@code /metrics} (Prometheus text or OpenMetrics), {@code /health/live} and {@code /health/ready}
 * (see docs/metrics.md). Varve-specific names: Kafka has no built-in HTTP metrics endpoint.
 *
 * <p>Immutable and validated at construction; thread-safe.
 */
public final class MetricsConfig {

    public static final String METRICS_ENABLE = "metrics.enable";
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";

    public static final ConfigDef DEF = new ConfigDef("Metrics")
        .define(METRICS_ENABLE, BOOLEAN, true, null,
            "Whether the broker serves /metrics, /health/live and /health/ready over HTTP; false binds nothing"
                + " (meters are still kept, for embedders that read the registry).")
        .define(METRICS_HOST, STRING, "127.0.0.1", "host",
            "Address the metrics endpoint binds; empty binds every interface.")
        .define(METRICS_PORT, INT, 9644, "port", 0L, 65_535L,
            "Port of the metrics endpoint; 0 takes a free port, reported once bound.");

    private final boolean enabled;
    private final String host;
    private final int port;

    private MetricsConfig(ConfigDef.Values v) {
        this.enabled = v.getBoolean(METRICS_ENABLE);
        this.host = v.getString(METRICS_HOST).trim();
        this.port = v.getInt(METRICS_PORT);
    }

    /** Builds a config from properties; unknown names are ignored, missing ones take their default. */
    public static MetricsConfig from(Map<String, ?> props) {
        return new MetricsConfig(DEF.parse(props));
    }

    public boolean enabled() {
        return enabled;
    }

    /** The address to bind; empty means every interface. */
    public String host() {
        return host;
    }

    /** The port to bind; 0 means a free one. */
    public int port() {
        return port;
    }

    @Override
    public String toString() {
        return "MetricsConfig{enabled=" + enabled + ", host=" + host + ", port=" + port + '}';
    }
}
