package io.varve.broker.replica;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.TopicImage;
import io.varve.storage.LogManager;
import io.varve.storage.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A {@link ReplicaManager} for node {@link #NODE_ID} over a real {@link LogManager} in a directory,
 * fed metadata images built record by record, as the controller would publish them. Time is a
 * {@link ManualClock}. Not thread-safe: one test drives it.
 */
public final class ReplicaFixture implements AutoCloseable {

    public static final int NODE_ID = 1;
    public static final int OTHER_NODE = 2;

    /** Small files: segments and indexes are preallocated and mapped. */
    public static final Map<String, Object> BROKER_PROPS = Map.of(
        LogConfig.SEGMENT_BYTES, 1 << 20,
        LogConfig.INDEX_SIZE_MAX_BYTES, 12_288);

    private final Path logDir;
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final RecordingIsrChangeSink isrChanges = new RecordingIsrChangeSink();
    private LogManager logs;
    private ReplicaManager replicas;
    private MetadataImage image = MetadataImage.empty("test-cluster");

    private ReplicaFixture(Path logDir) {
        this.logDir = logDir;
    }

    /**
     * Opens the logs under {@code logDir} and a replica manager following the empty image, with this
     * node registered and unfenced ({@link #registerThisNode}).
     */
    public static ReplicaFixture open(Path logDir) throws IOException {
        ReplicaFixture fixture = new ReplicaFixture(logDir);
        fixture.startLogs(fixture.image);
        fixture.registerThisNode();
        return fixture;
    }

    /**
     * Registers a new incarnation of {@link #NODE_ID}, unfenced, and tells the replica manager its
     * broker epoch, as the broker does once the controller answered: the first image the partitions
     * follow after a start.
     */
    public void registerThisNode() throws IOException {
        publish(new MetadataRecord.RegisterBroker(NODE_ID, "127.0.0.1", 9091, null,
            MetadataRecord.RegisterBroker.OWN_OFFSET, false, false));
        replicas.onRegistered(image.broker(NODE_ID).epoch());
    }

    private void startLogs(MetadataImage initial) throws IOException {
        Map<String, Object> props = new HashMap<>(BROKER_PROPS);
        props.put(StorageConfig.LOG_DIRS, logDir.toString());
        logs = LogManager.open(StorageConfig.from(props), clock, Runnable::run);
        replicas = new ReplicaManager(NODE_ID, logs, BROKER_PROPS, initial, clock, isrChanges);
    }

    /**
     * A clean restart: closes the logs and opens them again with a new replica manager, which is given
     * {@code next} (the image the node starts from, which may be old or empty) as {@code VarveNode}
     * gives it at startup; this incarnation is not registered yet.
     */
    public void restart(MetadataImage next) throws IOException {
        logs.close();
        image = next;
        startLogs(next);
        replicas.onImage(next);
    }

    /** {@link #restart} on {@code next}, then a registration of the new incarnation on top of it. */
    public void restartWith(MetadataImage next) throws IOException {
        restart(next);
        registerThisNode();
    }

    /** Replaces the fixture's image, from which the next records are replayed, without publishing it. */
    public void resetImage(MetadataImage next) {
        image = next;
    }

    public ReplicaManager replicas() {
        return replicas;
    }

    public LogManager logs() {
        return logs;
    }

    /** The ISR changes this node's leaders asked for. */
    public RecordingIsrChangeSink isrChanges() {
        return isrChanges;
    }

    public ManualClock clock() {
        return clock;
    }

    public MetadataImage image() {
        return image;
    }

    /** {@link #image()} with {@code records} replayed after it; nothing is published. */
    public MetadataImage next(MetadataRecord... records) {
        return next(image, records);
    }

    private static MetadataImage next(MetadataImage base, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(base);
        long offset = base.lastAppliedOffset();
        for (MetadataRecord r : records) {
            delta.replay(r, ++offset);
        }
        return delta.apply();
    }

    /** Replays {@code records} and publishes the resulting image to the replica manager. */
    public MetadataImage publish(MetadataRecord... records) {
        MetadataImage next = next(records);
        try {
            replicas.onImage(next);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        image = next;
        return next;
    }

    /** The records of a new topic whose partitions this node leads at epoch 0. */
    public static MetadataRecord[] topicRecords(String name, UUID id, int partitions) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new MetadataRecord.Topic(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(partitionRecord(id, p, NODE_ID, 0));
        }
        return records.toArray(MetadataRecord[]::new);
    }

    public static MetadataRecord.Partition partitionRecord(UUID id, int partition, int leader, int leaderEpoch) {
        // The ISR is the leader alone: these tests run no follower, so the high-water mark moves with appends.
        return new MetadataRecord.Partition(id, partition, new int[] {NODE_ID, OTHER_NODE}, new int[] {leader},
            leader, leaderEpoch, leaderEpoch);
    }

    /** Registers {@link #OTHER_NODE} as an unfenced broker, so that it can lead what this node follows. */
    public void registerOtherNode() {
        publish(new MetadataRecord.RegisterBroker(OTHER_NODE, "127.0.0.1", 9092, null,
            MetadataRecord.RegisterBroker.OWN_OFFSET, false, false));
    }

    /** Fences {@link #OTHER_NODE} (its lease ran out). */
    public void fenceOtherNode() {
        publish(new MetadataRecord.FenceBroker(OTHER_NODE, image.broker(OTHER_NODE).epoch()));
    }

    /** Creates a topic led here and returns its id. */
    public UUID createTopic(String name, int partitions) {
        UUID id = UUID.randomUUID();
        publish(topicRecords(name, id, partitions));
        return id;
    }

    public void deleteTopic(String name) {
        TopicImage topic = image.topic(name);
        publish(new MetadataRecord.RemoveTopic(topic.topicId()));
    }

    public Partition partition(String topic, int partition) {
        return replicas.partition(new TopicPartition(topic, partition));
    }

    /** Appends one batch as the leader and tells the listeners, as the produce handler does. */
    public long append(String topic, int partition, ByteBuffer batch) {
        Partition p = partition(topic, partition);
        var result = p.appendAsLeader(new UnsafeBuffer(batch), 0, batch.remaining());
        if (!result.isOk()) {
            throw new IllegalStateException("append failed: " + result);
        }
        replicas.appended(p.topicPartition());
        return result.firstOffset();
    }

    /** The directory a partition's log lives (or lived) in. */
    public Path partitionDir(String topic, int partition) {
        return logDir.resolve(new TopicPartition(topic, partition).directoryName());
    }

    public PartitionLog log(String topic, int partition) {
        return logs.getLog(new TopicPartition(topic, partition)).orElse(null);
    }

    @Override
    public void close() throws IOException {
        logs.close();
    }
}
