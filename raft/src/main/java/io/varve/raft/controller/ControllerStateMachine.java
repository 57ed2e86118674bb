package io.varve.raft.controller;

import io.varve.protocol.Errors;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
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
 * response, never exceptions. The one source of randomness, topic ids, is the {@link Random}
 * injected at construction: a seeded one makes every decision reproducible.
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
     * than the registered brokers), {@link Errors#INVALID_CONFIG}, {@link Errors#POLICY_VIOLATION}
     * (over {@code controller.max.partitions.per.request}). A created topic gets a fresh id, its
     * partitions are placed round-robin over the registered brokers ({@link ReplicaPlacer}) with the
     * first replica as leader at leader epoch 0, and its config overrides are written as given.
     *
     * @param validateOnly check and answer as if creating, but write nothing (no topic id is drawn)
     */
    public ControllerResult<List<CreateTopicResult>> createTopics(MetadataImage image, List<NewTopic> topics,
                                                                  boolean validateOnly) {
        TopicCreation creation = new TopicCreation(config, image);
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
     * (the topic's replication factor exceeds the registered brokers), {@link Errors#POLICY_VIOLATION}.
     */
    public ControllerResult<List<CreatePartitionsResult>> createPartitions(MetadataImage image,
                                                                           List<NewPartitions> topics,
                                                                           boolean validateOnly) {
        TopicCreation creation = new TopicCreation(config, image);
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
     * Registers a broker, or updates its endpoint. {@link Errors#INVALID_REQUEST} for a negative node
     * id, an empty host or a port outside 1-65535. Registering exactly what is registered writes
     * nothing.
     */
    public ControllerResult<RegisterBrokerResult> registerBroker(MetadataImage image, int nodeId, String host, int port,
                                                                 String rack) {
        String invalid = nodeId < 0 ? "node id must not be negative: " + nodeId
            : host == null || host.isEmpty() ? "host must not be empty"
            : port < 1 || port > 65_535 ? "port out of range: " + port
            : null;
        if (invalid != null) {
            return new ControllerResult<>(new RegisterBrokerResult(Errors.INVALID_REQUEST, invalid), List.of());
        }
        if (new BrokerRegistration(nodeId, host, port, rack).equals(image.broker(nodeId))) {
            return new ControllerResult<>(RegisterBrokerResult.OK, List.of());
        }
        return new ControllerResult<>(RegisterBrokerResult.OK,
            List.of(new MetadataRecord.RegisterBroker(nodeId, host, port, rack)));
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
