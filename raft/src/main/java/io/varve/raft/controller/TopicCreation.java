package io.varve.raft.controller;

import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.ConfigResourceType;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The rules of CreateTopics and CreatePartitions, for {@link ControllerStateMachine}: validates each
 * topic against the image and against the topics before it in the same request, and writes the
 * records of those that pass. One instance serves one request.
 *
 * <p>Not thread-safe; used on the controller's thread only.
 */
final class TopicCreation {

    private final ControllerConfig config;
    private final MetadataImage image;
    private final ReplicaPlacer placer;
    private final Random random;
    private final List<MetadataRecord> records = new ArrayList<>();
    private final Set<String> namesInRequest = new HashSet<>();
    private final Set<String> created = new HashSet<>();
    private int partitionsCreated;

    TopicCreation(ControllerConfig config, MetadataImage image, Random random) {
        this.config = config;
        this.image = image;
        this.placer = new ReplicaPlacer(image.activeBrokers());
        this.random = random;
    }

    List<MetadataRecord> records() {
        return records;
    }

    /** Validates {@code topic} and, unless {@code validateOnly}, writes its records with an id from {@code ids}. */
    CreateTopicResult create(NewTopic topic, boolean validateOnly, Supplier<UUID> ids) {
        String name = topic.name();
        if (!namesInRequest.add(String.valueOf(name))) {
            return CreateTopicResult.failed(name, Errors.INVALID_REQUEST, "Duplicate topic name in the request: " + name);
        }
        if (!TopicPartition.isValidTopicName(name)) {
            return CreateTopicResult.failed(name, Errors.INVALID_TOPIC_EXCEPTION, "Invalid topic name: '" + name
                + "': 1 to " + TopicPartition.MAX_TOPIC_LENGTH + " characters of [a-zA-Z0-9._-], not '.' or '..'");
        }
        if (image.topic(name) != null || created.contains(name)) {
            return CreateTopicResult.failed(name, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + name + "' already exists.");
        }
        int partitions = topic.numPartitions() == NewTopic.DEFAULT ? config.defaultNumPartitions() : topic.numPartitions();
        if (partitions < 1) {
            return CreateTopicResult.failed(name, Errors.INVALID_PARTITIONS,
                "Number of partitions must be larger than 0, or -1 for the default: " + topic.numPartitions());
        }
        short replication = topic.replicationFactor() == NewTopic.DEFAULT
            ? config.defaultReplicationFactor() : topic.replicationFactor();
        String badReplication = checkReplicationFactor(replication, topic.replicationFactor());
        if (badReplication != null) {
            return CreateTopicResult.failed(name, Errors.INVALID_REPLICATION_FACTOR, badReplication);
        }
        String badConfig = config.topicConfigs().validate(topic.configs());
        if (badConfig != null) {
            return CreateTopicResult.failed(name, Errors.INVALID_CONFIG, badConfig);
        }
        String overBudget = checkBudget(partitions);
        if (overBudget != null) {
            return CreateTopicResult.failed(name, Errors.POLICY_VIOLATION, overBudget);
        }
        partitionsCreated += partitions;
        created.add(name);
        UUID topicId = CreateTopicResult.NO_TOPIC_ID;
        if (!validateOnly) {
            topicId = ids.get();
            writeTopic(name, topicId, partitions, replication, topic.configs());
        }
        return new CreateTopicResult(name, Errors.NONE, null, topicId, partitions, replication,
            config.topicConfigs().effective(topic.configs()));
    }

    private void writeTopic(String name, UUID topicId, int partitions, short replication, Map<String, String> configs) {
        records.add(new MetadataRecord.Topic(name, topicId));
        writePartitions(topicId, 0, partitions, replication);
        configs.forEach((key, value) ->
            records.add(new MetadataRecord.Config(ConfigResourceType.TOPIC, name, key, value.trim())));
    }

    private void writePartitions(UUID topicId, int firstIndex, int endIndex, int replication) {
        int start = random.nextInt(placer.brokerCount());
        for (int index = firstIndex; index < endIndex; index++) {
            int[] replicas = placer.place(start, index - firstIndex, replication);
            records.add(new MetadataRecord.Partition(topicId, index, replicas, replicas, replicas[0], 0, 0));
        }
    }

    /** Validates {@code request} and, unless {@code validateOnly}, writes the new partitions. */
    CreatePartitionsResult addPartitions(NewPartitions request, boolean validateOnly) {
        String name = request.topic();
        if (!namesInRequest.add(String.valueOf(name))) {
            return new CreatePartitionsResult(name, Errors.INVALID_REQUEST, "Duplicate topic name in the request: " + name);
        }
        TopicImage topic = name == null ? null : image.topic(name);
        if (topic == null) {
            return new CreatePartitionsResult(name, Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist.");
        }
        int current = topic.partitionCount();
        if (request.totalCount() <= current) {
            String message = request.totalCount() == current
                ? "Topic already has " + current + " partitions."
                : "Topic currently has " + current + " partitions, which is higher than the requested "
                    + request.totalCount() + ".";
            return new CreatePartitionsResult(name, Errors.INVALID_PARTITIONS, message);
        }
        int replication = topic.replicationFactor();
        String badReplication = checkReplicationFactor(replication, replication);
        if (badReplication != null) {
            return new CreatePartitionsResult(name, Errors.INVALID_REPLICATION_FACTOR, badReplication);
        }
        String overBudget = checkBudget(request.totalCount() - current);
        if (overBudget != null) {
            return new CreatePartitionsResult(name, Errors.POLICY_VIOLATION, overBudget);
        }
        partitionsCreated += request.totalCount() - current;
        if (!validateOnly) {
            writePartitions(topic.topicId(), current, request.totalCount(), replication);
        }
        return new CreatePartitionsResult(name, Errors.NONE, null);
    }

    private String checkReplicationFactor(int replication, int requested) {
        if (replication < 1) {
            return "Replication factor must be larger than 0, or -1 for the default: " + requested;
        }
        if (replication > placer.brokerCount()) {
            return "Unable to replicate the partition " + replication + " time(s): the replication factor " + replication
                + " cannot be reached because only " + placer.brokerCount() + " broker(s) are unfenced.";
        }
        return null;
    }

    private String checkBudget(int partitions) {
        if ((long) partitionsCreated + partitions > config.maxPartitionsPerRequest()) {
            return "A request may create at most " + config.maxPartitionsPerRequest() + " partitions ("
                + ControllerConfig.MAX_PARTITIONS_PER_REQUEST + "); " + partitionsCreated + " are already in this one.";
        }
        return null;
    }
}
