package io.varve.broker.quorum;

import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.config.LogConfig;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftNode;
import io.varve.raft.log.QuorumStateFile;
import io.varve.raft.log.MetadataRaftLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A voter of the metadata quorum between processes: assembles the {@link MetadataRaftLog} and
 * {@link QuorumStateFile} in the metadata directory, the {@link RaftNode}, the {@link RaftPeers}
 * transport, the {@link RaftDriver} and the {@link RaftQuorum} the controller appends to, and the
 * {@link ControllerRpcService} that serves the controller listener. Closed in reverse.
 *
 * <p>Lifecycle: {@link #open}, hand {@link #quorum()} to the controller, {@link #start}, then close.
 * Thread-safe after start.
 */
public final class RaftQuorumNode implements AutoCloseable {

    private final int nodeId;
    private final ControllerQuorumConfig config;
    private final MetadataRaftLog log;
    private final RaftPeers peers;
    private final RaftDriver driver;
    private final RaftQuorum quorum;
    private final MetadataFetchService fetches;

    private RaftQuorumNode(int nodeId, ControllerQuorumConfig config, MetadataRaftLog log, RaftPeers peers, RaftDriver driver) {
        this.nodeId = nodeId;
        this.config = config;
        this.log = log;
        this.peers = peers;
        this.driver = driver;
        this.quorum = new RaftQuorum(driver, config.requestTimeoutMs());
        this.fetches = new MetadataFetchService(driver);
    }

    /**
     * Opens the durable state under {@code metadataDir} and builds the node (not started).
     *
     * @param clusterId the cluster's id: the base image of the first metadata snapshot
     * @param random    this node's seeded random: election timeouts
     */
    public static RaftQuorumNode open(int nodeId, ControllerQuorumConfig config, Path metadataDir, LogConfig logConfig,
                                      String clusterId, Clock clock, Random random) throws IOException {
        if (!config.voters().containsKey(nodeId)) {
            throw new IllegalArgumentException("node " + nodeId + " is not one of the voters " + config.voters().keySet());
        }
        QuorumStateFile stateFile = new QuorumStateFile(metadataDir);
        MetadataRaftLog log = MetadataRaftLog.open(metadataDir, logConfig, clock);
        RaftPeers peers = null;
        try {
            RaftConfig raft = new RaftConfig(nodeId, config.voters().keySet(), config.electionTimeoutMs(),
                config.heartbeatIntervalMs(), config.appendMaxBytes(), config.maxInflightAppends());
            RaftNode node = new RaftNode(raft, stateFile.read(), log, random, clock.nanoTime());
            peers = new RaftPeers(nodeId, config);
            long tickMs = Math.max(1, Math.min(10, config.heartbeatIntervalMs() / 4));
            return new RaftQuorumNode(nodeId, config, log, peers, new RaftDriver(node, log, stateFile, peers, clock, tickMs,
                clusterId, config.snapshotEveryRecords()));
        } catch (IOException | RuntimeException e) {
            if (peers != null) {
                peers.close();
            }
            log.close();
            throw e;
        }
    }

    /** The quorum the controller appends to and reads from. */
    public RaftQuorum quorum() {
        return quorum;
    }

    /**
     * Starts the Raft thread.
     *
     * @param onCommit called on the Raft thread whenever the commit point moves; must not block
     */
    public void start(Runnable onCommit) {
        driver.start(() -> {
            onCommit.run();
            fetches.onCommit();
        });
    }

    /** The handler of the controller listener; {@code brokers} answers brokers' registrations and heartbeats. */
    public ControllerRpcService rpcService(ControllerRpcService.BrokerRpcs brokers) {
        return new ControllerRpcService(nodeId, config.voters().keySet(), driver, brokers, fetches);
    }

    /** Whether this node is the active controller now. */
    public boolean isLeader() {
        return driver.status().role() == io.varve.raft.core.RaftStatus.Role.LEADER;
    }

    /** This node's current Raft term. */
    public int term() {
        return driver.status().term();
    }

    /** The active controller this node knows, or -1. */
    public int leaderId() {
        return driver.status().leaderId();
    }

    @Override
    public void close() {
        quorum.close();
        driver.close();
        peers.close();
        log.close();
    }
}
