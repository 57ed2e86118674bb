package io.varve.config;

import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;
import static io.varve.config.ConfigDef.Type.LONG;
import static io.varve.config.ConfigDef.Type.STRING;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every Varve client shares: where the cluster is, how connections are opened, kept and
 * retried, and the limits on requests in flight and response sizes. Names and defaults are Kafka's,
 * except the two Varve-specific limits {@value #MAX_RESPONSE_BYTES} and
 * {@value #MAX_QUEUED_REQUESTS_PER_CONNECTION}.
 *
 * <p>The producer, consumer and admin configs compose this one rather than extend it: each parses
 * the same properties map with its own {@link ConfigDef} for its own keys and holds a
 * {@code ClientConfig} built by {@link #from(Map)} for the shared ones. A definition ignores keys it
 * does not know, so one map serves both.
 *
 * <p>Immutable and validated at construction; thread-safe.
 */
public final class ClientConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String RECONNECT_BACKOFF_MS = "reconnect.backoff.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    public static final String SOCKET_CONNECTION_SETUP_TIMEOUT_MS = "socket.connection.setup.timeout.ms";
    public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "max.in.flight.requests.per.connection";
    public static final String RECEIVE_BUFFER_BYTES = "receive.buffer.bytes";
    public static final String SEND_BUFFER_BYTES = "send.buffer.bytes";
    public static final String MAX_RESPONSE_BYTES = "max.response.bytes";
    public static final String MAX_QUEUED_REQUESTS_PER_CONNECTION = "max.queued.requests.per.connection";

    public static final ConfigDef DEF = new ConfigDef("Clients (shared)")
        .define(BOOTSTRAP_SERVERS, LIST, null, "host:port list",
            "Comma-separated brokers to fetch the first metadata from; the client then talks to the brokers that metadata names.")
        .define(CLIENT_ID, STRING, "", null,
            "Name sent in every request header, for the broker's logs and quotas.")
        .define(REQUEST_TIMEOUT_MS, INT, 30_000, "ms", 1L, null,
            "Time a request may wait for its response, counted from the call that sends it; past it the request fails "
                + "and its connection is closed, since later responses could no longer be matched.")
        .define(RECONNECT_BACKOFF_MS, LONG, 50L, "ms", 0L, null,
            "Wait before reconnecting to a broker after a connection failed; doubles with each consecutive failure, with 20% jitter.")
        .define(RECONNECT_BACKOFF_MAX_MS, LONG, 1_000L, "ms", 0L, null,
            "Cap on the reconnect backoff; below reconnect.backoff.ms the backoff stays at reconnect.backoff.ms.")
        .define(RETRY_BACKOFF_MS, LONG, 100L, "ms", 0L, null,
            "Wait before retrying a failed request (metadata refresh, produce, fetch); doubles per retry, with 20% jitter.")
        .define(RETRY_BACKOFF_MAX_MS, LONG, 1_000L, "ms", 0L, null,
            "Cap on the retry backoff; below retry.backoff.ms the backoff stays at retry.backoff.ms.")
        .define(CONNECTIONS_MAX_IDLE_MS, LONG, 540_000L, "ms", 1L, null,
            "A connection with nothing in flight or queued for this long is closed; the next request reopens it.")
        .define(METADATA_MAX_AGE_MS, LONG, 300_000L, "ms", 0L, null,
            "Age after which cluster metadata is refreshed even when nothing asked for it.")
        .define(SOCKET_CONNECTION_SETUP_TIMEOUT_MS, LONG, 10_000L, "ms", 1L, (long) Integer.MAX_VALUE,
            "Time from starting to connect until the connection is ready (TCP connected and ApiVersions answered); "
                + "past it the attempt fails and backs off.")
        .define(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, INT, 5, "requests", 1L, 1_000L,
            "Requests sent on one connection and not yet answered; further requests wait in the connection's queue.")
        .define(RECEIVE_BUFFER_BYTES, INT, -1, "bytes", -1L, null,
            "TCP receive buffer (SO_RCVBUF); -1 leaves the operating system's default.")
        .define(SEND_BUFFER_BYTES, INT, -1, "bytes", -1L, null,
            "TCP send buffer (SO_SNDBUF); -1 leaves the operating system's default.")
        .define(MAX_RESPONSE_BYTES, INT, 100 * 1024 * 1024, "bytes", 1_024L, null,
            "Varve: largest response frame the client accepts; a larger one fails the connection before anything is "
                + "allocated for it. Must exceed the largest fetch response asked for (fetch.max.bytes plus overhead).")
        .define(MAX_QUEUED_REQUESTS_PER_CONNECTION, INT, 1_000, "requests", 0L, 1_000_000L,
            "Varve: requests that may wait for a connection (to open, or for an in-flight slot) beyond those in flight; "
                + "when full, a send fails at once as back-pressure instead of queueing without bound.");

    private final List<String> bootstrapServers;
    private final List<InetSocketAddress> bootstrapAddresses;
    private final String clientId;
    private final int requestTimeoutMs;
    private final long reconnectBackoffMs;
    private final long reconnectBackoffMaxMs;
    private final long retryBackoffMs;
    private final long retryBackoffMaxMs;
    private final long connectionsMaxIdleMs;
    private final long metadataMaxAgeMs;
    private final long socketConnectionSetupTimeoutMs;
    private final int maxInFlightRequestsPerConnection;
    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final int maxResponseBytes;
    private final int maxQueuedRequestsPerConnection;

    private ClientConfig(ConfigDef.Values v) {
        this.bootstrapServers = v.getList(BOOTSTRAP_SERVERS);
        this.bootstrapAddresses = parseAddresses(bootstrapServers);
        this.clientId = v.getString(CLIENT_ID);
        this.requestTimeoutMs = v.getInt(REQUEST_TIMEOUT_MS);
        this.reconnectBackoffMs = v.getLong(RECONNECT_BACKOFF_MS);
        this.reconnectBackoffMaxMs = v.getLong(RECONNECT_BACKOFF_MAX_MS);
        this.retryBackoffMs = v.getLong(RETRY_BACKOFF_MS);
        this.retryBackoffMaxMs = v.getLong(RETRY_BACKOFF_MAX_MS);
        this.connectionsMaxIdleMs = v.getLong(CONNECTIONS_MAX_IDLE_MS);
        this.metadataMaxAgeMs = v.getLong(METADATA_MAX_AGE_MS);
        this.socketConnectionSetupTimeoutMs = v.getLong(SOCKET_CONNECTION_SETUP_TIMEOUT_MS);
        this.maxInFlightRequestsPerConnection = v.getInt(MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        this.receiveBufferBytes = v.getInt(RECEIVE_BUFFER_BYTES);
        this.sendBufferBytes = v.getInt(SEND_BUFFER_BYTES);
        this.maxResponseBytes = v.getInt(MAX_RESPONSE_BYTES);
        this.maxQueuedRequestsPerConnection = v.getInt(MAX_QUEUED_REQUESTS_PER_CONNECTION);
    }

    /**
     * Builds the shared client config from properties (strings or typed values).
     *
     * @throws ConfigException naming the first property that is missing, malformed or out of range
     */
    public static ClientConfig from(Map<String, ?> props) {
        return new ClientConfig(DEF.parse(props));
    }

    /**
     * Parses {@code host:port} entries; an IPv6 literal is written in brackets ({@code [::1]:9092}).
     * The addresses are left unresolved: names are resolved when a connection is opened.
     */
    private static List<InetSocketAddress> parseAddresses(List<String> servers) {
        if (servers.isEmpty()) {
            throw new ConfigException(BOOTSTRAP_SERVERS, servers, "needs at least one host:port");
        }
        List<InetSocketAddress> out = new ArrayList<>(servers.size());
        for (String server : servers) {
            int colon = server.lastIndexOf(':');
            if (colon <= 0 || colon == server.length() - 1) {
                throw new ConfigException(BOOTSTRAP_SERVERS, server, "expected host:port");
            }
            String host = server.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(server.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(BOOTSTRAP_SERVERS, server, "port is not a number");
            }
            if (host.isBlank() || port < 1 || port > 65_535) {
                throw new ConfigException(BOOTSTRAP_SERVERS, server, "expected host:port with a port in [1, 65535]");
            }
            out.add(InetSocketAddress.createUnresolved(host, port));
        }
        return List.copyOf(out);
    }

    /** The entries of {@code bootstrap.servers}, as written. */
    public List<String> bootstrapServers() {
        return bootstrapServers;
    }

    /** The entries of {@code bootstrap.servers}, parsed and unresolved, in the order written. */
    public List<InetSocketAddress> bootstrapAddresses() {
        return bootstrapAddresses;
    }

    public String clientId() {
        return clientId;
    }

    public int requestTimeoutMs() {
        return requestTimeoutMs;
    }

    public long reconnectBackoffMs() {
        return reconnectBackoffMs;
    }

    public long reconnectBackoffMaxMs() {
        return reconnectBackoffMaxMs;
    }

    public long retryBackoffMs() {
        return retryBackoffMs;
    }

    public long retryBackoffMaxMs() {
        return retryBackoffMaxMs;
    }

    public long connectionsMaxIdleMs() {
        return connectionsMaxIdleMs;
    }

    public long metadataMaxAgeMs() {
        return metadataMaxAgeMs;
    }

    public long socketConnectionSetupTimeoutMs() {
        return socketConnectionSetupTimeoutMs;
    }

    public int maxInFlightRequestsPerConnection() {
        return maxInFlightRequestsPerConnection;
    }

    /** SO_RCVBUF, or -1 for the operating system's default. */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /** SO_SNDBUF, or -1 for the operating system's default. */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    public int maxQueuedRequestsPerConnection() {
        return maxQueuedRequestsPerConnection;
    }
}
