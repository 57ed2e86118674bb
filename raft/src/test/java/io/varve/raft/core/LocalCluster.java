package io.varve.raft.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A few {@link RaftNode}s wired by an in-memory, lossless, FIFO network for unit tests. Each node's
 * Ready is done in Ready's order: persist hard state and log, then send, then advance. A test drives
 * time by hand ({@link #tickAll}) and may cut links with {@link #isolate}. Not thread-safe.
 */
final class LocalCluster {

    static final int ELECTION_TIMEOUT_MS = 100;
    static final int HEARTBEAT_MS = 20;
    static final long MS = 1_000_000L;

    final Map<Integer, RaftNode> nodes = new TreeMap<>();
    final Map<Integer, MemoryRaftLog> logs = new TreeMap<>();
    final Map<Integer, HardState> hardStates = new TreeMap<>();
    final Map<Integer, Long> applied = new TreeMap<>();
    final ArrayDeque<RaftMessage> inFlight = new ArrayDeque<>();
    final List<RaftMessage> sent = new ArrayList<>();
    private final Set<Integer> isolated = new HashSet<>();
    long nowNs;

    LocalCluster(int size) {
        this(size, 1 << 20, 4, Rules.RAFT);
    }

    LocalCluster(int size, int maxAppendBytes, int maxInflight, Rules rules) {
        Set<Integer> voters = new HashSet<>();
        for (int id = 1; id <= size; id++) {
            voters.add(id);
        }
        for (int id = 1; id <= size; id++) {
            RaftConfig config = new RaftConfig(id, voters, ELECTION_TIMEOUT_MS, HEARTBEAT_MS, maxAppendBytes, maxInflight);
            MemoryRaftLog log = new MemoryRaftLog();
            logs.put(id, log);
            hardStates.put(id, HardState.INITIAL);
            applied.put(id, 0L);
            nodes.put(id, new RaftNode(config, HardState.INITIAL, log, new Random(id), nowNs, rules));
        }
    }

    RaftNode node(int id) {
        return nodes.get(id);
    }

    /** Does every node's Ready, then delivers messages until none are left. */
    void settle() {
        for (int round = 0; round < 10_000; round++) {
            processReadies();
            if (inFlight.isEmpty()) {
                return;
            }
            while (!inFlight.isEmpty()) {
                RaftMessage message = inFlight.poll();
                if (!isolated.contains(message.from()) && !isolated.contains(message.to())) {
                    nodes.get(message.to()).step(message, nowNs);
                }
            }
        }
        throw new AssertionError("the cluster did not settle");
    }

    void processReadies() {
        for (int id : nodes.keySet()) {
            processReady(id);
        }
    }

    void processReady(int id) {
        RaftNode node = nodes.get(id);
        while (node.hasReady()) {
            Ready ready = node.ready();
            if (ready.hardState() != null) {
                hardStates.put(id, ready.hardState());
            }
            logs.get(id).persist(ready);
            sent.addAll(ready.messages());
            inFlight.addAll(ready.messages());
            applied.put(id, Math.max(applied.get(id), ready.commitIndex()));
            node.advance(ready);
        }
    }

    /** Advances time by {@code ms} in small steps, ticking every node and settling after each. */
    void tickAll(long ms) {
        for (long t = 0; t < ms; t++) {
            nowNs += MS;
            for (RaftNode node : nodes.values()) {
                node.tick(nowNs);
            }
            settle();
        }
    }

    /** Ticks until some node leads, within a bound. */
    int electLeader() {
        for (int i = 0; i < 50 * ELECTION_TIMEOUT_MS; i++) {
            tickAll(1);
            for (Map.Entry<Integer, RaftNode> e : nodes.entrySet()) {
                if (e.getValue().isLeader() && !isolated.contains(e.getKey())) {
                    return e.getKey();
                }
            }
        }
        throw new AssertionError("no leader elected");
    }

    void isolate(int id) {
        isolated.add(id);
    }

    void heal() {
        isolated.clear();
    }

    List<RaftMessage> sentMatching(Predicate<RaftMessage> filter) {
        return sent.stream().filter(filter).toList();
    }
}
