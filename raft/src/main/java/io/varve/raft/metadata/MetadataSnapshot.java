package io.varve.raft.metadata;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A whole {@link MetadataImage} as {@link MetadataRecord}s, and as bytes: what a Raft snapshot of the
 * metadata log holds, so that a node can start from it instead of replaying the log from offset 0.
 * Reading the bytes back gives an image equal to the one written, broker epochs and the last applied
 * offset included.
 *
 * <pre>
 *   version int16 (0) | lastAppliedOffset int64 | clusterId string (int16 length + UTF-8)
 *   | recordCount int32 | recordCount x ( length int32 | {@link MetadataRecordCodec} bytes )
 * </pre>
 *
 * The records: each broker as a {@link MetadataRecord.RegisterBroker} with its explicit epoch and
 * flags, each topic as {@link MetadataRecord.Topic}, its {@link MetadataRecord.Partition}s and its
 * {@link MetadataRecord.Config}s, the broker configs, and {@link MetadataRecord.ProducerIds} when any
 * id was handed out. Every length and count is checked against the bytes that remain before anything
 * is allocated; bad bytes are a {@link CorruptMetadataException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MetadataSnapshot {

    /** The format version written in front of every snapshot. */
    public static final short VERSION = 0;
    /** Smallest encoded record plus its length prefix: bounds the record count by the bytes left. */
    private static final int MIN_ENTRY_BYTES = 4 + MetadataRecordCodec.HEADER_BYTES;
    /** {@link MetadataRecord.ProducerIds#nodeId()} in a snapshot: the block's receiver is not kept. */
    private static final int NO_NODE = -1;

    private MetadataSnapshot() {
    }

    /** The records that rebuild {@code image} from an empty one, in an order replay accepts. */
    public static List<MetadataRecord> records(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration b : image.brokers().values()) {
            records.add(new MetadataRecord.RegisterBroker(b.nodeId(), b.host(), b.port(), b.rack(), b.epoch(),
                b.fenced(), b.inControlledShutdown(), b.logDirOffline()));
        }
        for (TopicImage topic : image.topicsByName().values()) {
            records.add(new MetadataRecord.Topic(topic.name(), topic.topicId()));
            for (PartitionImage p : topic.partitions().values()) {
                records.add(new MetadataRecord.Partition(topic.topicId(), p.partitionIndex(), p.replicas(), p.isr(),
                    p.leader(), p.leaderEpoch(), p.partitionEpoch()));
            }
            topic.configs().forEach((key, value) ->
                records.add(new MetadataRecord.Config(ConfigResourceType.TOPIC, topic.name(), key, value)));
        }
        for (Map.Entry<String, Map<String, String>> e : image.brokerConfigs().entrySet()) {
            e.getValue().forEach((key, value) ->
                records.add(new MetadataRecord.Config(ConfigResourceType.BROKER, e.getKey(), key, value)));
        }
        if (image.nextProducerId() > 0) {
            records.add(new MetadataRecord.ProducerIds(NO_NODE, image.nextProducerId()));
        }
        return records;
    }

    /** The image from {@link #records} of a snapshot taken at {@code lastAppliedOffset}. */
    public static MetadataImage fromRecords(String clusterId, long lastAppliedOffset, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.empty(clusterId));
        long offset = 0;
        for (MetadataRecord record : records) {
            if (record instanceof MetadataRecord.RegisterBroker r && r.brokerEpoch() == MetadataRecord.RegisterBroker.OWN_OFFSET) {
                throw new IllegalStateException("a snapshot's broker records carry their epoch: " + r);
            }
            delta.replay(record, offset++);
        }
        return delta.apply().withLastAppliedOffset(lastAppliedOffset);
    }

    /** The snapshot of {@code image} as bytes. */
    public static byte[] write(MetadataImage image) {
        List<byte[]> encoded = new ArrayList<>();
        byte[] clusterId = image.clusterId().getBytes(StandardCharsets.UTF_8);
        if (clusterId.length > MetadataRecordCodec.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("cluster id of " + clusterId.length + " bytes");
        }
        long size = 2 + 8 + 2 + clusterId.length + 4;
        for (MetadataRecord record : records(image)) {
            byte[] bytes = MetadataRecordCodec.encode(record);
            encoded.add(bytes);
            size += 4 + bytes.length;
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a snapshot of " + size + " bytes does not fit one array");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        buffer.putShort(VERSION).putLong(image.lastAppliedOffset()).putShort((short) clusterId.length).put(clusterId);
        buffer.putInt(encoded.size());
        for (byte[] bytes : encoded) {
            buffer.putInt(bytes.length).put(bytes);
        }
        return buffer.array();
    }

    /**
     * The image that {@link #write} wrote.
     *
     * @throws CorruptMetadataException if the bytes are not a snapshot this code can read, or its records
     *                                  do not make an image
     */
    public static MetadataImage read(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            short version = buffer.getShort();
            if (version != VERSION) {
                throw new CorruptMetadataException("unsupported snapshot version " + version);
            }
            long lastAppliedOffset = buffer.getLong();
            if (lastAppliedOffset < MetadataImage.NO_OFFSET) {
                throw new CorruptMetadataException("negative snapshot offset " + lastAppliedOffset);
            }
            int clusterIdLength = buffer.getShort();
            if (clusterIdLength < 0 || clusterIdLength > buffer.remaining()) {
                throw new CorruptMetadataException("cluster id length " + clusterIdLength + ", " + buffer.remaining()
                    + " bytes remain");
            }
            byte[] clusterId = new byte[clusterIdLength];
            buffer.get(clusterId);
            int count = buffer.getInt();
            if (count < 0 || (long) count * MIN_ENTRY_BYTES > buffer.remaining()) {
                throw new CorruptMetadataException("record count " + count + " for " + buffer.remaining() + " bytes");
            }
            List<MetadataRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = buffer.getInt();
                if (length < MetadataRecordCodec.HEADER_BYTES || length > buffer.remaining()) {
                    throw new CorruptMetadataException("record length " + length + ", " + buffer.remaining()
                        + " bytes remain");
                }
                records.add(MetadataRecordCodec.decode(new UnsafeBuffer(bytes), buffer.position(),
                    length));
                buffer.position(buffer.position() + length);
            }
            if (buffer.hasRemaining()) {
                throw new CorruptMetadataException(buffer.remaining() + " trailing bytes after the snapshot");
            }
            return fromRecords(new String(clusterId, StandardCharsets.UTF_8), lastAppliedOffset, records);
        } catch (BufferUnderflowException e) {
            throw new CorruptMetadataException("snapshot ends early", e);
        } catch (IllegalStateException | IllegalArgumentException | NullPointerException e) {
            throw new CorruptMetadataException("snapshot records do not make an image: " + e.getMessage(), e);
        }
    }
}
