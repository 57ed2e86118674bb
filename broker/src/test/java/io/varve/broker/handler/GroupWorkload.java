package io.varve.broker.handler;

import io.varve.broker.group.GroupCoordinatorConfig;
import io.varve.broker.group.OffsetsTopic;
import io.varve.broker.handler.ReplicationInvariants.Name;
import io.varve.broker.handler.ReplicationInvariants.Violation;
import io.varve.broker.replica.Partition;
import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestPartition;
import io.varve.protocol.generated.OffsetCommitRequest.OffsetCommitRequestTopic;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchRequest.OffsetFetchRequestGroup;
import io.varve.protocol.generated.OffsetFetchRequest.OffsetFetchRequestTopics;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Random;

/**
 * The consumer groups of the {@link ReplicationSimulation}: members that commit the offsets of the
 * simulated topic's partitions to their group's coordinator, the broker that the committed metadata names
 * as leader of the group's {@code __consumer_offsets} partition (now and then a stale one), one commit in
 * flight per group at a time with offsets that only grow, as one member committing after each poll does;
 * a member stops waiting after a request timeout and commits again to whoever leads then.
 *
 * <p>Its invariant, {@link Name#AcknowledgedCommitNeverLost}: after every event, each group's current
 * coordinator (the committed leader of its offsets partition, once it leads at the committed epoch) is
 * asked for the group's offsets (OffsetFetch); for every partition it must answer the highest offset
 * ever acknowledged (OffsetCommit answered NONE) or a later one, whichever coordinator acknowledged it and
 * however many failovers came between. Not thread-safe.
 */
final class GroupWorkload {

    /** A topic asked for by name: Kafka's all-zero id. */
    /** OffsetCommit v9, the newest by topic name (v10 names topics by id), as these requests are built. */
    private static final short OFFSET_COMMIT_BY_NAME = 9;
    /** OffsetFetch v9, the newest by topic name (v10 names topics by id). */
    private static final short OFFSET_FETCH_V9 = 9;

    private static final UUID ZERO_UUID = new UUID(0L, 0L);

    /**
     * Offsets-topic partitions: one, whose leader coordinates every group (each more would add a log per
     * broker, which costs the simulation more than anything else).
     */
    static final int OFFSETS_PARTITIONS = 1;
    static final int GROUPS_PER_OFFSETS_PARTITION = 3;
    static final Map<String, Object> COORDINATOR_PROPS = Map.of(
        GroupCoordinatorConfig.OFFSETS_TOPIC_NUM_PARTITIONS, OFFSETS_PARTITIONS,
        GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR, ReplicationSimulation.BROKERS,
        GroupCoordinatorConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, 0);

    private final String topic;
    private final int topicPartitions;
    private final ManualClock clock;
    private final Random random;
    private final List<String> groups = new ArrayList<>();
    /** Per group and topic partition: the next offset a member commits, and the highest one acknowledged. */
    private final long[][] nextOffset;
    private final long[][] acknowledged;
    /** Per group: who acknowledged its highest commit last, "broker/incarnation", to count failovers. */
    private final String[] acknowledgedBy;
    /** Per group: the time of its last acknowledged commit. */
    private final long[] lastAcknowledgedMs;
    private final List<Commit> inFlight = new ArrayList<>();
    /** Per group: a commit was answered since the last check; who was checked last. */
    private final boolean[] answeredNow;
    private final String[] checkedAt;
    private long eventsSeen;
    long commitsSent;
    long commitsAcknowledged;
    long fetchesChecked;
    /** OffsetFetch answers checked from another coordinator than the one that acknowledged the last commit. */
    long checksAfterFailover;

    private record Commit(Answers.Answer answer, SimBroker broker, int incarnation, int group, long[] offsets,
                          long sentMs) {
    }

    GroupWorkload(String topic, int topicPartitions, ManualClock clock, Random random) {
        this.topic = topic;
        this.topicPartitions = topicPartitions;
        this.clock = clock;
        this.random = random;
        for (int p = 0; p < OFFSETS_PARTITIONS; p++) {
            int found = 0;
            for (int i = 0; found < GROUPS_PER_OFFSETS_PARTITION; i++) {
                if (OffsetsTopic.partitionFor("group-" + i, OFFSETS_PARTITIONS) == p) {
                    groups.add("group-" + i);
                    found++;
                }
            }
        }
        nextOffset = new long[groups.size()][topicPartitions];
        acknowledged = new long[groups.size()][topicPartitions];
        acknowledgedBy = new String[groups.size()];
        answeredNow = new boolean[groups.size()];
        checkedAt = new String[groups.size()];
        lastAcknowledgedMs = new long[groups.size()];
        java.util.Arrays.fill(lastAcknowledgedMs, Long.MIN_VALUE);
        for (long[] a : acknowledged) {
            java.util.Arrays.fill(a, -1);
        }
    }

    /** Before one event in ten, a member commits. */
    void maybeCommit(MetadataImage committed, Map<Integer, SimBroker> brokers) {
        if (random.nextInt(10) == 0) {
            commit(committed, brokers);
        }
    }

    /** A member of a group with no commit in flight commits every partition's next offset. */
    void commit(MetadataImage committed, Map<Integer, SimBroker> brokers) {
        int g = random.nextInt(groups.size());
        if (busy(g)) {
            return;
        }
        SimBroker target = coordinatorOf(g, committed, brokers);
        if (target == null || random.nextInt(10) == 0) {
            target = brokers.get(1 + random.nextInt(brokers.size())); // stale metadata
        }
        if (!target.active()) {
            return;
        }
        long[] offsets = new long[topicPartitions];
        List<OffsetCommitRequestPartition> parts = new ArrayList<>();
        for (int p = 0; p < topicPartitions; p++) {
            nextOffset[g][p] += 1 + random.nextInt(5);
            offsets[p] = nextOffset[g][p];
            parts.add(new OffsetCommitRequestPartition(p, offsets[p], -1, null));
        }
        send(g, target, offsets, parts);
    }

    private void send(int g, SimBroker target, long[] offsets, List<OffsetCommitRequestPartition> parts) {
        OffsetCommitRequest request = OffsetCommitRequest.builder().groupId(groups.get(g)).generationIdOrMemberEpoch(-1)
            .topics(List.of(new OffsetCommitRequestTopic(topic, ZERO_UUID, parts))).build();
        Answers.Answer answer = target.answers().next();
        target.groups().handle(Answers.context(ApiKey.OFFSET_COMMIT, OFFSET_COMMIT_BY_NAME), request, answer);
        target.groups().doWork();
        inFlight.add(new Commit(answer, target, target.incarnation(), g, offsets, clock.wallClockMs()));
        commitsSent++;
    }

    /** Whether group {@code g} waits for a commit's answer (one not yet past the request timeout). */
    private boolean busy(int g) {
        long now = clock.wallClockMs();
        return inFlight.stream().anyMatch(c -> c.group() == g && now - c.sentMs() < ReplicationSimulation.REQUEST_TIMEOUT_MS);
    }

    /**
     * Takes the commits answered since the last event (an answer that comes after the member stopped
     * waiting still counts: it was acknowledged), then asks every group's current coordinator for its
     * offsets and checks them. Returns a trace of what happened.
     */
    long afterEvent(MetadataImage committed, Map<Integer, SimBroker> brokers) {
        long trace = 0;
        for (Iterator<Commit> it = inFlight.iterator(); it.hasNext(); ) {
            Commit c = it.next();
            if (!c.broker().running() || c.broker().incarnation() != c.incarnation()) {
                it.remove(); // its coordinator died: never answered
                continue;
            }
            if (!c.answer().answered()) {
                continue;
            }
            it.remove();
            answeredNow[c.group()] = true;
            OffsetCommitResponse response = c.answer().get();
            boolean ok = true;
            for (OffsetCommitResponse.OffsetCommitResponsePartition p : response.topics().get(0).partitions()) {
                ok &= p.errorCode() == Errors.NONE.code;
                trace = trace * 31 + p.errorCode();
            }
            if (ok) {
                commitsAcknowledged++;
                for (int p = 0; p < topicPartitions; p++) {
                    acknowledged[c.group()][p] = Math.max(acknowledged[c.group()][p], c.offsets()[p]);
                }
                acknowledgedBy[c.group()] = c.broker().id + "/" + c.incarnation();
                lastAcknowledgedMs[c.group()] = clock.wallClockMs();
            }
        }
        for (int g = 0; g < groups.size(); g++) {
            SimBroker coordinator = coordinatorOf(g, committed, brokers);
            String now = coordinator == null || !coordinator.active() ? null : coordinator.id + "/"
                + coordinator.incarnation() + "/" + committed.topic(OffsetsTopic.NAME)
                .partition(OffsetsTopic.partitionFor(groups.get(g), OFFSETS_PARTITIONS)).leaderEpoch();
            // Asked whenever a coordinator answered the group or the coordinator changed (a failover), and
            // every tenth event besides: the answers do not change in between.
            if (answeredNow[g] || !java.util.Objects.equals(now, checkedAt[g]) || eventsSeen % 10 == 0) {
                check(g, committed, brokers);
                checkedAt[g] = now;
            }
            answeredNow[g] = false;
        }
        eventsSeen++;
        return trace;
    }

    /** {@link Name#AcknowledgedCommitNeverLost} for group {@code g}, asked of its current coordinator. */
    private void check(int g, MetadataImage committed, Map<Integer, SimBroker> brokers) {
        SimBroker coordinator = coordinatorOf(g, committed, brokers);
        if (coordinator == null || !coordinator.active()) {
            return;
        }
        OffsetFetchRequest request = OffsetFetchRequest.builder().groups(List.of(new OffsetFetchRequestGroup(groups.get(g),
            null, -1, List.of(new OffsetFetchRequestTopics(topic, ZERO_UUID, partitionIndexes()))))).build();
        Answers.Answer answer = coordinator.answers().next();
        coordinator.groups().handle(Answers.context(ApiKey.OFFSET_FETCH, OFFSET_FETCH_V9), request, answer);
        coordinator.groups().doWork();
        OffsetFetchResponse response = answer.get();
        OffsetFetchResponse.OffsetFetchResponseGroup group = response.groups().get(0);
        if (group.errorCode() != Errors.NONE.code) {
            return; // still loading, or not yet following the image that made it coordinator
        }
        fetchesChecked++;
        String by = coordinator.id + "/" + coordinator.incarnation();
        if (acknowledgedBy[g] != null && !acknowledgedBy[g].equals(by)) {
            checksAfterFailover++;
        }
        for (OffsetFetchResponse.OffsetFetchResponsePartitions p : group.topics().get(0).partitions()) {
            long ackedOffset = acknowledged[g][p.partitionIndex()];
            if (p.errorCode() == Errors.NONE.code && p.committedOffset() < ackedOffset) {
                throw new Violation(Name.AcknowledgedCommitNeverLost, groups.get(g) + " " + topic + "-"
                    + p.partitionIndex() + ": coordinator broker " + coordinator.id + " answers committed offset "
                    + p.committedOffset() + " though " + ackedOffset + " was acknowledged (last by broker/incarnation "
                    + acknowledgedBy[g] + ")");
            }
        }
    }

    private List<Integer> partitionIndexes() {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < topicPartitions; p++) {
            out.add(p);
        }
        return out;
    }

    /**
     * The broker the committed metadata names as coordinator of group {@code g} once it leads the offsets
     * partition at the committed leader epoch (it applied that metadata); null before, or with no leader.
     */
    private SimBroker coordinatorOf(int g, MetadataImage committed, Map<Integer, SimBroker> brokers) {
        if (committed.topic(OffsetsTopic.NAME) == null) {
            return null;
        }
        int index = OffsetsTopic.partitionFor(groups.get(g), OFFSETS_PARTITIONS);
        PartitionImage image = committed.topic(OffsetsTopic.NAME).partition(index);
        SimBroker leader = image == null ? null : brokers.get(image.leader());
        if (leader == null || !leader.running()) {
            return null;
        }
        Partition local = leader.replicas().partition(new TopicPartition(OffsetsTopic.NAME, index));
        return local != null && local.leaderEpoch() == image.leaderEpoch() ? leader : null;
    }

    // ------------------------------------------------------------------------------------ healing

    /**
     * Healing: every group commits once more to its current coordinator; true once each group had a commit
     * acknowledged after healing began.
     */
    boolean healed(MetadataImage committed, Map<Integer, SimBroker> brokers, boolean[] done, long healingStartMs) {
        boolean all = true;
        for (int g = 0; g < groups.size(); g++) {
            if (done[g]) {
                continue;
            }
            if (lastAcknowledgedMs[g] >= healingStartMs) {
                done[g] = true;
                continue;
            }
            all = false;
            SimBroker target = coordinatorOf(g, committed, brokers);
            if (target != null && target.active() && !busy(g)) {
                long[] offsets = new long[topicPartitions];
                List<OffsetCommitRequestPartition> parts = new ArrayList<>();
                for (int p = 0; p < topicPartitions; p++) {
                    offsets[p] = ++nextOffset[g][p];
                    parts.add(new OffsetCommitRequestPartition(p, offsets[p], -1, null));
                }
                send(g, target, offsets, parts);
            }
        }
        return all;
    }

    int groupCount() {
        return groups.size();
    }

    String describe() {
        StringBuilder s = new StringBuilder();
        for (int g = 0; g < groups.size(); g++) {
            s.append("\n  ").append(groups.get(g)).append(": acknowledged ").append(java.util.Arrays.toString(acknowledged[g]))
                .append(" last by ").append(acknowledgedBy[g]);
        }
        return s.toString();
    }
}
