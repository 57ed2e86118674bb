package io.varve.broker.group;

import io.varve.broker.controller.ControllerChannel;
import io.varve.broker.network.RequestContext;
import io.varve.broker.network.ResponseCallback;
import io.varve.broker.replica.Partition;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.DeleteGroupsRequest;
import io.varve.protocol.generated.DeleteGroupsResponse;
import io.varve.protocol.generated.DescribeGroupsRequest;
import io.varve.protocol.generated.DescribeGroupsResponse;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.HeartbeatResponse;
import io.varve.protocol.generated.JoinGroupRequest;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import io.varve.protocol.generated.ListGroupsRequest;
import io.varve.protocol.generated.ListGroupsResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.protocol.generated.SyncGroupRequest;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator's Singular Update Queue in the broker: one thread owns the
 * {@link GroupCoordinator} and its {@link OffsetManager}, takes requests from a bounded queue in
 * arrival order, ticks the core's timeouts, and follows the metadata image: it loads a
 * {@code __consumer_offsets} partition (replaying its log) when this broker becomes its leader and
 * drops that partition's groups when it stops being leader. Requests for a group whose partition
 * is led elsewhere get NOT_COORDINATOR; while it loads, COORDINATOR_LOAD_IN_PROGRESS. JoinGroup,
 * SyncGroup, LeaveGroup, OffsetCommit and DeleteGroups are answered only once the records written
 * for them are replicated ({@link ReplicationBarrier}), as Kafka writes them with {@code acks=-1}.
 *
 * <p>FindCoordinator is answered on the caller's thread from the published image; the first one
 * creates {@code __consumer_offsets} through the controller.
 *
 * <p>Thread-safe: {@link #handle} and {@link #onImage} may be called from any thread; a full queue
 * answers COORDINATOR_NOT_AVAILABLE at once (the client retries) instead of blocking an event loop.
 * A {@link #driven} coordinator has no thread: its one caller runs the same loop with {@link #doWork()}
 * (the whole-cluster simulation's seam).
 */
public final class GroupCoordinatorService implements AutoCloseable {

    /** FindCoordinator key type of a consumer group. */
    private static final byte KEY_TYPE_GROUP = 0;

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinatorService.class);

    /** Requests waiting for the coordinator thread. */
    public static final int MAX_QUEUED_REQUESTS = 10_000;
    /** The coordinator's timeouts are checked at least this often. */
    private static final long TICK_MS = 50;
    private static final long EXPIRE_OFFSETS_EVERY_MS = 60_000;

    private final int nodeId;
    private final GroupCoordinatorConfig config;
    private final ReplicaManager replicas;
    private final ControllerChannel controller;
    private final Clock clock;
    private final GroupCoordinator core;
    private final OffsetManager offsets;
    private final OffsetsPartitionLog partitionLog;
    /** Answers held until the group records written before them are replicated. Loop thread only. */
    private final ReplicationBarrier barrier;
    /** Whether the barrier holds answers: read by the high-water-mark listener on any thread. */
    private volatile boolean holding;
    /** A wake-up is queued for the loop: at most one at a time. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final BlockingQueue<Runnable> queue = new ArrayBlockingQueue<>(MAX_QUEUED_REQUESTS);
    /** The loop thread; null for a {@link #driven} coordinator. */
    private final Thread thread;
    private final AtomicBoolean creatingTopic = new AtomicBoolean();
    /** Offsets-topic partitions loaded here: read by FindCoordinator on any thread. */
    private final Set<Integer> loaded = ConcurrentHashMap.newKeySet();
    /** The newest image not yet followed; taken by the loop. */
    private final AtomicReference<MetadataImage> pendingImage = new AtomicReference<>();
    /** lastAppliedOffset of the image the loop followed last: older images that arrive late are skipped. */
    private long followedOffset = Long.MIN_VALUE;
    private volatile boolean running = true;
    private long lastExpiryMs;

    public GroupCoordinatorService(int nodeId, GroupCoordinatorConfig config, ReplicaManager replicas,
            ControllerChannel controller, Clock clock) {
        this(nodeId, config, replicas, controller, clock, () -> UUID.randomUUID().toString(), true);
    }

    /**
     * A coordinator without a thread of its own, for the whole-cluster simulation: the caller drives it
     * with {@link #doWork()} on its one thread, with time from {@code clock} and member ids from
     * {@code memberIdSuffix}, so that a seed replays exactly. Not thread-safe, unlike the threaded one.
     */
    public static GroupCoordinatorService driven(int nodeId, GroupCoordinatorConfig config, ReplicaManager replicas,
            ControllerChannel controller, Clock clock, Supplier<String> memberIdSuffix) {
        return new GroupCoordinatorService(nodeId, config, replicas, controller, clock, memberIdSuffix, false);
    }

    private GroupCoordinatorService(int nodeId, GroupCoordinatorConfig config, ReplicaManager replicas,
            ControllerChannel controller, Clock clock, Supplier<String> memberIdSuffix, boolean ownThread) {
        this.nodeId = nodeId;
        this.config = config;
        this.replicas = replicas;
        this.controller = controller;
        this.clock = clock;
        this.barrier = new ReplicationBarrier(config.offsetsTopicNumPartitions(), config.offsetsCommitTimeoutMs(),
            replicas.rules());
        this.partitionLog = new OffsetsPartitionLog(replicas, config.offsetsTopicNumPartitions(), clock, barrier);
        replicas.onHighWatermark(this::onHighWatermark);
        this.core = new GroupCoordinator(config, partitionLog, memberIdSuffix);
        this.offsets = new OffsetManager(core);
        this.pendingImage.set(replicas.image());
        if (ownThread) {
            this.thread = new Thread(this::run, "varve-group-coordinator");
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.thread = null;
        }
    }

    /** Tells the coordinator about a new image; the loop loads and unloads partitions to match. */
    public void onImage(MetadataImage image) {
        pendingImage.accumulateAndGet(image, (current, next) ->
            current == null || next.lastAppliedOffset() >= current.lastAppliedOffset() ? next : current);
    }

    private void run() {
        while (running) {
            try {
                turn(queue.poll(TICK_MS, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("Group coordinator task failed", e);
            }
        }
    }

    /**
     * Drives a {@link #driven} coordinator on the caller's thread: runs every queued request (at most
     * {@link #MAX_QUEUED_REQUESTS}), each turn following the newest image, ticking the groups' timeouts
     * and answering the held responses that are replicated, timed out or no longer led here, as the
     * coordinator's thread does. A failure propagates to the caller.
     *
     * @return the turns taken (at least one)
     */
    public int doWork() {
        if (thread != null) {
            throw new IllegalStateException("this coordinator is driven by its own thread");
        }
        int turns = 0;
        do {
            turn(queue.poll());
            turns++;
        } while (!queue.isEmpty() && turns < MAX_QUEUED_REQUESTS);
        return turns;
    }

    /** One turn of the loop: the newest image, then {@code task} (may be null), then timeouts. */
    private void turn(Runnable task) {
        MetadataImage image = pendingImage.getAndSet(null);
        if (image != null && image.lastAppliedOffset() >= followedOffset) {
            followedOffset = image.lastAppliedOffset();
            followImage(image);
        }
        if (task != null) {
            task.run();
        }
        long now = clock.wallClockMs();
        core.tick(now);
        barrier.check(this::ledPartition, now);
        holding = !barrier.isEmpty();
        if (now - lastExpiryMs >= EXPIRE_OFFSETS_EVERY_MS) {
            lastExpiryMs = now;
            offsets.expireOffsets(now);
        }
    }

    // ------------------------------------------------------------------------------- partitions

    private void followImage(MetadataImage image) {
        TopicImage topic = image.topic(OffsetsTopic.NAME);
        Set<Integer> led = new HashSet<>();
        if (topic != null) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() == nodeId && p.partitionIndex() < config.offsetsTopicNumPartitions()) {
                    led.add(p.partitionIndex());
                }
            }
        }
        for (Integer p : new ArrayList<>(loaded)) {
            if (!led.contains(p)) {
                unload(p);
            }
        }
        for (Integer p : led) {
            if (!loaded.contains(p)) {
                load(p);
            }
        }
    }

    private void load(int partitionIndex) {
        Partition partition = replicas.partition(new TopicPartition(OffsetsTopic.NAME, partitionIndex));
        if (partition == null) {
            return;
        }
        GroupLoader loader = new GroupLoader();
        long records = OffsetsLogReader.replay(partition.log(), loader);
        loader.finish(core, clock.wallClockMs());
        barrier.loaded(partitionIndex, partition.logEndOffset());
        loaded.add(partitionIndex);
        if (records > 0) {
            LOG.info("Loaded {} records of {}-{}", records, OffsetsTopic.NAME, partitionIndex);
        }
    }

    private void unload(int partitionIndex) {
        loaded.remove(partitionIndex);
        core.unload(groupId -> partitionFor(groupId) == partitionIndex);
        LOG.info("Unloaded the groups of {}-{}: this node no longer leads it", OffsetsTopic.NAME, partitionIndex);
    }

    private int partitionFor(String groupId) {
        return OffsetsTopic.partitionFor(groupId, config.offsetsTopicNumPartitions());
    }

    /** The offsets partition {@code index} if this node leads it, else null. */
    private Partition ledPartition(int index) {
        return replicas.partition(new TopicPartition(OffsetsTopic.NAME, index));
    }

    /**
     * Any thread, on every high-water-mark move of any partition (so it stays cheap): wakes the loop
     * to answer held responses when an offsets partition moved while some are held.
     */
    private void onHighWatermark(TopicPartition tp) {
        if (holding && tp.topic().equals(OffsetsTopic.NAME) && wakeQueued.compareAndSet(false, true)) {
            if (!queue.offer(() -> wakeQueued.set(false))) {
                wakeQueued.set(false); // a full queue wakes the loop anyway
            }
        }
    }

    /**
     * {@code done}, answered only once everything this coordinator wrote to the partitions of
     * {@code groupIds} before the answer is replicated ({@link ReplicationBarrier}).
     */
    private ResponseCallback afterReplication(RequestContext context, GeneratedMessage request, ResponseCallback done,
                                              String... groupIds) {
        int[] partitions = new int[groupIds.length];
        for (int i = 0; i < groupIds.length; i++) {
            partitions[i] = partitionFor(groupIds[i]);
        }
        return response -> {
            barrier.respond(partitions, request, context.apiVersion(), response, done, this::ledPartition,
                clock.wallClockMs());
            holding = !barrier.isEmpty();
        };
    }

    /** NONE when this node serves {@code groupId} now; else why not. Loop thread only. */
    private Errors ownership(String groupId) {
        int p = partitionFor(groupId);
        if (loaded.contains(p)) {
            return Errors.NONE;
        }
        return replicas.partition(new TopicPartition(OffsetsTopic.NAME, p)) != null
            ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NOT_COORDINATOR;
    }

    // --------------------------------------------------------------------------------- requests

    /** Serves one group API request; answers through {@code done}, now or later. */
    public void handle(RequestContext context, GeneratedMessage request, ResponseCallback done) {
        if (request instanceof FindCoordinatorRequest find) {
            done.respond(findCoordinator(find, context.apiVersion()));
            return;
        }
        String clientHost = context.remoteAddress() instanceof InetSocketAddress a
            ? "/" + a.getAddress().getHostAddress() : String.valueOf(context.remoteAddress());
        boolean queued = queue.offer(() -> serve(context, clientHost, request, done));
        if (!queued) {
            done.respond(ErrorResponses.of(request, context.apiVersion(), Errors.COORDINATOR_NOT_AVAILABLE));
        }
    }

    private void serve(RequestContext context, String clientHost, GeneratedMessage request, ResponseCallback done) {
        long now = clock.wallClockMs();
        short version = context.apiVersion();
        switch (context.apiKey()) {
            case JOIN_GROUP -> {
                JoinGroupRequest r = GroupVersions.join((JoinGroupRequest) request, version);
                Errors owner = ownership(r.groupId());
                ResponseCallback answer = afterReplication(context, r, done, r.groupId());
                if (owner != Errors.NONE) {
                    done.respond(GroupVersions.join(GroupCoordinator.joinError(owner, r.memberId()), version));
                } else {
                    core.join(r, version >= 4, context.clientId(), clientHost, now,
                        response -> answer.respond(GroupVersions.join(response, version)));
                }
            }
            case SYNC_GROUP -> {
                SyncGroupRequest r = (SyncGroupRequest) request;
                Errors owner = ownership(r.groupId());
                if (owner != Errors.NONE) {
                    done.respond(GroupCoordinator.syncError(owner));
                } else {
                    ResponseCallback answer = afterReplication(context, r, done, r.groupId());
                    core.sync(r, now, response -> answer.respond(GroupVersions.sync(response, version)));
                }
            }
            case HEARTBEAT -> {
                HeartbeatRequest r = (HeartbeatRequest) request;
                Errors owner = ownership(r.groupId());
                done.respond(owner != Errors.NONE ? new HeartbeatResponse(0, owner.code) : core.heartbeat(r, now));
            }
            case LEAVE_GROUP -> {
                LeaveGroupRequest r = GroupVersions.leave((LeaveGroupRequest) request, version);
                Errors owner = ownership(r.groupId());
                if (owner != Errors.NONE) {
                    done.respond(new LeaveGroupResponse(0, owner.code, List.of()));
                } else {
                    afterReplication(context, r, done, r.groupId())
                        .respond(GroupVersions.leave(core.leave(r, now), version));
                }
            }
            case OFFSET_COMMIT -> {
                OffsetCommitRequest r = (OffsetCommitRequest) request;
                Errors owner = ownership(r.groupId());
                if (owner != Errors.NONE) {
                    done.respond(ErrorResponses.of(r, version, owner));
                } else if (version >= 10) {
                    OffsetCommitRequest named = TopicIds.named(r, replicas.image());
                    afterReplication(context, r, done, r.groupId())
                        .respond(TopicIds.byId(offsets.commit(named, version, now), named));
                } else {
                    afterReplication(context, r, done, r.groupId()).respond(offsets.commit(r, version, now));
                }
            }
            case OFFSET_FETCH -> done.respond(offsetFetch((OffsetFetchRequest) request, version));
            case LIST_GROUPS -> {
                ListGroupsRequest r = (ListGroupsRequest) request;
                done.respond(new ListGroupsResponse(0, Errors.NONE.code, offsets.list(r.statesFilter(),
                    r.typesFilter())));
            }
            case DESCRIBE_GROUPS -> {
                List<DescribeGroupsResponse.DescribedGroup> out = new ArrayList<>();
                for (String g : ((DescribeGroupsRequest) request).groups()) {
                    Errors owner = ownership(g);
                    out.add(owner != Errors.NONE ? ErrorResponses.describedGroupError(g, owner)
                        : offsets.describe(g, version));
                }
                done.respond(new DescribeGroupsResponse(0, out));
            }
            case DELETE_GROUPS -> {
                List<DeleteGroupsResponse.DeletableGroupResult> out = new ArrayList<>();
                List<String> deleted = new ArrayList<>();
                for (String g : ((DeleteGroupsRequest) request).groupsNames()) {
                    Errors owner = ownership(g);
                    out.add(owner != Errors.NONE ? new DeleteGroupsResponse.DeletableGroupResult(g, owner.code)
                        : offsets.delete(g, now));
                    if (owner == Errors.NONE) {
                        deleted.add(g);
                    }
                }
                afterReplication(context, request, done, deleted.toArray(String[]::new))
                    .respond(new DeleteGroupsResponse(0, out));
            }
            default -> throw new IllegalArgumentException("not a group API: " + context.apiKey());
        }
    }

    /**
     * OffsetFetch: v8+ batches groups; before v8 one group at top level (null topics = all committed from
     * v2), with the group's error at top level from v2 and on every partition (as Kafka does).
     */
    private OffsetFetchResponse offsetFetch(OffsetFetchRequest request, short version) {
        if (version < 8) {
            Errors owner = ownership(request.groupId());
            if (owner != Errors.NONE) {
                return (OffsetFetchResponse) ErrorResponses.of(request, version, owner);
            }
            return GroupVersions.singleGroup(offsets.fetch(GroupVersions.singleGroup(request)), version);
        }
        List<OffsetFetchResponse.OffsetFetchResponseGroup> out = new ArrayList<>();
        for (OffsetFetchRequest.OffsetFetchRequestGroup g : request.groups()) {
            Errors owner = ownership(g.groupId());
            if (owner != Errors.NONE) {
                out.add(new OffsetFetchResponse.OffsetFetchResponseGroup(g.groupId(), List.of(), owner.code));
            } else if (version >= 10) { // topics by id (KIP-848)
                MetadataImage image = replicas.image();
                out.add(TopicIds.byId(offsets.fetch(TopicIds.named(g, image)), g, image));
            } else {
                out.add(offsets.fetch(g));
            }
        }
        return new OffsetFetchResponse(0, List.of(), (short) 0, out);
    }

    /** FindCoordinator: batched keys from v4; before v4 one key (group type unless v1+ says otherwise). */
    private FindCoordinatorResponse findCoordinator(FindCoordinatorRequest request, short version) {
        if (version < 4) {
            FindCoordinatorResponse.Coordinator c = coordinator(request.key(), request.keyType());
            return FindCoordinatorResponse.builder().errorCode(c.errorCode())
                .errorMessage(version >= 1 ? c.errorMessage() : null).nodeId(c.nodeId()).host(c.host())
                .port(c.port()).build();
        }
        List<FindCoordinatorResponse.Coordinator> out = new ArrayList<>();
        for (String key : request.coordinatorKeys()) {
            out.add(coordinator(key, request.keyType()));
        }
        return FindCoordinatorResponse.builder().coordinators(out).build();
    }

    private FindCoordinatorResponse.Coordinator coordinator(String key, byte keyType) {
        if (keyType != KEY_TYPE_GROUP) {
            return new FindCoordinatorResponse.Coordinator(key, -1, "", -1, Errors.INVALID_REQUEST.code,
                "only consumer group coordinators are served");
        }
        if (key.isEmpty()) {
            return coordinatorError(key, Errors.INVALID_GROUP_ID);
        }
        MetadataImage image = replicas.image();
        TopicImage topic = image.topic(OffsetsTopic.NAME);
        if (topic == null) {
            createOffsetsTopic();
            return coordinatorError(key, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        int p = partitionFor(key);
        PartitionImage partition = topic.partition(p);
        BrokerRegistration leader = partition == null ? null : image.broker(partition.leader());
        boolean loading = partition != null && partition.leader() == nodeId && !loaded.contains(p);
        if (leader == null || loading) {
            return coordinatorError(key, Errors.COORDINATOR_NOT_AVAILABLE);
        }
        return new FindCoordinatorResponse.Coordinator(key, leader.nodeId(), leader.host(), leader.port(),
            Errors.NONE.code, null);
    }

    private static FindCoordinatorResponse.Coordinator coordinatorError(String key, Errors error) {
        return new FindCoordinatorResponse.Coordinator(key, -1, "", -1, error.code, null);
    }

    /**
     * Asks the controller once at a time for {@code __consumer_offsets}: compacted, so the last
     * commit of each group and partition survives (and a load replays little more than that), with
     * Kafka's 100 MiB segments for this topic.
     */
    private void createOffsetsTopic() {
        if (!creatingTopic.compareAndSet(false, true)) {
            return;
        }
        NewTopic topic = new NewTopic(OffsetsTopic.NAME, config.offsetsTopicNumPartitions(),
            config.offsetsTopicReplicationFactor(), Map.of("cleanup.policy", "compact", "segment.bytes", Integer.toString(100 * 1024 * 1024)));
        controller.createTopics(List.of(topic), false)
            .whenComplete((results, error) -> {
                creatingTopic.set(false);
                if (error != null) {
                    LOG.warn("Creating {} failed", OffsetsTopic.NAME, error);
                } else if (results.get(0).error() != Errors.NONE && results.get(0).error() != Errors.TOPIC_ALREADY_EXISTS) {
                    LOG.warn("Creating {} failed: {} {}", OffsetsTopic.NAME, results.get(0).error(),
                        results.get(0).message());
                }
            });
    }

    // -------------------------------------------------------------------------------------- lag

    /**
     * Consumer lag of every group this node coordinates, computed on the coordinator thread at call
     * time against each partition's high-water mark (partitions not led here are left out). For
     * metrics at scrape time.
     */
    public CompletableFuture<List<OffsetManager.GroupLag>> lag() {
        CompletableFuture<List<OffsetManager.GroupLag>> result = new CompletableFuture<>();
        boolean queued = queue.offer(() -> result.complete(offsets.lag(tp -> {
            Partition p = replicas.partition(tp);
            return p == null ? -1L : p.highWatermark();
        })));
        if (!queued) {
            result.completeExceptionally(new IllegalStateException("the group coordinator's queue is full"));
        }
        return result;
    }

    /** Stops the loop (bounded wait); waiting requests are not answered (their connections close). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(10_000);
        }
    }
}
