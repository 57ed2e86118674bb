package io.varve.config;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;
import static io.varve.config.ConfigDef.Type.LONG;
import static io.varve.config.ConfigDef.Type.STRING;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a node is and how its network edge behaves: its id and roles, the listeners it binds and
 * advertises, the limits on connections and requests, and the defaults of topics it creates.
 * Property names are Kafka's, except {@code connection.max.inflight.requests}, which Kafka lacks
 * because it serves one request per connection at a time (Varve pipelines them up to that bound), and
 * {@code connections.first.request.timeout.ms}, which bounds how long a silent socket holds a
 * connection slot. {@code queued.max.request.bytes} is Kafka's, with a bounded default.
 * The largest record batch ({@code message.max.bytes}) belongs to {@link LogConfig}.
 *
 * <p>Immutable and validated at construction; thread-safe.
 */
public final class BrokerConfig {

    public static final String NODE_ID = "node.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String MAX_CONNECTIONS_PER_IP_OVERRIDES = "max.connections.per.ip.overrides";
    public static final String CONNECTIONS_FIRST_REQUEST_TIMEOUT_MS = "connections.first.request.timeout.ms";
    public static final String QUEUED_MAX_REQUEST_BYTES = "queued.max.request.bytes";
    public static final String CONNECTION_MAX_INFLIGHT_REQUESTS = "connection.max.inflight.requests";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String METADATA_LOG_DIR = "metadata.log.dir";

    /** The roles a node may play. */
    public enum Role { BROKER, CONTROLLER }

    /** The smallest request limit we accept: room for a request header and a small body. */
    public static final int MIN_SOCKET_REQUEST_MAX_BYTES = 64;

    /** {@code queued.max.request.bytes} meaning no bound (Kafka's default). */
    public static final long UNBOUNDED_QUEUED_REQUEST_BYTES = -1L;

    public static final ConfigDef DEF = new ConfigDef("Broker and network")
        .define(NODE_ID, INT, 1, null, 0L, (long) Integer.MAX_VALUE,
            "This node's id, unique in the cluster; a combined node uses it as broker and as controller.")
        .define(PROCESS_ROLES, LIST, List.of("broker", "controller"), "roles",
            "broker, controller, or both: both in one process is a cluster of one with a one-voter quorum.")
        .define(LISTENERS, LIST, List.of("PLAINTEXT://127.0.0.1:9092"), "NAME://host:port",
            "Listeners to bind, comma-separated, names unique. An empty host binds every interface;"
                + " port 0 takes a free port, reported once bound. Every listener is plaintext.")
        .define(ADVERTISED_LISTENERS, LIST, List.of(), "NAME://host:port",
            "Addresses given to clients in metadata, each naming a listener. Empty: the listeners"
                + " themselves, less the controller listeners.")
        .define(CONTROLLER_LISTENER_NAMES, LIST, List.of(), "names",
            "Listeners that carry controller RPCs only and are never advertised to clients; each must be"
                + " in listeners. Empty: the controller is reached in-process (a one-node cluster).")
        .define(SOCKET_REQUEST_MAX_BYTES, INT, 100 * 1024 * 1024, "bytes",
            (long) MIN_SOCKET_REQUEST_MAX_BYTES, (long) Integer.MAX_VALUE,
            "Largest request frame accepted; a larger or negative size prefix closes the connection"
                + " before anything is allocated.")
        .define(MAX_CONNECTIONS, INT, 1000, "connections", 1L, (long) Integer.MAX_VALUE,
            "Open connections allowed over the client listeners together; one more is closed as soon as it is"
                + " accepted. The controller listeners (controller.listener.names) have a budget of their own of the"
                + " same size, so client connections can never lock brokers and voters out (Kafka exempts its"
                + " inter-broker and controller listeners the same way, KIP-402).")
        .define(MAX_CONNECTIONS_PER_IP, INT, Integer.MAX_VALUE, "connections", 0L, (long) Integer.MAX_VALUE,
            "Open connections allowed from one remote address, counted like max.connections (client listeners"
                + " together, controller listeners apart); one more is closed as soon as it is accepted. 0 refuses"
                + " every address not named in max.connections.per.ip.overrides, which must then be set.")
        .define(MAX_CONNECTIONS_PER_IP_OVERRIDES, LIST, List.of(), "host:count",
            "Exceptions to max.connections.per.ip, comma-separated, e.g. 10.0.0.7:200,broker-2.example.com:50;"
                + " a host name is resolved once, when the listeners are bound.")
        .define(CONNECTIONS_FIRST_REQUEST_TIMEOUT_MS, LONG, 10_000L, "ms", 1L, null,
            "A connection that has not sent one complete request this long after it was accepted is closed."
                + " Varve-specific: Kafka has no such bound, so sockets that connect and never send a byte hold a"
                + " max.connections slot for connections.max.idle.ms (10 min). Kafka clients send ApiVersions as soon"
                + " as they connect; 10 s matches their own socket.connection.setup.timeout.ms.")
        .define(QUEUED_MAX_REQUEST_BYTES, LONG, 512L * 1024 * 1024, "bytes", UNBOUNDED_QUEUED_REQUEST_BYTES, null,
            "Bytes of request frames the client listeners hold at once over all connections: frames partly received,"
                + " and whole ones waiting while their connection is at connection.max.inflight.requests. Past it, a"
                + " connection holding part of a frame is not read until bytes are freed, except one at a time that"
                + " may finish its frame; nothing is allocated for a frame before its bytes arrive. The controller"
                + " listeners have a budget of their own of the same size. -1: unbounded (Kafka's default), 0 is refused."
                + " Varve's default is half of the 1 GiB heap the launcher gives the JVM, which is also the JVM's"
                + " default cap on direct memory, where request frames live.")
        .define(CONNECTION_MAX_INFLIGHT_REQUESTS, INT, 32, "requests", 1L, 1024L,
            "Requests of one connection received but not yet answered (response written) before the broker"
                + " stops reading from it; reading resumes as responses are written. Varve-specific: covers"
                + " pipelining clients (5 in flight by default) with room to spare while bounding the memory"
                + " one connection can hold.")
        .define(CONNECTIONS_MAX_IDLE_MS, LONG, 600_000L, "ms", 1L, null,
            "A connection with no reads or writes for this long is closed.")
        .define(NUM_NETWORK_THREADS, INT, 0, "threads", 0L, 256L,
            "Event-loop threads that do network I/O and decoding; 0 means one per available processor.")
        .define(AUTO_CREATE_TOPICS_ENABLE, BOOLEAN, true, null,
            "Whether a Metadata request naming an unknown topic creates it with num.partitions and default.replication.factor (see Controller).")
        .define(FETCH_MAX_BYTES, INT, 55 * 1024 * 1024, "bytes", 1024L, (long) Integer.MAX_VALUE,
            "Most bytes one fetch response carries, whatever the request asks.")
        .define(METADATA_LOG_DIR, STRING, "", "path",
            "Directory of the metadata log (__cluster_metadata-0) and of the node's cluster.id; empty means"
                + " the first of log.dirs. Formatted with a new cluster id on first start.");

    private final int nodeId;
    private final Set<Role> processRoles;
    private final List<Listener> listeners;
    private final List<Listener> advertisedListeners;
    private final List<String> controllerListenerNames;
    private final int socketRequestMaxBytes;
    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final Map<String, Integer> maxConnectionsPerIpOverrides;
    private final long connectionsFirstRequestTimeoutMs;
    private final long queuedMaxRequestBytes;
    private final int connectionMaxInflightRequests;
    private final long connectionsMaxIdleMs;
    private final int numNetworkThreads;
    private final boolean autoCreateTopicsEnable;
    private final int fetchMaxBytes;
    private final String metadataLogDir;

    private BrokerConfig(ConfigDef.Values v) {
        this.nodeId = v.getInt(NODE_ID);
        this.processRoles = parseRoles(v.getList(PROCESS_ROLES));
        this.listeners = parseListeners(LISTENERS, v.getList(LISTENERS));
        if (listeners.isEmpty()) {
            throw new ConfigException(LISTENERS, "", "needs at least one listener");
        }
        Set<String> names = new HashSet<>();
        for (Listener l : listeners) {
            names.add(l.name());
        }
        this.controllerListenerNames = v.getList(CONTROLLER_LISTENER_NAMES).stream()
            .map(s -> s.toUpperCase(Locale.ROOT)).toList();
        for (String name : controllerListenerNames) {
            if (!names.contains(name)) {
                throw new ConfigException(CONTROLLER_LISTENER_NAMES, name, "is not one of the listeners");
            }
        }
        List<Listener> advertised = parseListeners(ADVERTISED_LISTENERS, v.getList(ADVERTISED_LISTENERS));
        if (advertised.isEmpty()) {
            advertised = listeners.stream().filter(l -> !controllerListenerNames.contains(l.name())).toList();
        }
        for (Listener l : advertised) {
            if (!names.contains(l.name())) {
                throw new ConfigException(ADVERTISED_LISTENERS, l, "names no listener");
            }
            if (controllerListenerNames.contains(l.name())) {
                throw new ConfigException(ADVERTISED_LISTENERS, l, "controller listeners are never advertised");
            }
        }
        this.advertisedListeners = advertised;
        this.socketRequestMaxBytes = v.getInt(SOCKET_REQUEST_MAX_BYTES);
        this.maxConnections = v.getInt(MAX_CONNECTIONS);
        this.maxConnectionsPerIp = v.getInt(MAX_CONNECTIONS_PER_IP);
        this.maxConnectionsPerIpOverrides = parseOverrides(v.getList(MAX_CONNECTIONS_PER_IP_OVERRIDES));
        if (maxConnectionsPerIp == 0 && maxConnectionsPerIpOverrides.isEmpty()) {
            throw new ConfigException(MAX_CONNECTIONS_PER_IP, 0, "may be 0 only when "
                + MAX_CONNECTIONS_PER_IP_OVERRIDES + " names the addresses allowed in");
        }
        this.connectionsFirstRequestTimeoutMs = v.getLong(CONNECTIONS_FIRST_REQUEST_TIMEOUT_MS);
        this.queuedMaxRequestBytes = v.getLong(QUEUED_MAX_REQUEST_BYTES);
        if (queuedMaxRequestBytes == 0) {
            throw new ConfigException(QUEUED_MAX_REQUEST_BYTES, 0, "must be -1 (unbounded) or positive");
        }
        this.connectionMaxInflightRequests = v.getInt(CONNECTION_MAX_INFLIGHT_REQUESTS);
        this.connectionsMaxIdleMs = v.getLong(CONNECTIONS_MAX_IDLE_MS);
        this.numNetworkThreads = v.getInt(NUM_NETWORK_THREADS);
        this.autoCreateTopicsEnable = v.getBoolean(AUTO_CREATE_TOPICS_ENABLE);
        this.fetchMaxBytes = v.getInt(FETCH_MAX_BYTES);
        this.metadataLogDir = v.getString(METADATA_LOG_DIR).trim();
    }

    /** Builds a config from properties; unknown names are ignored, missing ones take their default. */
    public static BrokerConfig from(Map<String, ?> props) {
        return new BrokerConfig(DEF.parse(props));
    }

    /** Every property at its default. */
    public static BrokerConfig defaults() {
        return from(Map.of());
    }

    private static Set<Role> parseRoles(List<String> raw) {
        if (raw.isEmpty()) {
            throw new ConfigException(PROCESS_ROLES, "", "needs broker, controller or both");
        }
        Set<Role> roles = new LinkedHashSet<>();
        for (String s : raw) {
            Role role;
            try {
                role = Role.valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PROCESS_ROLES, s, "expected broker or controller");
            }
            if (!roles.add(role)) {
                throw new ConfigException(PROCESS_ROLES, raw, "names " + s + " twice");
            }
        }
        return Set.copyOf(roles);
    }

    /** {@code host:count} pairs; the count follows the last colon, so an IPv6 literal may stand as the host. */
    private static Map<String, Integer> parseOverrides(List<String> raw) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String entry : raw) {
            int colon = entry.lastIndexOf(':');
            String host = colon < 0 ? "" : entry.substring(0, colon).trim();
            int count;
            try {
                count = colon < 0 ? -1 : Integer.parseInt(entry.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (host.isEmpty() || count < 0) {
                throw new ConfigException(MAX_CONNECTIONS_PER_IP_OVERRIDES, entry, "expected host:count, count >= 0");
            }
            if (out.put(host, count) != null) {
                throw new ConfigException(MAX_CONNECTIONS_PER_IP_OVERRIDES, raw, "names " + host + " twice");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static List<Listener> parseListeners(String property, List<String> raw) {
        List<Listener> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String spec : raw) {
            Listener l = Listener.parse(property, spec);
            if (!names.add(l.name())) {
                throw new ConfigException(property, raw, "names listener " + l.name() + " twice");
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    public int nodeId() {
        return nodeId;
    }

    public Set<Role> processRoles() {
        return processRoles;
    }

    public boolean hasRole(Role role) {
        return processRoles.contains(role);
    }

    /** The listeners to bind, in configuration order. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** The listeners clients are told about; never a controller listener. */
    public List<Listener> advertisedListeners() {
        return advertisedListeners;
    }

    /** Upper-case names of the controller-only listeners. */
    public List<String> controllerListenerNames() {
        return controllerListenerNames;
    }

    public int socketRequestMaxBytes() {
        return socketRequestMaxBytes;
    }

    public int maxConnections() {
        return maxConnections;
    }

    /** Open connections allowed from one address, unless {@link #maxConnectionsPerIpOverrides()} names it. */
    public int maxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    /** Per-address exceptions to {@link #maxConnectionsPerIp()}, by host name or address as configured. */
    public Map<String, Integer> maxConnectionsPerIpOverrides() {
        return maxConnectionsPerIpOverrides;
    }

    public long connectionsFirstRequestTimeoutMs() {
        return connectionsFirstRequestTimeoutMs;
    }

    /** Bytes of request frames a listener group may hold, or {@link #UNBOUNDED_QUEUED_REQUEST_BYTES}. */
    public long queuedMaxRequestBytes() {
        return queuedMaxRequestBytes;
    }

    public int connectionMaxInflightRequests() {
        return connectionMaxInflightRequests;
    }

    public long connectionsMaxIdleMs() {
        return connectionsMaxIdleMs;
    }

    /** Configured network threads; 0 means one per available processor, resolved by the server. */
    public int numNetworkThreads() {
        return numNetworkThreads;
    }

    public boolean autoCreateTopicsEnable() {
        return autoCreateTopicsEnable;
    }

    public int fetchMaxBytes() {
        return fetchMaxBytes;
    }

    /** The configured metadata log directory, or empty for the first log directory. */
    public String metadataLogDir() {
        return metadataLogDir;
    }

    @Override
    public String toString() {
        return "BrokerConfig{nodeId=" + nodeId + ", processRoles=" + processRoles + ", listeners=" + listeners
            + ", advertisedListeners=" + advertisedListeners + ", controllerListenerNames=" + controllerListenerNames
            + ", socketRequestMaxBytes=" + socketRequestMaxBytes + ", maxConnections=" + maxConnections
            + ", maxConnectionsPerIp=" + maxConnectionsPerIp + ", maxConnectionsPerIpOverrides=" + maxConnectionsPerIpOverrides
            + ", connectionsFirstRequestTimeoutMs=" + connectionsFirstRequestTimeoutMs
            + ", queuedMaxRequestBytes=" + queuedMaxRequestBytes
            + ", connectionMaxInflightRequests=" + connectionMaxInflightRequests
            + ", connectionsMaxIdleMs=" + connectionsMaxIdleMs + ", numNetworkThreads=" + numNetworkThreads
            + ", autoCreateTopicsEnable=" + autoCreateTopicsEnable + ", fetchMaxBytes=" + fetchMaxBytes + '}';
    }
}
