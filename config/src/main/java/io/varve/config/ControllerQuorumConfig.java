package io.varve.config;

import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller quorum as every node sees it: who the voters are and where their controller
 * listeners are ({@code controller.quorum.voters}, Kafka's {@code id@host:port,...}), Raft's timing,
 * and how often brokers heartbeat to keep their lease (the lease itself, {@code broker.session.timeout.ms},
 * is the controller's). No voters means the embedded default:
 * one node with both roles, its own one-voter quorum, no controller listener.
 *
 * <p>Immutable and validated at construction ({@code heartbeat < election timeout},
 * {@code broker heartbeat < session timeout}); thread-safe.
 */
public final class ControllerQuorumConfig {

    public static final String VOTERS = "controller.quorum.voters";
    public static final String ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "controller.quorum.heartbeat.interval.ms";
    public static final String REQUEST_TIMEOUT_MS = "controller.quorum.request.timeout.ms";
    public static final String APPEND_MAX_BYTES = "controller.quorum.append.max.bytes";
    public static final String MAX_INFLIGHT_APPENDS = "controller.quorum.max.inflight.appends";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String SNAPSHOT_EVERY_RECORDS = "metadata.snapshot.every.records";

    public static final ConfigDef DEF = new ConfigDef("Controller quorum")
        .define(VOTERS, LIST, List.of(), "id@host:port",
            "The voters of the metadata quorum and their controller listeners, e.g. 1@127.0.0.1:9093,2@127.0.0.1:9193."
                + " Empty: this node alone is the quorum (it must have both roles). Every node of a cluster lists the same voters.")
        .define(ELECTION_TIMEOUT_MS, INT, 1000, "ms", 2L, 600_000L,
            "Base Raft election timeout: a follower that hears no leader for a random time in [t, 2t) starts a (pre-)vote.")
        .define(HEARTBEAT_INTERVAL_MS, INT, 200, "ms", 1L, 600_000L,
            "How often the Raft leader sends an append (heartbeat) to an idle follower; must be below the election timeout."
                + " Varve-specific (Kafka's followers fetch instead).")
        .define(REQUEST_TIMEOUT_MS, INT, 5000, "ms", 1L, 600_000L,
            "How long a controller command waits for its records to be committed, and a controller RPC for its answer.")
        .define(APPEND_MAX_BYTES, INT, 1024 * 1024, "bytes", 1024L, 64L * 1024 * 1024,
            "Most entry bytes in one Raft append (the first entry is always sent whole).")
        .define(MAX_INFLIGHT_APPENDS, INT, 8, "requests", 1L, 1024L,
            "Raft appends in flight to one follower before the leader waits for an answer (pipelining).")
        .define(BROKER_HEARTBEAT_INTERVAL_MS, INT, 2000, "ms", 1L, 600_000L,
            "How often a broker of a multi-voter cluster heartbeats the active controller to keep its lease"
                + " (broker.session.timeout.ms, in the Controller table); keep it well below that timeout.")
        .define(SNAPSHOT_EVERY_RECORDS, INT, 10_000, "records", 1L, (long) Integer.MAX_VALUE,
            "A voter of a multi-voter quorum writes a snapshot of the metadata image (metadata dir,"
                + " <index>-<term>.checkpoint, the newest 2 kept) and drops the Raft log below it once this many"
                + " metadata offsets were committed since its last snapshot.");

    /** A voter: its node id and the address of its controller listener. */
    public record Voter(int id, String host, int port) {
    }

    private final Map<Integer, Voter> voters;
    private final int electionTimeoutMs;
    private final int heartbeatIntervalMs;
    private final int requestTimeoutMs;
    private final int appendMaxBytes;
    private final int maxInflightAppends;
    private final int brokerHeartbeatIntervalMs;
    private final int snapshotEveryRecords;

    private ControllerQuorumConfig(ConfigDef.Values v) {
        this.voters = parseVoters(v.getList(VOTERS));
        this.electionTimeoutMs = v.getInt(ELECTION_TIMEOUT_MS);
        this.heartbeatIntervalMs = v.getInt(HEARTBEAT_INTERVAL_MS);
        if (heartbeatIntervalMs >= electionTimeoutMs) {
            throw new ConfigException(HEARTBEAT_INTERVAL_MS, heartbeatIntervalMs, "must be below " + ELECTION_TIMEOUT_MS);
        }
        this.requestTimeoutMs = v.getInt(REQUEST_TIMEOUT_MS);
        this.appendMaxBytes = v.getInt(APPEND_MAX_BYTES);
        this.maxInflightAppends = v.getInt(MAX_INFLIGHT_APPENDS);
        this.brokerHeartbeatIntervalMs = v.getInt(BROKER_HEARTBEAT_INTERVAL_MS);
        this.snapshotEveryRecords = v.getInt(SNAPSHOT_EVERY_RECORDS);
    }

    /** Builds a config from properties; unknown names are ignored, missing ones take their default. */
    public static ControllerQuorumConfig from(Map<String, ?> props) {
        return new ControllerQuorumConfig(DEF.parse(props));
    }

    private static Map<Integer, Voter> parseVoters(List<String> raw) {
        Map<Integer, Voter> out = new LinkedHashMap<>();
        for (String spec : raw) {
            int at = spec.indexOf('@');
            int colon = spec.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == spec.length() - 1) {
                throw new ConfigException(VOTERS, spec, "expected id@host:port");
            }
            int id;
            int port;
            try {
                id = Integer.parseInt(spec.substring(0, at));
                port = Integer.parseInt(spec.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException(VOTERS, spec, "expected id@host:port with numbers for id and port");
            }
            if (id < 0 || port < 1 || port > 65535) {
                throw new ConfigException(VOTERS, spec, "id must be >= 0 and port in [1, 65535]");
            }
            if (out.put(id, new Voter(id, spec.substring(at + 1, colon), port)) != null) {
                throw new ConfigException(VOTERS, raw, "names voter " + id + " twice");
            }
        }
        return Map.copyOf(out);
    }

    /** The voters by id; empty for the embedded one-voter quorum. */
    public Map<Integer, Voter> voters() {
        return voters;
    }

    /** Whether the quorum is this node alone, reached in-process (no voters configured). */
    public boolean isLocal() {
        return voters.isEmpty();
    }

    public int electionTimeoutMs() {
        return electionTimeoutMs;
    }

    public int heartbeatIntervalMs() {
        return heartbeatIntervalMs;
    }

    public int requestTimeoutMs() {
        return requestTimeoutMs;
    }

    public int appendMaxBytes() {
        return appendMaxBytes;
    }

    public int maxInflightAppends() {
        return maxInflightAppends;
    }

    /** Committed metadata offsets between two snapshots of the metadata log. */
    public int snapshotEveryRecords() {
        return snapshotEveryRecords;
    }

    public int brokerHeartbeatIntervalMs() {
        return brokerHeartbeatIntervalMs;
    }

    @Override
    public String toString() {
        return "ControllerQuorumConfig{voters=" + voters.values() + ", electionTimeoutMs=" + electionTimeoutMs
            + ", heartbeatIntervalMs=" + heartbeatIntervalMs + ", requestTimeoutMs=" + requestTimeoutMs
            + ", brokerHeartbeatIntervalMs=" + brokerHeartbeatIntervalMs + '}';
    }
}
