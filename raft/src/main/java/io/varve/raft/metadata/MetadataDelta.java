package io.varve.raft.metadata;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The changes that records make to a {@link MetadataImage}: {@link #replay} records in log order, then
 * {@link #apply()} to get the next image. The base image is never modified; the next one shares the
 * maps and topics that the records did not touch.
 *
 * <p>The metadata log is trusted: the controller validated every record before writing it. A record
 * that does not fit (a partition or config of an unknown topic, a topic name or id that exists, a
 * partition index with a gap, producer ids going back, offsets going back) is a bug and throws
 * {@link IllegalStateException}; the delta must then be thrown away.
 *
 * <p>Not thread-safe: one thread replays and applies; the image it produces may be shared freely.
 */
public final class MetadataDelta {

    private final MetadataImage base;
    private final Map<UUID, TopicBuilder> changedTopics = new HashMap<>();
    private final Map<String, TopicBuilder> changedTopicsByName = new HashMap<>();
    private final Set<UUID> removedTopics = new HashSet<>();
    private NavigableMap<Integer, BrokerRegistration> brokers;
    private Map<String, Map<String, String>> brokerConfigs;
    private long nextProducerId;
    private long lastOffset;

    public MetadataDelta(MetadataImage base) {
        this.base = base;
        this.nextProducerId = base.nextProducerId();
        this.lastOffset = base.lastAppliedOffset();
    }

    /**
     * Applies {@code record}, found at {@code offset} of the metadata log, to this delta.
     *
     * @throws IllegalStateException if the record does not fit the metadata so far, or the offset is
     *                               not after the last one
     */
    public void replay(MetadataRecord record, long offset) {
        if (offset <= lastOffset) {
            throw new IllegalStateException("offset " + offset + " is not after " + lastOffset + ": " + record);
        }
        if (record instanceof MetadataRecord.RegisterBroker r) {
            brokers().put(r.nodeId(), BrokerRegistration.of(r, offset));
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            brokers().put(r.nodeId(), requireBroker(r.nodeId(), r.brokerEpoch(), r).withFenced(true));
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            brokers().put(r.nodeId(), requireBroker(r.nodeId(), r.brokerEpoch(), r).withFenced(false));
        } else if (record instanceof MetadataRecord.BrokerControlledShutdown r) {
            brokers().put(r.nodeId(), requireBroker(r.nodeId(), r.brokerEpoch(), r).withControlledShutdown());
        } else if (record instanceof MetadataRecord.BrokerLogDirOffline r) {
            brokers().put(r.nodeId(), requireBroker(r.nodeId(), r.brokerEpoch(), r).withLogDirOffline());
        } else if (record instanceof MetadataRecord.Topic r) {
            replayTopic(r);
        } else if (record instanceof MetadataRecord.Partition r) {
            replayPartition(r);
        } else if (record instanceof MetadataRecord.RemoveTopic r) {
            replayRemoveTopic(r);
        } else if (record instanceof MetadataRecord.Config r) {
            replayConfig(r);
        } else if (record instanceof MetadataRecord.ProducerIds r) {
            if (r.nextProducerId() <= nextProducerId) {
                throw new IllegalStateException("producer ids go back from " + nextProducerId + ": " + r);
            }
            nextProducerId = r.nextProducerId();
        } else {
            throw new IllegalStateException("unknown record " + record);
        }
        lastOffset = offset;
    }

    private BrokerRegistration requireBroker(int nodeId, long epoch, MetadataRecord r) {
        BrokerRegistration broker = brokers().get(nodeId);
        if (broker == null) {
            throw new IllegalStateException("unknown broker: " + r);
        }
        if (broker.epoch() != epoch) {
            throw new IllegalStateException("stale broker epoch, registered " + broker.epoch() + ": " + r);
        }
        return broker;
    }

    private void replayTopic(MetadataRecord.Topic r) {
        if (changedTopicsByName.containsKey(r.name()) || liveBaseTopic(r.name()) != null) {
            throw new IllegalStateException("topic name exists: " + r);
        }
        if (changedTopics.containsKey(r.topicId()) || liveBaseTopic(r.topicId()) != null) {
            throw new IllegalStateException("topic id exists: " + r);
        }
        TopicBuilder topic = new TopicBuilder(r.name(), r.topicId(), new TreeMap<>(), new TreeMap<>());
        changedTopics.put(r.topicId(), topic);
        changedTopicsByName.put(r.name(), topic);
    }

    private void replayPartition(MetadataRecord.Partition r) {
        TopicBuilder topic = requireTopic(r.topicId(), r);
        if (r.partitionIndex() > topic.partitions.size()) {
            throw new IllegalStateException("partition index leaves a gap after " + topic.partitions.size() + ": " + r);
        }
        topic.partitions.put(r.partitionIndex(), PartitionImage.of(r));
    }

    private void replayRemoveTopic(MetadataRecord.RemoveTopic r) {
        TopicBuilder topic = requireTopic(r.topicId(), r);
        changedTopics.remove(topic.topicId);
        changedTopicsByName.remove(topic.name);
        removedTopics.add(topic.topicId);
    }

    private void replayConfig(MetadataRecord.Config r) {
        Map<String, String> configs;
        if (r.resourceType() == ConfigResourceType.TOPIC) {
            TopicBuilder topic = changedTopicsByName.get(r.resourceName());
            if (topic == null) {
                TopicImage existing = liveBaseTopic(r.resourceName());
                if (existing == null) {
                    throw new IllegalStateException("config of an unknown topic: " + r);
                }
                topic = topicBuilder(existing);
            }
            configs = topic.configs;
        } else {
            configs = brokerConfigs().computeIfAbsent(r.resourceName(), name -> new TreeMap<>());
        }
        if (r.value() == null) {
            configs.remove(r.key());
        } else {
            configs.put(r.key(), r.value());
        }
    }

    /** The base image's topic with this name unless this delta removed it, or null. */
    private TopicImage liveBaseTopic(String name) {
        TopicImage topic = base.topic(name);
        return topic == null || removedTopics.contains(topic.topicId()) ? null : topic;
    }

    /** The base image's topic with this id unless this delta removed it, or null. */
    private TopicImage liveBaseTopic(UUID topicId) {
        return removedTopics.contains(topicId) ? null : base.topic(topicId);
    }

    private TopicBuilder requireTopic(UUID topicId, MetadataRecord r) {
        TopicBuilder changed = changedTopics.get(topicId);
        if (changed != null) {
            return changed;
        }
        TopicImage topic = liveBaseTopic(topicId);
        if (topic == null) {
            throw new IllegalStateException("unknown topic id: " + r);
        }
        return topicBuilder(topic);
    }

    private TopicBuilder topicBuilder(TopicImage topic) {
        TopicBuilder changed = changedTopics.get(topic.topicId());
        if (changed == null) {
            changed = new TopicBuilder(topic.name(), topic.topicId(), new TreeMap<>(topic.partitions()),
                new TreeMap<>(topic.configs()));
            changedTopics.put(topic.topicId(), changed);
            changedTopicsByName.put(topic.name(), changed);
        }
        return changed;
    }

    private NavigableMap<Integer, BrokerRegistration> brokers() {
        if (brokers == null) {
            brokers = new TreeMap<>(base.brokers());
        }
        return brokers;
    }

    private Map<String, Map<String, String>> brokerConfigs() {
        if (brokerConfigs == null) {
            brokerConfigs = new TreeMap<>();
            base.brokerConfigs().forEach((name, configs) -> brokerConfigs.put(name, new TreeMap<>(configs)));
        }
        return brokerConfigs;
    }

    /** The image with every replayed record applied; the delta may go on replaying after this. */
    public MetadataImage apply() {
        NavigableMap<String, TopicImage> byName = base.topicsByName();
        Map<UUID, TopicImage> byId = base.topicsById();
        if (!changedTopics.isEmpty() || !removedTopics.isEmpty()) {
            byName = new TreeMap<>(byName);
            byId = new HashMap<>(byId);
            for (UUID removed : removedTopics) {
                TopicImage topic = byId.remove(removed);
                if (topic != null) {
                    byName.remove(topic.name());
                }
            }
            for (TopicBuilder topic : changedTopics.values()) {
                TopicImage built = topic.build();
                byId.put(built.topicId(), built);
                byName.put(built.name(), built);
            }
        }
        Map<String, Map<String, String>> configs = base.brokerConfigs();
        if (brokerConfigs != null) {
            Map<String, Map<String, String>> copy = new TreeMap<>();
            brokerConfigs.forEach((name, values) -> {
                if (!values.isEmpty()) {
                    copy.put(name, Collections.unmodifiableMap(new TreeMap<>(values)));
                }
            });
            configs = copy;
        }
        return new MetadataImage(base.clusterId(), brokers == null ? base.brokers() : new TreeMap<>(brokers), byName,
            byId, configs, nextProducerId, lastOffset);
    }

    /** A topic being changed: mutable copies of its maps. */
    private static final class TopicBuilder {
        final String name;
        final UUID topicId;
        final TreeMap<Integer, PartitionImage> partitions;
        final TreeMap<String, String> configs;

        TopicBuilder(String name, UUID topicId, TreeMap<Integer, PartitionImage> partitions,
                     TreeMap<String, String> configs) {
            this.name = name;
            this.topicId = topicId;
            this.partitions = partitions;
            this.configs = configs;
        }

        TopicImage build() {
            return new TopicImage(name, topicId, Collections.unmodifiableMap(new TreeMap<>(partitions)),
                Collections.unmodifiableMap(new TreeMap<>(configs)));
        }
    }
}
