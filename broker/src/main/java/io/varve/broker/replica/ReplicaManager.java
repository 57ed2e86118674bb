package io.varve.broker.replica;

import io.varve.common.TopicPartition;
import io.varve.raft.controller.TopicConfigs;
import io.varve.protocol.Errors;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions this broker hosts, kept in step with the metadata image: a partition whose replica
 * set names this node gets a log (created or reopened), a partition whose topic is gone has its log
 * deleted. Request handlers look partitions up here and learn why one is missing.
 *
 * <p>Thread-safe. {@link #onImage} is called by the single metadata-publishing thread; lookups and
 * appends come from any event loop.
 */
public final class ReplicaManager {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final Map<String, ?> brokerProps;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Collection<Consumer<TopicPartition>> appendListeners = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image;

    /**
     * @param brokerProps the broker's properties: topic logs start from these and add the topic's overrides
     */
    public ReplicaManager(int nodeId, LogManager logs, Map<String, ?> brokerProps, MetadataImage initial) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.brokerProps = Map.copyOf(brokerProps);
        this.image = initial;
    }

    /** The partition if this node leads it, else null; see {@link #errorFor} for why not. */
    public Partition partition(TopicPartition tp) {
        return partitions.get(tp);
    }

    /** Why {@code tp} is not served here: unknown topic or partition, or another node leads it. */
    public Errors errorFor(TopicPartition tp) {
        TopicImage topic = image.topic(tp.topic());
        if (topic == null || topic.partition(tp.partition()) == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return Errors.NOT_LEADER_OR_FOLLOWER;
    }

    /** The image the hosted partitions currently follow. */
    public MetadataImage image() {
        return image;
    }

    /** Registers a listener told after every successful append (the fetch purgatory's trigger). */
    public void onAppend(Consumer<TopicPartition> listener) {
        appendListeners.add(listener);
    }

    /** Tells the listeners that {@code tp} has new data. */
    public void appended(TopicPartition tp) {
        for (Consumer<TopicPartition> listener : appendListeners) {
            listener.accept(tp);
        }
    }

    /**
     * Brings the hosted partitions in line with {@code next}: opens logs for new partitions led here,
     * updates leader epochs, deletes the logs of removed topics (or of a topic re-created under the
     * same name with a new id). Called by one thread, in image order.
     */
    public synchronized void onImage(MetadataImage next) throws IOException {
        Set<TopicPartition> wanted = new HashSet<>();
        Set<TopicPartition> removed = new HashSet<>();
        for (TopicImage topic : next.topicsByName().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                if (p.leader() != nodeId) {
                    continue;
                }
                wanted.add(tp);
                Partition existing = partitions.get(tp);
                if (existing != null && !existing.topicId().equals(topic.topicId())) {
                    removePartition(tp, removed);
                    existing = null;
                }
                if (existing == null) {
                    PartitionLog log = logs.getOrCreateLog(tp, TopicConfigs.logConfig(brokerProps, topic.configs()));
                    partitions.put(tp, new Partition(tp, topic.topicId(), log, p.leaderEpoch()));
                } else {
                    existing.leaderEpoch(p.leaderEpoch());
                }
            }
        }
        for (TopicPartition tp : Set.copyOf(partitions.keySet())) {
            if (!wanted.contains(tp)) {
                removePartition(tp, removed);
            }
        }
        for (PartitionLog log : logs.allLogs()) {
            // Logs on disk that no image names: their topic was deleted while this node was down.
            if (!wanted.contains(log.topicPartition())) {
                logs.deleteLog(log.topicPartition());
                LOG.info("Deleted the log of {}: the metadata no longer names it", log.topicPartition());
            }
        }
        image = next;
        // Woken only now, so that waiting fetches answer with the error the new image gives.
        removed.forEach(this::appended);
    }

    private void removePartition(TopicPartition tp, Set<TopicPartition> removed) throws IOException {
        if (partitions.remove(tp) != null) {
            logs.deleteLog(tp);
            LOG.info("Deleted the log of {}: its topic is gone", tp);
            removed.add(tp);
        }
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }
}
