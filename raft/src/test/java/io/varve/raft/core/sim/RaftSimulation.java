package io.varve.raft.core.sim;

import io.varve.raft.core.PlantedFault;
import io.varve.raft.core.ProposeResult;
import io.varve.raft.core.RaftConfig;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.RaftNode;
import io.varve.raft.core.Ready;
import io.varve.raft.core.SnapshotMeta;
import io.varve.raft.core.sim.SimStats.Counter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One seeded run of a Raft cluster in one thread: nodes on simulated disks and clocks, a faulty
 * network, crashes and restarts during a chaos phase, then a healed phase in which a leader must be
 * elected and a proposal committed within a bound. Invariants are checked after every event. The
 * same seed and fault always yield the same trace, summed up by {@link Result#traceHash()}, and so
 * the same failure at the same simulated time.
 */
final class RaftSimulation {

    private static final long MS = 1_000_000L;
    static final int ELECTION_TIMEOUT_MS = 100;
    static final long CHAOS_MS = 6_000;
    static final long LIVENESS_BOUND_MS = 3_000;
    private static final int TICK_MS = 5;
    private static final double MID_READY_CRASH_RATE = 0.003;
    /** One seed in this many (those with {@code seed % CHURN_EVERY == CHURN_EVERY - 1}) runs the leader-churn profile. */
    static final int CHURN_EVERY = 4;
    private static final double CHURN_ISOLATE_NEW_LEADER = 0.3;
    private static final double CHURN_ISOLATE_AFTER_APPEND = 0.3;
    private static final double CHURN_KILL_AFTER_OLD_TERM_ACK = 0.5;

    /**
     * What a run did: {@code failure} is null when every invariant held; {@code endNs} is the simulated
     * time the run stopped at (the failure's time when it failed).
     */
    record Result(long seed, PlantedFault fault, long events, long endNs, long traceHash, InvariantViolation failure,
                  String failureContext, SimStats stats) {
    }

    private final long seed;
    private final PlantedFault fault;
    private final SimStats stats = new SimStats();
    private final Random random;
    private final EventQueue events = new EventQueue(100_000);
    private final SimNetwork network;
    private final Invariants invariants = new Invariants();
    private final List<SimNode> nodes = new ArrayList<>();
    private long traceHash = 0xcbf29ce484222325L;
    private long eventCount;
    private long proposalCounter;
    private boolean chaos = true;
    private byte[] marker;
    private boolean markerApplied;
    /**
     * Leader churn (DESIGN §7; docs/testing.md): an adversary that hunts the Raft paper's Figure 8
     * schedule, which random faults almost never produce. Appends carry one entry and one is in flight
     * per follower; a new leader, or a leader that just took a client's entry, is often cut off from
     * everyone before it replicates; and a leader whose follower just acknowledged an entry of an
     * earlier term (the window in which §5.4.2 forbids committing it by counting) is often cut off and
     * killed right then. Correct Raft survives all of it; a leader that counts replicas of an earlier
     * term's entry commits it and then loses it to a leader of a later term.
     */
    private final boolean churn;
    private final int[] leaderTermSeen;

    RaftSimulation(long seed, PlantedFault fault) {
        this.seed = seed;
        this.fault = fault;
        this.random = new Random(seed);
        this.network = new SimNetwork(events, random, 10_000, stats);
        int size = random.nextBoolean() ? 3 : 5;
        Set<Integer> voters = new HashSet<>();
        for (int id = 1; id <= size; id++) {
            voters.add(id);
        }
        int heartbeatMs = 15 + random.nextInt(20);
        int maxAppendBytes = 40 + random.nextInt(400);
        int maxInflight = 1 + random.nextInt(4);
        churn = Math.floorMod(seed, CHURN_EVERY) == CHURN_EVERY - 1;
        if (churn) {
            maxAppendBytes = 1; // at least one entry is always sent, so exactly one
            maxInflight = 1;
        }
        leaderTermSeen = new int[size + 1];
        for (int id = 1; id <= size; id++) {
            RaftConfig config = new RaftConfig(id, voters, ELECTION_TIMEOUT_MS, heartbeatMs, maxAppendBytes, maxInflight);
            SimClock clock = new SimClock(random.nextInt(1_000) * MS, random.nextInt(200_001) - 100_000);
            nodes.add(new SimNode(id, config, fault, clock, seed, 5 + random.nextInt(30)));
        }
    }

    Result run() {
        try {
            for (SimNode node : nodes) {
                node.start(0);
                scheduleTick(node);
            }
            scheduleProposal();
            scheduleFault();
            events.at(CHAOS_MS * MS, this::heal);
            long deadline = (CHAOS_MS + LIVENESS_BOUND_MS) * MS;
            while (!markerApplied && events.runNext(deadline)) {
                eventCount++;
                invariants.afterEvent(nodes);
            }
            if (!markerApplied) {
                throw new InvariantViolation(Invariant.LEADER_ELECTED_AND_PROPOSAL_COMMITTED_AFTER_HEAL,
                    "no proposal committed within " + LIVENESS_BOUND_MS + " ms after healing");
            }
            return result(null);
        } catch (InvariantViolation violation) {
            return result(violation);
        } catch (RuntimeException e) {
            InvariantViolation violation = new InvariantViolation(Invariant.NO_EXCEPTION, e.toString());
            violation.initCause(e);
            return result(violation);
        }
    }

    private Result result(InvariantViolation failure) {
        int terms = 0;
        for (SimNode node : nodes) {
            if (node.isUp()) {
                terms = Math.max(terms, node.raft().status().term());
            }
        }
        stats.set(Counter.COMMITTED, invariants.maxCommitted());
        stats.set(Counter.LEADERS_ELECTED, invariants.leadersElected());
        stats.set(Counter.TERMS, terms);
        return new Result(seed, fault, eventCount, events.nowNs(), traceHash, failure, failure == null ? null : context(), stats);
    }

    /** The network's faults and every node's status when the run stopped. */
    private String context() {
        return network.describe() + "; " + statuses();
    }

    private String statuses() {
        StringBuilder out = new StringBuilder();
        for (SimNode node : nodes) {
            out.append(node.isUp() ? node.raft().status().toString() : "node " + node.id + " down").append(' ');
        }
        return out.toString().trim();
    }

    private void trace(long... values) {
        for (long v : values) {
            traceHash = (traceHash ^ v) * 0x100000001b3L;
        }
    }

    // ------------------------------------------------------------------ recurring events

    private void scheduleTick(SimNode node) {
        events.after((TICK_MS - 1) * MS + random.nextInt(2 * (int) MS), () -> {
            if (node.isUp()) {
                trace(1, events.nowNs(), node.id);
                node.raft().tick(node.localNs(events.nowNs()));
                processReady(node);
            }
            scheduleTick(node);
        });
    }

    private void scheduleProposal() {
        events.after((5 + random.nextInt(25)) * MS, () -> {
            SimNode node = nodes.get(random.nextInt(nodes.size()));
            if (node.isUp() && chaos) {
                byte[] data = ByteBuffer.allocate(8 + random.nextInt(24)).putLong(++proposalCounter).array();
                trace(2, events.nowNs(), node.id, proposalCounter);
                ProposeResult result = node.raft().propose(data, node.localNs(events.nowNs()));
                processReady(node);
                if (churn && result.accepted() && node.isUp() && random.nextDouble() < CHURN_ISOLATE_AFTER_APPEND) {
                    isolateBriefly(node);
                }
                if (!result.accepted() && result.leaderId() > 0 && nodes.get(result.leaderId() - 1).isUp()) {
                    SimNode leader = nodes.get(result.leaderId() - 1); // a client retries at the leader it was told
                    leader.raft().propose(data, leader.localNs(events.nowNs()));
                    processReady(leader);
                }
            }
            if (!chaos) {
                proposeMarker();
            }
            scheduleProposal();
        });
    }

    /** After healing: offer the marker to whichever node leads, until some state machine applies it. */
    private void proposeMarker() {
        for (SimNode node : nodes) {
            if (node.isUp() && node.raft().isLeader()) {
                trace(3, events.nowNs(), node.id);
                node.raft().propose(marker, node.localNs(events.nowNs()));
                processReady(node);
                return;
            }
        }
    }

    private void scheduleFault() {
        events.after((50 + random.nextInt(250)) * MS, () -> {
            if (!chaos) {
                return;
            }
            injectFault();
            scheduleFault();
        });
    }

    private void injectFault() {
        int kind = random.nextInt(11);
        SimNode node = nodes.get(random.nextInt(nodes.size()));
        trace(4, events.nowNs(), kind, node.id);
        switch (kind) {
            case 0, 1 -> {
                if (node.isUp()) {
                    crash(node);
                }
            }
            case 2, 3, 4 -> {
                for (SimNode n : nodes) {
                    if (!n.isUp()) {
                        restart(n);
                        break;
                    }
                }
            }
            case 5 -> network.partitionSymmetric(group(true), group(false));
            case 6 -> network.partitionAsymmetric(group(true), group(false));
            case 7 -> bridge();
            case 8 -> network.setFaults(random.nextDouble() * 0.3, random.nextDouble() * 0.2, 1 + random.nextInt(60));
            case 9 -> bounce(node);
            default -> network.heal();
        }
    }

    /** A process restart: down for a few milliseconds, back with only what its disk kept. */
    private void bounce(SimNode node) {
        if (!node.isUp()) {
            return;
        }
        crash(node);
        events.after((1 + random.nextInt(30)) * MS, () -> {
            if (!node.isUp()) {
                restart(node);
            }
        });
    }

    /** Power loss: counted, and counted again when it lost writes that were not yet synced. */
    private void crash(SimNode node) {
        stats.add(Counter.CRASHES);
        if (node.crash(random) > 0) {
            stats.add(Counter.CRASHES_LOSING_WRITES);
        }
    }

    /** Leader churn: cuts {@code node} off from all others until about one to four election timeouts pass. */
    private void isolateBriefly(SimNode node) {
        trace(11, events.nowNs(), node.id);
        stats.add(Counter.CHURN_ISOLATIONS);
        network.isolate(node.id, ids());
        events.after((ELECTION_TIMEOUT_MS + random.nextInt(3 * ELECTION_TIMEOUT_MS)) * MS, () -> {
            if (chaos) {
                trace(12, events.nowNs(), node.id);
                network.rejoin(node.id);
            }
        });
    }

    /** Leader churn: cuts {@code node} off and kills it (power loss); it comes back after a while. */
    private void isolateAndKill(SimNode node) {
        trace(13, events.nowNs(), node.id);
        stats.add(Counter.CHURN_KILLS);
        network.isolate(node.id, ids());
        crash(node);
        events.after((ELECTION_TIMEOUT_MS + random.nextInt(3 * ELECTION_TIMEOUT_MS)) * MS, () -> {
            if (chaos) {
                network.rejoin(node.id);
                if (!node.isUp()) {
                    restart(node);
                }
            }
        });
    }

    /**
     * Leader churn, after {@code node} handled {@code message}: a leader first seen in its term, or
     * one whose follower just acknowledged an entry of an earlier term, may be cut off (and killed).
     */
    private void churn(SimNode node, RaftMessage message) {
        if (!node.isUp() || !node.raft().isLeader()) {
            return;
        }
        int term = node.raft().status().term();
        if (leaderTermSeen[node.id] < term) {
            leaderTermSeen[node.id] = term;
            if (random.nextDouble() < CHURN_ISOLATE_NEW_LEADER) {
                isolateBriefly(node);
            }
            return;
        }
        if (message instanceof RaftMessage.AppendResponse r && r.success()
            && r.matchIndex() >= node.disk().log().snapshot().lastIndex() && r.matchIndex() <= node.disk().log().lastIndex()
            && node.disk().log().termAt(r.matchIndex()) < term && random.nextDouble() < CHURN_KILL_AFTER_OLD_TERM_ACK) {
            isolateAndKill(node);
        }
    }

    private List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        for (SimNode node : nodes) {
            ids.add(node.id);
        }
        return ids;
    }

    /** Shuffles the ids by the seed; {@code first} picks the first part, else the rest. */
    private List<Integer> group(boolean first) {
        List<Integer> ids = new ArrayList<>();
        long bits = seed ^ events.nowNs();
        int cut = 1 + (int) Math.floorMod(bits, nodes.size() - 1);
        for (int i = 0; i < nodes.size(); i++) {
            int id = (int) Math.floorMod(i + bits / 7, nodes.size()) + 1;
            if (first == i < cut) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Two groups that cannot talk, except through one node both reach. */
    private void bridge() {
        List<Integer> a = new ArrayList<>(group(true));
        List<Integer> b = new ArrayList<>(group(false));
        int bridge = (a.size() > 1 ? a : b).remove(0);
        network.partitionSymmetric(a, b);
        trace(5, bridge);
    }

    private void heal() {
        chaos = false;
        marker = ByteBuffer.allocate(16).putLong(-1).putLong(seed).array();
        trace(6, events.nowNs());
        network.heal();
        for (SimNode node : nodes) {
            if (!node.isUp()) {
                restart(node);
            }
        }
    }

    private void restart(SimNode node) {
        trace(7, events.nowNs(), node.id);
        stats.add(Counter.RESTARTS);
        node.start(events.nowNs());
        SnapshotMeta snapshot = node.disk().log().snapshot();
        invariants.onStateAt(node, snapshot.lastIndex(), node.stateMachine().hash());
        processReady(node);
    }

    private void deliver(RaftMessage message) {
        SimNode node = nodes.get(message.to() - 1);
        if (!node.isUp()) {
            return;
        }
        trace(8, events.nowNs(), describe(message));
        node.raft().step(message, node.localNs(events.nowNs()));
        processReady(node);
        if (churn && chaos) {
            churn(node, message);
        }
    }

    private static long describe(RaftMessage m) {
        long h = m.from() * 31L + m.to();
        h = h * 31 + m.term();
        if (m instanceof RaftMessage.VoteRequest r) {
            h = h * 31 + (r.preVote() ? 11 : 12) + r.lastLogIndex() * 17 + r.lastLogTerm();
        } else if (m instanceof RaftMessage.VoteResponse r) {
            h = h * 31 + (r.preVote() ? 13 : 14) + (r.granted() ? 1 : 0);
        } else if (m instanceof RaftMessage.AppendRequest r) {
            h = h * 31 + 15 + r.prevLogIndex() * 17 + r.entries().size() * 101L + r.commitIndex();
        } else if (m instanceof RaftMessage.AppendResponse r) {
            h = h * 31 + 16 + r.matchIndex() * 17 + (r.success() ? 1 : 0);
        } else if (m instanceof RaftMessage.SnapshotRequest r) {
            h = h * 31 + 17 + r.meta().lastIndex();
        } else if (m instanceof RaftMessage.SnapshotResponse r) {
            h = h * 31 + 18 + r.lastIndex();
        }
        return h;
    }

    // ------------------------------------------------------------------ the driver, in Ready's order

    private void processReady(SimNode node) {
        RaftNode raft = node.raft();
        while (raft.hasReady()) {
            Ready ready = raft.ready();
            invariants.monotonicCommitIndex(node, ready.status());     // the moment the commit index moves
            node.disk().write(ready);                                  // 1-3: hard state, snapshot, entries
            if (chaos && random.nextDouble() < MID_READY_CRASH_RATE) {
                trace(9, events.nowNs(), node.id);
                stats.add(Counter.MID_READY_CRASHES);
                crash(node);                                           // before fsync: nothing was sent
                return;
            }
            node.disk().fsync();
            for (RaftMessage message : ready.messages()) {             // 4: only then send
                invariants.persistBeforeSend(node, message);
                if (message instanceof RaftMessage.SnapshotRequest) {
                    stats.add(Counter.SNAPSHOTS_SENT);
                }
                network.send(message, this::deliver);
            }
            apply(node, ready);                                        // 5: apply what is committed
            raft.advance(ready);                                       // 6
            maybeSnapshot(node);
        }
    }

    private void apply(SimNode node, Ready ready) {
        HashStateMachine sm = node.stateMachine();
        if (ready.snapshot() != null) {
            stats.add(Counter.SNAPSHOTS_INSTALLED);
            if (fault == PlantedFault.INSTALL_SNAPSHOT_WITHOUT_RESTORE) {
                sm.skipTo(ready.snapshot().lastIndex());               // the planted driver bug: the data is never loaded
            } else {
                sm.restore(ready.snapshotData());
            }
            if (sm.appliedIndex() != ready.snapshot().lastIndex()) {
                throw new IllegalStateException("snapshot data at " + sm.appliedIndex() + " for meta " + ready.snapshot());
            }
            invariants.onStateAt(node, sm.appliedIndex(), sm.hash());
        }
        while (sm.appliedIndex() < ready.commitIndex()) {
            RaftEntry entry = node.disk().log().entry(sm.appliedIndex() + 1);
            invariants.onCommitted(node, entry, ready.status().term());
            sm.apply(entry);
            stats.add(Counter.APPLIED);
            invariants.onStateAt(node, entry.index(), sm.hash());
            if (marker != null && Arrays.equals(entry.data(), marker)) {
                markerApplied = true;
            }
        }
    }

    private void maybeSnapshot(SimNode node) {
        HashStateMachine sm = node.stateMachine();
        SnapshotMeta current = node.disk().log().snapshot();
        if (sm.appliedIndex() - current.lastIndex() >= node.snapshotEvery) {
            SnapshotMeta meta = new SnapshotMeta(sm.appliedIndex(), node.disk().log().termAt(sm.appliedIndex()));
            trace(10, events.nowNs(), node.id, meta.lastIndex());
            stats.add(Counter.SNAPSHOTS_TAKEN);
            node.disk().compact(meta, sm.snapshot());
            node.raft().onSnapshotTaken(meta);
        }
    }
}
