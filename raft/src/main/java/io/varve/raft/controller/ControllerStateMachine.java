package io.varve.raft.controller;

import io.varve.protocol.Errors;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The controller's decisions, as a pure function of the current {@link MetadataImage} and a command:
 * each method validates the command and returns a {@link ControllerResult} with the response and the
 * {@link MetadataRecord}s that carry out the change. It reads no clock, touches no file, and changes
 * no image: the caller appends the records to the metadata log, waits until they are durable, applies
 * them, and only then replies (persist before reply). Applying the records to the image that was
 * passed in gives exactly the state the response describes.
 *
 * <p>Expected refusals (a topic that exists, too few brokers, a bad config) are errors in the
 * response, never exceptions. The one source of randomness (topic ids, where a placement starts) is the
 * {@link Random} injected at construction: a seeded one makes every decision reproducible. Broker
 * liveness comes in as data: heartbeats and the list of brokers whose lease expired, which the
 * {@link Controller} tracks with the clock it is given.
 *
 * <p>Not thread-safe (the {@link Random} is state): driven by the controller's single thread.
 */
public final class ControllerStateMachine {

    private final ControllerConfig config;
    private final Random random;

    public ControllerStateMachine(ControllerConfig config, Random random) {
        this.config = Objects.requireNonNull(config, "config");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * CreateTopics. Per topic, in this order: {@link Errors#INVALID_REQUEST} (named twice),
     * {@link Errors#INVALID_TOPIC_EXCEPTION}, {@link Errors#TOPIC_ALREADY_EXISTS},
     * {@link Errors#INVALID_PARTITIONS}, {@link Errors#INVALID_REPLICATION_FACTOR} (below 1, or more
     * than the active brokers), {@link Errors#INVALID_CONFIG}, {@link Errors#POLICY_VIOLATION}
     * (over {@code controller.max.partitions.per.request}). A created topic gets a fresh id, its
     * partitions are placed over the active (unfenced) brokers, rack-aware, from a random ring position
     * ({@link ReplicaPlacer}) with the first replica as leader at leader epoch 0, and its config
     * overrides are written as given.
     *
     * @param validateOnly check and answer as if creating, but write nothing (no topic id is drawn)
     */
    public ControllerResult<List<CreateTopicResult>> createTopics(MetadataImage image, List<NewTopic> topics,
                                                                  boolean validateOnly) {
        TopicCreation creation = new TopicCreation(config, image, random);
        Set<UUID> drawn = new HashSet<>();
        List<CreateTopicResult> results = new ArrayList<>(topics.size());
        for (NewTopic topic : topics) {
            results.add(creation.create(topic, validateOnly, () -> newTopicId(image, drawn)));
        }
        return new ControllerResult<>(results, creation.records());
    }

    /**
     * CreatePartitions: raises each topic's partition count to {@code totalCount}. Per topic:
     * {@link Errors#INVALID_REQUEST} (named twice), {@link Errors#UNKNOWN_TOPIC_OR_PARTITION},
     * {@link Errors#INVALID_PARTITIONS} (not larger than now), {@link Errors#INVALID_REPLICATION_FACTOR}
     * (the topic's replication factor exceeds the active brokers), {@link Errors#POLICY_VIOLATION}.
     */
    public ControllerResult<List<CreatePartitionsResult>> createPartitions(MetadataImage image,
                                                                           List<NewPartitions> topics,
                                                                           boolean validateOnly) {
        TopicCreation creation = new TopicCreation(config, image, random);
        List<CreatePartitionsResult> results = new ArrayList<>(topics.size());
        for (NewPartitions topic : topics) {
            results.add(creation.addPartitions(topic, validateOnly));
        }
        return new ControllerResult<>(results, creation.records());
    }

    /**
     * DeleteTopics by name or id. Per topic: {@link Errors#UNKNOWN_TOPIC_OR_PARTITION} (unknown name),
     * {@link Errors#UNKNOWN_TOPIC_ID} (unknown id), {@link Errors#INVALID_REQUEST} (the same topic twice),
     * else deleted with one {@link MetadataRecord.RemoveTopic}.
     */
    public ControllerResult<List<DeleteTopicResult>> deleteTopics(MetadataImage image, List<TopicRef> topics) {
        List<DeleteTopicResult> results = new ArrayList<>(topics.size());
        List<MetadataRecord> records = new ArrayList<>();
        Set<UUID> deleted = new HashSet<>();
        for (TopicRef ref : topics) {
            TopicImage topic = ref.name() != null ? image.topic(ref.name()) : image.topic(ref.topicId());
            if (topic == null && ref.name() != null) {
                results.add(new DeleteTopicResult(ref.name(), null, Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Topic '" + ref.name() + "' does not exist."));
            } else if (topic == null) {
                results.add(new DeleteTopicResult(null, ref.topicId(), Errors.UNKNOWN_TOPIC_ID,
                    "Topic id " + ref.topicId() + " does not exist."));
            } else if (!deleted.add(topic.topicId())) {
                results.add(new DeleteTopicResult(topic.name(), topic.topicId(), Errors.INVALID_REQUEST,
                    "Topic '" + topic.name() + "' is named twice in the request."));
            } else {
                records.add(new MetadataRecord.RemoveTopic(topic.topicId()));
                results.add(new DeleteTopicResult(topic.name(), topic.topicId(), Errors.NONE, null));
            }
        }
        return new ControllerResult<>(results, records);
    }

    /**
     * AllocateProducerIds: the next {@value ControllerConfig#PRODUCER_ID_BLOCK_SIZE} ids for a
     * registered broker ({@link Errors#BROKER_ID_NOT_REGISTERED} otherwise;
     * {@link Errors#UNKNOWN_SERVER_ERROR} if the id space is exhausted).
     */
    public ControllerResult<ProducerIdBlock> allocateProducerIds(MetadataImage image, int nodeId) {
        if (image.broker(nodeId) == null) {
            return new ControllerResult<>(ProducerIdBlock.failed(Errors.BROKER_ID_NOT_REGISTERED), List.of());
        }
        long first = image.nextProducerId();
        if (first > Long.MAX_VALUE - ControllerConfig.PRODUCER_ID_BLOCK_SIZE) {
            return new ControllerResult<>(ProducerIdBlock.failed(Errors.UNKNOWN_SERVER_ERROR), List.of());
        }
        long next = first + ControllerConfig.PRODUCER_ID_BLOCK_SIZE;
        return new ControllerResult<>(new ProducerIdBlock(Errors.NONE, first, ControllerConfig.PRODUCER_ID_BLOCK_SIZE),
            List.of(new MetadataRecord.ProducerIds(nodeId, next)));
    }

    /**
     * Registers a new incarnation of a broker: {@link Errors#INVALID_REQUEST} for a negative node id, an
     * empty host or a port outside 1-65535. Otherwise one {@link MetadataRecord.RegisterBroker}, whose
     * offset becomes the broker epoch, replaces any earlier incarnation; the broker is fenced until it
     * heartbeats with that epoch. If the earlier incarnation was unfenced, its leaderships and ISR places
     * are taken away first, as if it had been fenced (it restarted; its state is unknown).
     */
    public ControllerResult<RegisterBrokerResult> registerBroker(MetadataImage image, int nodeId, String host, int port,
                                                                 String rack) {
        String invalid = nodeId < 0 ? "node id must not be negative: " + nodeId
            : host == null || host.isEmpty() ? "host must not be empty"
            : port < 1 || port > 65_535 ? "port out of range: " + port
            : null;
        if (invalid != null) {
            return new ControllerResult<>(new RegisterBrokerResult(Errors.INVALID_REQUEST, invalid,
                RegisterBrokerResult.NO_EPOCH), List.of());
        }
        List<MetadataRecord> records = new ArrayList<>();
        BrokerRegistration previous = image.broker(nodeId);
        if (previous != null && !previous.fenced()) {
            records.addAll(PartitionLeadership.withoutBrokers(image, Set.of(nodeId), config));
        }
        records.add(new MetadataRecord.RegisterBroker(nodeId, host, port, rack));
        return new ControllerResult<>(RegisterBrokerResult.OK, records);
    }

    /** {@link #brokerHeartbeat(MetadataImage, int, long, boolean, boolean)} from a broker whose log directories are online. */
    public ControllerResult<HeartbeatResult> brokerHeartbeat(MetadataImage image, int nodeId, long brokerEpoch,
                                                             boolean wantShutDown) {
        return brokerHeartbeat(image, nodeId, brokerEpoch, wantShutDown, false);
    }

    /**
     * A heartbeat of broker {@code nodeId} at {@code brokerEpoch}: {@link Errors#BROKER_ID_NOT_REGISTERED}
     * or {@link Errors#STALE_BROKER_EPOCH} if that is not a registered incarnation. Else:
     * <ul>
     *   <li>{@code wantShutDown} (controlled shutdown): the broker is marked
     *       {@link MetadataRecord.BrokerControlledShutdown}, every partition it leads moves to another
     *       active ISR member with a bumped leader epoch, it leaves every ISR it is not the last member
     *       of, and the answer, valid once these records are committed, is {@code shouldShutDown}. A
     *       fenced broker may shut down at once.</li>
     *   <li>a fenced broker is unfenced ({@link MetadataRecord.UnfenceBroker}) and takes the lead of the
     *       leaderless partitions whose ISR holds it ({@link PartitionLeadership#withReturningBroker}),
     *       unless it reports a log directory offline.</li>
     *   <li>{@code logDirOffline}, the first time this incarnation reports it (Kafka's
     *       {@code OfflineLogDirs}, KIP-858): exactly what fencing does to its partitions (leaderships move
     *       to other active ISR members with bumped leader epochs, it leaves every ISR it is not the last
     *       member of), then {@link MetadataRecord.BrokerLogDirOffline}; it stays registered, its lease
     *       renewed, and is no candidate for leadership or ISR until it registers again.</li>
     *   <li>otherwise nothing is written: the heartbeat only renews the lease, which the
     *       {@link Controller} keeps.</li>
     * </ul>
     */
    public ControllerResult<HeartbeatResult> brokerHeartbeat(MetadataImage image, int nodeId, long brokerEpoch,
                                                             boolean wantShutDown, boolean logDirOffline) {
        BrokerRegistration broker = image.broker(nodeId);
        if (broker == null) {
            return new ControllerResult<>(HeartbeatResult.failed(Errors.BROKER_ID_NOT_REGISTERED), List.of());
        }
        if (broker.epoch() != brokerEpoch) {
            return new ControllerResult<>(HeartbeatResult.failed(Errors.STALE_BROKER_EPOCH), List.of());
        }
        List<MetadataRecord> records = new ArrayList<>();
        if (wantShutDown) {
            if (broker.fenced()) {
                return new ControllerResult<>(new HeartbeatResult(Errors.NONE, true, true), List.of());
            }
            if (!broker.inControlledShutdown()) {
                records.add(new MetadataRecord.BrokerControlledShutdown(nodeId, brokerEpoch));
            }
            records.addAll(PartitionLeadership.withoutBrokers(image, Set.of(nodeId), config));
            return new ControllerResult<>(new HeartbeatResult(Errors.NONE, false, true), records);
        }
        boolean offline = logDirOffline || broker.logDirOffline();
        if (logDirOffline && !broker.logDirOffline()) {
            records.addAll(PartitionLeadership.withoutBrokers(image, Set.of(nodeId), config));
            records.add(new MetadataRecord.BrokerLogDirOffline(nodeId, brokerEpoch));
        }
        if (broker.fenced() && !broker.inControlledShutdown()) {
            records.add(new MetadataRecord.UnfenceBroker(nodeId, brokerEpoch));
            if (!offline) {
                records.addAll(PartitionLeadership.withReturningBroker(image, nodeId, config));
            }
        }
        // A broker in controlled shutdown stays fenced; any other is unfenced by this heartbeat.
        return new ControllerResult<>(new HeartbeatResult(Errors.NONE, broker.fenced() && broker.inControlledShutdown(),
            false), records);
    }

    /**
     * Fences the brokers {@code nodeIds} (their leases expired): their leaderships move to other active
     * ISR members with bumped leader epochs, they leave the ISRs they are not the last member of, then
     * one {@link MetadataRecord.FenceBroker} each. Brokers that are unknown or already fenced are skipped.
     */
    public ControllerResult<Void> fenceBrokers(MetadataImage image, List<Integer> nodeIds) {
        Set<Integer> fencing = new TreeSet<>();
        for (int nodeId : nodeIds) {
            BrokerRegistration broker = image.broker(nodeId);
            if (broker != null && !broker.fenced()) {
                fencing.add(nodeId);
            }
        }
        List<MetadataRecord> records = new ArrayList<>(PartitionLeadership.withoutBrokers(image, fencing, config));
        for (int nodeId : fencing) {
            records.add(new MetadataRecord.FenceBroker(nodeId, image.broker(nodeId).epoch()));
        }
        return new ControllerResult<>(null, records);
    }

    /**
     * AlterPartition: the leader of a partition asks to change its ISR to {@code newIsr} (it dropped a
     * lagging follower, or re-admitted one that caught up). Refused, in this order, for an unknown
     * partition, a sender that is not the leader, a leader epoch other than the current one, a partition
     * epoch other than the current one (a change raced with another), an ISR without the leader or with
     * a member twice, and members that are not replicas or not active brokers (see
     * {@link AlterPartitionResult}). Else one {@link MetadataRecord.Partition} with the new ISR, the same
     * leader and leader epoch, and the partition epoch plus one.
     */
    public ControllerResult<AlterPartitionResult> alterPartition(MetadataImage image, UUID topicId, int partition,
                                                                 int leaderId, int leaderEpoch, int[] newIsr,
                                                                 int partitionEpoch) {
        TopicImage topic = image.topic(topicId);
        PartitionImage p = topic == null ? null : topic.partition(partition);
        Errors error = p == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION
            : leaderEpoch < p.leaderEpoch() ? Errors.FENCED_LEADER_EPOCH
            : leaderEpoch > p.leaderEpoch() ? Errors.UNKNOWN_LEADER_EPOCH
            : leaderId != p.leader() ? Errors.NOT_LEADER_OR_FOLLOWER
            : partitionEpoch != p.partitionEpoch() ? Errors.INVALID_UPDATE_VERSION
            : invalidIsr(image, p, newIsr);
        if (error != Errors.NONE) {
            return new ControllerResult<>(AlterPartitionResult.failed(error), List.of());
        }
        MetadataRecord.Partition record = new MetadataRecord.Partition(topicId, partition, p.replicas(), newIsr,
            p.leader(), p.leaderEpoch(), p.partitionEpoch() + 1);
        return new ControllerResult<>(new AlterPartitionResult(Errors.NONE, p.leaderEpoch(), p.partitionEpoch() + 1,
            newIsr), List.of(record));
    }

    private static Errors invalidIsr(MetadataImage image, PartitionImage p, int[] newIsr) {
        Set<Integer> members = new HashSet<>();
        for (int id : newIsr) {
            if (!members.add(id)) {
                return Errors.INVALID_REQUEST;
            }
        }
        if (!members.contains(p.leader())) {
            return Errors.INVALID_REQUEST;
        }
        for (int id : newIsr) {
            BrokerRegistration broker = image.broker(id);
            if (!p.isReplica(id) || broker == null || !broker.isActive()) {
                return Errors.INELIGIBLE_REPLICA;
            }
        }
        return Errors.NONE;
    }

    /** A random topic id that is not the zero or reserved id, and is used by no topic in the image or request. */
    private UUID newTopicId(MetadataImage image, Set<UUID> drawn) {
        while (true) {
            UUID id = new UUID(random.nextLong(), random.nextLong());
            boolean reserved = id.getMostSignificantBits() == 0 && (id.getLeastSignificantBits() & ~1L) == 0;
            if (!reserved && image.topic(id) == null && drawn.add(id)) {
                return id;
            }
        }
    }
}
