package io.varve.consumer;

import io.varve.client.ExponentialBackoff;
import io.varve.client.Node;
import io.varve.client.group.ConsumerProtocol;
import io.varve.client.metadata.Cluster;
import io.varve.client.requests.FindCoordinators;
import io.varve.client.requests.LeaveGroups;
import io.varve.common.TopicPartition;
import io.varve.consumer.assignor.PartitionAssignor;
import io.varve.consumer.assignor.PartitionAssignor.RebalanceProtocol;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.JoinGroupResponse;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.protocol.generated.SyncGroupResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's membership in its group (Kafka's classic protocol), as a state machine the polling
 * thread advances without blocking: {@link #advance} looks at the request in flight, handles its
 * answer and sends the next one; poll calls it until the member is {@link State#STABLE} or its
 * timeout passes, so a rebalance that takes longer than one poll continues in the next.
 *
 * <pre>
 *   (no coordinator) --FindCoordinator--> UNJOINED --JoinGroup--> JOINING --SyncGroup--> SYNCING --> STABLE
 *        ^  NOT_COORDINATOR, network failure       ^  MEMBER_ID_REQUIRED: rejoin at once with the given id
 *        +-----------------------------------------+  REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
 *                                                     UNKNOWN_MEMBER_ID (id reset), metadata change: rejoin
 * </pre>
 *
 * <p>The leader (JoinGroup names it) decodes every member's {@link ConsumerProtocol.Subscription},
 * runs the assignor the group chose and sends everyone's {@link ConsumerProtocol.Assignment} in its
 * SyncGroup. Under the eager protocol the member revokes everything before it joins; under the
 * cooperative one it keeps its partitions, revokes only those the new assignment lacks, and then
 * rejoins once more so they can move. Heartbeats run on the {@link HeartbeatThread}. Offsets are
 * committed and fetched by {@link OffsetCommitter}.
 *
 * <p>Not thread-safe: owned by the polling thread.
 */
final class ConsumerCoordinator {

    /** Where the member stands. */
    enum State { UNJOINED, JOINING, SYNCING, STABLE }

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerCoordinator.class);
    private static final long JOIN_EXTRA_TIMEOUT_MS = 5_000L;
    /** Bound on the join steps one advance takes when answers are already in. */
    private static final int MAX_STEPS_PER_ADVANCE = 16;

    private final ConsumerConfig config;
    private final ConsumerNetwork network;
    private final Waiter waiter;
    private final SubscriptionState subscriptions;
    private final Map<String, PartitionAssignor> assignors = new LinkedHashMap<>();
    private final RebalanceProtocol protocol;
    private final HeartbeatThread heartbeat;
    private final ExponentialBackoff backoff;
    private final Random random;
    private final String instanceId;
    private final Runnable onAssignmentChange;
    private OffsetCommitter committer;

    private Node coordinator;
    private CompletableFuture<GeneratedMessage> findFuture;
    private CompletableFuture<GeneratedMessage> joinFuture;
    private CompletableFuture<GeneratedMessage> syncFuture;
    private CompletableFuture<Cluster> leaderMetadata;
    private JoinGroupResponse joined;
    private CompletableFuture<Cluster> patternFuture;
    private long nextPatternCheckNs;
    private State state = State.UNJOINED;
    private String memberId = "";
    private int generation = ConsumerProtocol.NO_GENERATION;
    private String protocolName;
    private boolean revokedBeforeJoin;
    private boolean subscriptionChangedWhileJoining;
    private int failures;
    private long retryAtNs;
    private Set<String> topics = Set.of();
    private Pattern pattern;
    private RebalanceListener listener = RebalanceListener.NOOP;
    private Map<String, Integer> assignedPartitionCounts = Map.of();

    ConsumerCoordinator(ConsumerConfig config, ConsumerNetwork network, Waiter waiter, SubscriptionState subscriptions,
                        HeartbeatThread heartbeat, Random random, Runnable onAssignmentChange) {
        this.config = config;
        this.network = network;
        this.waiter = waiter;
        this.subscriptions = subscriptions;
        this.heartbeat = heartbeat;
        this.random = random;
        this.onAssignmentChange = onAssignmentChange;
        this.instanceId = config.groupInstanceId().isEmpty() ? null : config.groupInstanceId();
        this.backoff = ExponentialBackoff.of(config.clientConfig().retryBackoffMs(), config.clientConfig().retryBackoffMaxMs());
        boolean cooperative = true;
        for (String name : config.assignmentStrategies()) {
            PartitionAssignor a = PartitionAssignor.forName(name);
            assignors.put(a.name(), a);
            cooperative &= a.supportedProtocols().contains(RebalanceProtocol.COOPERATIVE);
        }
        this.protocol = cooperative ? RebalanceProtocol.COOPERATIVE : RebalanceProtocol.EAGER;
    }

    void committer(OffsetCommitter committer) {
        this.committer = committer;
    }

    RebalanceProtocol protocol() {
        return protocol;
    }

    State state() {
        return state;
    }

    /** The generation this member last joined, -1 when none (commits then go as simple commits). */
    int generation() {
        return generation;
    }

    String memberId() {
        return memberId;
    }

    String instanceId() {
        return instanceId;
    }

    Set<String> subscribedTopics() {
        return topics;
    }

    /** Subscribes to fixed topics; a change rejoins at the next poll. */
    void subscribe(Set<String> newTopics, RebalanceListener newListener) {
        this.pattern = null;
        this.listener = newListener;
        changeTopics(newTopics);
    }

    /** Subscribes to the topics whose names match, checked every {@code metadata.max.age.ms}. */
    void subscribe(Pattern newPattern, RebalanceListener newListener) {
        this.pattern = newPattern;
        this.listener = newListener;
        this.nextPatternCheckNs = waiter.nowNs();
    }

    private void changeTopics(Set<String> newTopics) {
        if (!newTopics.equals(topics)) {
            topics = Set.copyOf(newTopics);
            network.track(topics);
            if (state == State.JOINING || state == State.SYNCING) {
                subscriptionChangedWhileJoining = true; // the join in flight carries the old topics
            }
            requestRejoin("subscription changed to " + new TreeSet<>(topics));
        }
    }

    boolean isSubscribed() {
        return pattern != null || !topics.isEmpty();
    }

    /** Marks the member for a rejoin at the next advance (after a heartbeat error or a metadata change). */
    void requestRejoin(String why) {
        if (state == State.STABLE) {
            LOG.info("group {} member {}: rejoining, {}", config.groupId(), memberId, why);
            heartbeat.pause();
            state = State.UNJOINED;
        }
    }

    /** The coordinator node, or null while unknown. */
    Node coordinator() {
        return coordinator;
    }

    /** Forgets the coordinator after NOT_COORDINATOR or a failed request: the next advance finds it again. */
    void markCoordinatorUnknown() {
        if (coordinator != null) {
            LOG.info("group {}: coordinator {} unavailable, finding it again", config.groupId(), coordinator);
        }
        coordinator = null;
    }

    /**
     * Moves the membership on as far as answers allow, then returns; poll calls it in a loop with
     * network waits in between. Returns true once the member is stable.
     */
    boolean advance(long nowNs) {
        heartbeat.onPoll(nowNs);
        handleHeartbeatError();
        checkPattern(nowNs);
        checkMetadata();
        if (topics.isEmpty()) {
            return false; // a pattern that matches nothing yet: nothing to join for
        }
        // Answers that are already in are handled at once, without a network wait per step.
        for (int i = 0; i < MAX_STEPS_PER_ADVANCE && state != State.STABLE; i++) {
            if (!step(waiter.nowNs())) {
                break;
            }
        }
        return state == State.STABLE;
    }

    /** One step of the join; false when it waits (an answer not yet in, or a backoff). */
    private boolean step(long nowNs) {
        if (nowNs < retryAtNs) {
            return false;
        }
        if (coordinator == null) {
            boolean sent = findFuture == null;
            findCoordinator();
            return coordinator != null || (sent && findFuture != null && findFuture.isDone());
        }
        switch (state) {
            case UNJOINED:
                sendJoin();
                return joinFuture.isDone();
            case JOINING:
                State before = state;
                boolean waitingForMetadata = leaderMetadata != null;
                boolean waitingForJoin = joinFuture != null && !joinFuture.isDone();
                if (waitingForJoin || (waitingForMetadata && !leaderMetadata.isDone())) {
                    return false;
                }
                onJoin();
                return state != before || leaderMetadata == null || leaderMetadata.isDone();
            case SYNCING:
                if (!syncFuture.isDone()) {
                    return false;
                }
                onSync();
                return true;
            default:
                return false;
        }
    }

    private void handleHeartbeatError() {
        Errors e = heartbeat.takeError();
        if (e == null) {
            return;
        }
        switch (e) {
            case REBALANCE_IN_PROGRESS:
                requestRejoin("the coordinator started a rebalance");
                break;
            case NOT_COORDINATOR:
            case COORDINATOR_NOT_AVAILABLE:
                markCoordinatorUnknown();
                requestRejoin("the coordinator moved");
                break;
            case UNKNOWN_MEMBER_ID:
            case ILLEGAL_GENERATION:
            case FENCED_INSTANCE_ID:
                if (e == Errors.FENCED_INSTANCE_ID) {
                    throw new ConsumerException("group instance id " + instanceId + " was fenced by another member");
                }
                lose(e);
                break;
            default:
                requestRejoin("heartbeat answered " + e);
        }
    }

    /** The member is out of the group: its partitions are gone without an orderly revocation. */
    private void lose(Errors why) {
        Set<TopicPartition> owned = subscriptions.assignment();
        LOG.warn("group {} member {}: dropped ({}), losing {}", config.groupId(), memberId, why, owned);
        heartbeat.pause();
        if (why == Errors.UNKNOWN_MEMBER_ID) {
            memberId = "";
        }
        generation = ConsumerProtocol.NO_GENERATION;
        state = State.UNJOINED;
        if (!owned.isEmpty()) {
            subscriptions.assign(List.of());
            onAssignmentChange.run();
            listener.onPartitionsLost(owned);
        }
    }

    private void checkPattern(long nowNs) {
        if (pattern == null) {
            return;
        }
        if (patternFuture == null && nowNs >= nextPatternCheckNs) {
            patternFuture = network.describeAll();
        }
        if (patternFuture != null && patternFuture.isDone()) {
            CompletableFuture<Cluster> f = patternFuture;
            patternFuture = null;
            nextPatternCheckNs = nowNs + TimeUnit.MILLISECONDS.toNanos(config.clientConfig().metadataMaxAgeMs());
            if (!f.isCompletedExceptionally()) {
                Set<String> matched = new TreeSet<>();
                f.join().topics().keySet().stream().filter(t -> pattern.matcher(t).matches()).forEach(matched::add);
                changeTopics(matched);
            }
        }
    }

    /** The leader rejoins when a subscribed topic's partition count changed since it assigned. */
    private void checkMetadata() {
        if (state != State.STABLE || assignedPartitionCounts.isEmpty()) {
            return;
        }
        Cluster cluster = network.cluster();
        for (Map.Entry<String, Integer> e : assignedPartitionCounts.entrySet()) {
            int now = cluster.partitionCount(e.getKey());
            if (now > 0 && now != e.getValue()) {
                requestRejoin("topic " + e.getKey() + " now has " + now + " partitions");
                return;
            }
        }
    }

    /** Finds the coordinator without joining (commits of a consumer in assign mode, committed offsets). */
    void advanceCoordinatorOnly() {
        if (coordinator == null && waiter.nowNs() >= retryAtNs) {
            findCoordinator();
        }
    }

    private void findCoordinator() {
        if (findFuture == null) {
            Cluster cluster = network.cluster();
            if (cluster.allNodes().isEmpty()) {
                network.invalidateMetadata();
                network.refreshIfStale();
                return;
            }
            List<Node> nodes = new ArrayList<>(cluster.allNodes());
            Node target = nodes.get(random.nextInt(nodes.size()));
            findFuture = network.send(target, ApiKey.FIND_COORDINATOR,
                FindCoordinators.request(FindCoordinators.KEY_TYPE_GROUP, config.groupId()));
            return;
        }
        if (!findFuture.isDone()) {
            return;
        }
        CompletableFuture<GeneratedMessage> f = findFuture;
        findFuture = null;
        if (f.isCompletedExceptionally()) {
            network.invalidateMetadata();
            backOff();
            return;
        }
        FindCoordinators.Coordinator c = FindCoordinators.coordinator((FindCoordinatorResponse) f.join());
        if (c.errorCode() != Errors.NONE.code) {
            Errors e = Errors.forCode(c.errorCode());
            if (!e.retriable) {
                throw new ConsumerException("FindCoordinator for group " + config.groupId() + " failed: " + e);
            }
            backOff();
            return;
        }
        // A connection of its own (as Kafka does), so group requests never queue behind long-polling fetches.
        coordinator = new Node(Integer.MAX_VALUE - c.nodeId(), c.host(), c.port());
        failures = 0;
    }

    private void backOff() {
        retryAtNs = waiter.nowNs() + TimeUnit.MILLISECONDS.toNanos(backoff.backoffMs(failures++, random));
    }

    private void sendJoin() {
        if (protocol == RebalanceProtocol.EAGER && !revokedBeforeJoin) {
            Set<TopicPartition> owned = subscriptions.assignment();
            if (!owned.isEmpty()) {
                commitBeforeRevoke(owned);
                subscriptions.assign(List.of());
                onAssignmentChange.run();
                listener.onPartitionsRevoked(owned);
            }
            revokedBeforeJoin = true;
        }
        List<JoinGroupRequest.JoinGroupRequestProtocol> protocols = new ArrayList<>();
        List<TopicPartition> owned = new ArrayList<>(subscriptions.assignment());
        for (PartitionAssignor a : assignors.values()) {
            byte[] userData = a.subscriptionUserData(topics);
            ConsumerProtocol.Subscription s = new ConsumerProtocol.Subscription(List.copyOf(topics), userData, owned, generation, null);
            protocols.add(new JoinGroupRequest.JoinGroupRequestProtocol(a.name(), ConsumerProtocol.encodeSubscription(s)));
        }
        JoinGroupRequest request = new JoinGroupRequest(config.groupId(), config.sessionTimeoutMs(), config.maxPollIntervalMs(),
            memberId, instanceId, ConsumerProtocol.PROTOCOL_TYPE, protocols, null);
        // v0 has no rebalance timeout (ignorable: the broker then waits the session timeout); below v4 the
        // broker assigns the member id at once instead of answering MEMBER_ID_REQUIRED, which onJoin
        // handles either way. A static member's instance id needs v5.
        joinFuture = network.send(coordinator, ApiKey.JOIN_GROUP, v -> request,
            config.maxPollIntervalMs() + JOIN_EXTRA_TIMEOUT_MS);
        state = State.JOINING;
    }

    private void onJoin() {
        if (leaderMetadata != null) {
            if (leaderMetadata.isDone()) {
                leaderMetadata = null;
                sendSync(joined);
            }
            return;
        }
        if (!joinFuture.isDone()) {
            return;
        }
        CompletableFuture<GeneratedMessage> f = joinFuture;
        joinFuture = null;
        if (f.isCompletedExceptionally()) {
            markCoordinatorUnknown();
            state = State.UNJOINED;
            backOff();
            return;
        }
        JoinGroupResponse response = (JoinGroupResponse) f.join();
        Errors e = Errors.forCode(response.errorCode());
        switch (e) {
            case NONE:
                break;
            case MEMBER_ID_REQUIRED:
                memberId = response.memberId();
                state = State.UNJOINED;
                return;
            case UNKNOWN_MEMBER_ID:
                memberId = "";
                state = State.UNJOINED;
                return;
            case NOT_COORDINATOR:
            case COORDINATOR_NOT_AVAILABLE:
                markCoordinatorUnknown();
                state = State.UNJOINED;
                backOff();
                return;
            case COORDINATOR_LOAD_IN_PROGRESS:
            case REBALANCE_IN_PROGRESS:
            case ILLEGAL_GENERATION:
                state = State.UNJOINED;
                backOff();
                return;
            default:
                throw new ConsumerException("JoinGroup of group " + config.groupId() + " failed: " + e);
        }
        memberId = response.memberId();
        generation = response.generationId();
        protocolName = response.protocolName();
        joined = response;
        if (response.leader().equals(memberId) && !response.skipAssignment()) {
            network.track(LeaderAssignment.subscribedTopics(response));
            network.invalidateMetadata();
            leaderMetadata = network.refreshIfStale();
            return;
        }
        sendSync(response);
    }

    private void sendSync(JoinGroupResponse response) {
        List<SyncGroupRequest.SyncGroupRequestAssignment> assignments = new ArrayList<>();
        if (response.leader().equals(memberId) && !response.skipAssignment()) {
            assignments = assign(response);
        }
        // The protocol type and name (v5+) are ignorable: left out below.
        SyncGroupRequest request = new SyncGroupRequest(config.groupId(), generation, memberId, instanceId,
            ConsumerProtocol.PROTOCOL_TYPE, protocolName, assignments);
        syncFuture = network.send(coordinator, ApiKey.SYNC_GROUP, v -> request);
        state = State.SYNCING;
    }

    private List<SyncGroupRequest.SyncGroupRequestAssignment> assign(JoinGroupResponse response) {
        PartitionAssignor assignor = assignors.get(protocolName);
        if (assignor == null) {
            throw new ConsumerException("the group chose assignor " + protocolName + ", which this member did not offer");
        }
        LeaderAssignment result = LeaderAssignment.compute(assignor, response, network.cluster());
        assignedPartitionCounts = result.partitionCounts();
        LOG.info("group {} generation {}: leader {} assigned with {}: {}", config.groupId(), generation, memberId, protocolName,
            result.byMember());
        return result.assignments();
    }

    private boolean onSync() {
        if (!syncFuture.isDone()) {
            return false;
        }
        CompletableFuture<GeneratedMessage> f = syncFuture;
        syncFuture = null;
        if (f.isCompletedExceptionally()) {
            markCoordinatorUnknown();
            state = State.UNJOINED;
            backOff();
            return false;
        }
        SyncGroupResponse response = (SyncGroupResponse) f.join();
        Errors e = Errors.forCode(response.errorCode());
        switch (e) {
            case NONE:
                break;
            case UNKNOWN_MEMBER_ID:
            case ILLEGAL_GENERATION:
                lose(e);
                return false;
            case NOT_COORDINATOR:
            case COORDINATOR_NOT_AVAILABLE:
                markCoordinatorUnknown();
                state = State.UNJOINED;
                backOff();
                return false;
            case REBALANCE_IN_PROGRESS:
                state = State.UNJOINED;
                return false;
            default:
                throw new ConsumerException("SyncGroup of group " + config.groupId() + " failed: " + e);
        }
        onJoinComplete(ConsumerProtocol.decodeAssignment(ByteBuffer.wrap(response.assignment())));
        return true;
    }

    private void onJoinComplete(ConsumerProtocol.Assignment assignment) {
        failures = 0;
        revokedBeforeJoin = false;
        assignors.get(protocolName).onAssignment(assignment, generation);
        Set<TopicPartition> owned = subscriptions.assignment();
        Set<TopicPartition> assigned = new LinkedHashSet<>(assignment.partitions());
        Set<TopicPartition> revoked = new LinkedHashSet<>(owned);
        revoked.removeAll(assigned);
        Set<TopicPartition> added = new LinkedHashSet<>(assigned);
        added.removeAll(owned);
        state = State.STABLE;
        heartbeat.resume(coordinator, generation, memberId);
        LOG.info("group {} generation {}: member {} assigned {} (added {}, revoked {})", config.groupId(), generation,
            memberId, assigned, added, revoked);
        if (!revoked.isEmpty()) {
            commitBeforeRevoke(revoked);
        }
        subscriptions.assign(assigned);
        network.track(assigned.stream().map(TopicPartition::topic).distinct().toList());
        onAssignmentChange.run();
        committer.needCommitted(added);
        if (!revoked.isEmpty()) {
            listener.onPartitionsRevoked(revoked);
            // Cooperative: the revoked partitions move to their new owner in a second rebalance.
            requestRejoin("revoked " + revoked + " for the cooperative second round");
        }
        listener.onPartitionsAssigned(added);
        if (subscriptionChangedWhileJoining) {
            subscriptionChangedWhileJoining = false;
            requestRejoin("the subscription changed during the join");
        }
    }

    private void commitBeforeRevoke(Set<TopicPartition> partitions) {
        if (config.enableAutoCommit()) {
            committer.commitPositionsQuietly(partitions, waiter.deadlineNs(config.defaultApiTimeoutMs()));
        }
    }

    /**
     * Leaves the group at close: revokes the partitions (committing first when auto-commit is on) and,
     * for a dynamic member, sends LeaveGroup and waits for it until {@code deadlineNs}. A static member
     * stays registered; the coordinator keeps its partitions until its session expires.
     */
    void leave(long deadlineNs) {
        heartbeat.pause();
        Set<TopicPartition> owned = subscriptions.assignment();
        if (!owned.isEmpty() && state == State.STABLE) {
            commitBeforeRevoke(owned);
            listener.onPartitionsRevoked(owned);
        }
        if (instanceId == null && coordinator != null && !memberId.isEmpty()) {
            CompletableFuture<GeneratedMessage> f = network.send(coordinator, ApiKey.LEAVE_GROUP,
                LeaveGroups.request(config.groupId(), memberId, "the consumer is being closed"));
            waiter.awaitDone(f, deadlineNs);
        }
        state = State.UNJOINED;
        memberId = "";
        generation = ConsumerProtocol.NO_GENERATION;
    }

    /** Unsubscribes: leaves like close but keeps the consumer usable. */
    void unsubscribe(long deadlineNs) {
        if (isSubscribed()) {
            leave(deadlineNs);
        }
        topics = Set.of();
        pattern = null;
        subscriptions.assign(List.of());
        onAssignmentChange.run();
    }
}
