package io.varve.broker.handler;

import io.varve.broker.replica.Batches;
import io.varve.broker.replica.Partition;
import io.varve.common.TopicPartition;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.PartitionImage;
import io.varve.protocol.record.Crc32c;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.LogSlice;
import io.varve.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The named invariants of the {@link ReplicationSimulation}, checked after every event against the
 * brokers' real logs and partitions and the committed metadata. A failure is an {@link Violation}
 * naming the invariant. Keeps what it needs across events (acknowledged records, high-water marks seen,
 * leaders seen per epoch, logs seen per broker). Not thread-safe.
 */
final class ReplicationInvariants {

    /** The invariants, by name. */
    enum Name {
        /** Every acknowledged record is, at its offset, on every running member of the committed ISR. */
        AcknowledgedRecordsOnEveryInSyncReplica,
        /** acks=all is answered only once at least min.insync.replicas replicas hold the record. */
        AcknowledgedOnlyWithMinInsyncReplicas,
        /** Below the leader's high-water mark and its own, every running replica holds the leader's records. */
        ReplicasAgreeBelowHighWatermark,
        /** Within a broker's life, a partition's high-water mark never goes back. */
        HighWatermarkNeverGoesBack,
        /** At most one broker ever leads a partition at a given leader epoch. */
        OneLeaderPerEpoch,
        /** A broker's log is gone only once committed metadata removed the replica from that broker. */
        LogsDeletedOnlyByCommittedMetadata,
        /**
         * An offset commit answered NONE is never lost: the group's current coordinator, after any number of
         * failovers, answers OffsetFetch with that offset or a later one (the committed offsets of a group never
         * go back below an acknowledged commit).
         */
        AcknowledgedCommitNeverLost,
        /**
         * Once faults stop and every broker runs, every partition has its full ISR and takes acks=all writes,
         * and every group has a commit acknowledged.
         */
        WritableAfterHealing,
        /**
         * After a power loss, each log the broker starts again with reads back a prefix of what it held,
         * at least everything it had flushed, and every batch of it passes its CRC: a torn or zeroed tail
         * is cut off by recovery, never served.
         */
        RecoveredLogIsAValidFlushedPrefix,
        /** No broker component throws. */
        NoException
    }

    /** An invariant did not hold. */
    static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Name invariant;

        Violation(Name invariant, String message) {
            this(invariant, message, null);
        }

        /** With the exception that broke {@link Name#NoException} as its cause. */
        Violation(Name invariant, String message, Throwable cause) {
            super(invariant + ": " + message, cause, false, false);
            this.invariant = invariant;
        }

        Name invariant() {
            return invariant;
        }
    }

    private record Cached(PartitionLog log, long start, List<String> values) {
        long next() {
            return start + values.size();
        }
    }

    private final String topic;
    private final int partitions;
    /** Acknowledged records per partition: offset to value. */
    private final List<NavigableMap<Long, String>> acked = new ArrayList<>();
    private final Map<String, Cached> logCache = new HashMap<>();
    private final Map<String, Long> highWatermarks = new HashMap<>();
    private final Map<String, Integer> leaderOfEpoch = new HashMap<>();
    /** "broker/partition" pairs that have held a log with data: it stays until metadata removes the replica. */
    private final Set<String> logsWithData = new HashSet<>();
    long truncations;

    ReplicationInvariants(String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            acked.add(new TreeMap<>());
        }
    }

    /**
     * Records an acknowledged record, after checking that at least {@code minInsyncReplicas} brokers hold
     * it: the running ones in their logs now, a crashed one in its log as last seen (its disk keeps it, or,
     * after a power loss, it had received the record, which is what acks=all promises: the leader may learn
     * of a follower's fetch and acknowledge after that follower lost power).
     */
    void acknowledged(int partition, long offset, String value, Map<Integer, SimBroker> brokers, int minInsyncReplicas) {
        TopicPartition tp = new TopicPartition(topic, partition);
        int holders = 0;
        for (SimBroker b : brokers.values()) {
            List<String> values = b.running() ? values(b, tp) : null;
            Cached cached = logCache.get(b.id + "/" + partition);
            if (values != null || cached != null) {
                List<String> seen = values != null ? values : cached.values();
                long index = offset - cached.start();
                if (index >= 0 && index < seen.size() && seen.get((int) index).equals(value)) {
                    holders++;
                }
            }
        }
        if (holders < minInsyncReplicas) {
            throw new Violation(Name.AcknowledgedOnlyWithMinInsyncReplicas, value + " at " + tp + " offset " + offset
                + " acknowledged while " + holders + " replica(s) held it, fewer than min.insync.replicas "
                + minInsyncReplicas);
        }
        String previous = acked.get(partition).putIfAbsent(offset, value);
        if (previous != null && !previous.equals(value)) {
            throw new Violation(Name.AcknowledgedRecordsOnEveryInSyncReplica, "offset " + offset + " of partition "
                + partition + " acknowledged for " + previous + " and again for " + value);
        }
    }

    long acknowledgedCount() {
        return acked.stream().mapToLong(Map::size).sum();
    }

    /** Checks every invariant against the brokers and the committed image. */
    void check(MetadataImage committed, Map<Integer, SimBroker> brokers) {
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            PartitionImage image = committed.topic(topic) == null ? null : committed.topic(topic).partition(p);
            if (image == null) {
                continue;
            }
            Map<Integer, List<String>> logs = new HashMap<>();
            for (SimBroker b : brokers.values()) {
                if (b.running()) {
                    logs.put(b.id, values(b, tp));
                }
            }
            checkLogsKept(image, brokers, tp, logs);
            checkAgreement(image, brokers, tp, logs);
            checkAcknowledged(image, brokers, tp, logs);
            checkHighWatermarksAndLeaders(brokers, tp);
        }
    }

    private void checkLogsKept(PartitionImage image, Map<Integer, SimBroker> brokers, TopicPartition tp,
                               Map<Integer, List<String>> logs) {
        for (SimBroker b : brokers.values()) {
            if (!b.running()) {
                continue;
            }
            String key = b.id + "/" + tp.partition();
            List<String> values = logs.get(b.id);
            if (values != null && !values.isEmpty()) {
                logsWithData.add(key);
            } else if (values == null && logsWithData.contains(key) && image.isReplica(b.id)) {
                throw new Violation(Name.LogsDeletedOnlyByCommittedMetadata, "broker " + b.id + " has no log of " + tp
                    + " though it held data and the committed metadata still places a replica there");
            }
        }
    }

    private void checkAcknowledged(PartitionImage image, Map<Integer, SimBroker> brokers, TopicPartition tp,
                                   Map<Integer, List<String>> logs) {
        NavigableMap<Long, String> records = acked.get(tp.partition());
        if (records.isEmpty()) {
            return;
        }
        for (int id : image.isr()) {
            SimBroker b = brokers.get(id);
            if (b == null || !b.running()) {
                continue;
            }
            List<String> values = logs.get(id);
            long start = values == null ? 0 : logCache.get(id + "/" + tp.partition()).start();
            for (Map.Entry<Long, String> r : records.entrySet()) {
                long index = r.getKey() - start;
                String found = values == null || index < 0 || index >= values.size() ? null : values.get((int) index);
                if (!r.getValue().equals(found)) {
                    throw new Violation(Name.AcknowledgedRecordsOnEveryInSyncReplica, "acknowledged " + r.getValue()
                        + " at " + tp + " offset " + r.getKey() + " is " + (found == null ? "missing" : found)
                        + " on broker " + id + ", a member of the committed ISR " + java.util.Arrays.toString(image.isr())
                        + " (its log: " + (values == null ? "none" : "start " + start + ", end " + (start + values.size()))
                        + ")");
                }
            }
        }
    }

    private void checkAgreement(PartitionImage image, Map<Integer, SimBroker> brokers, TopicPartition tp,
                                Map<Integer, List<String>> logs) {
        SimBroker leader = brokers.get(image.leader());
        if (leader == null || !leader.running()) {
            return;
        }
        Partition p = leader.replicas().partition(tp);
        List<String> leaderValues = logs.get(leader.id);
        if (p == null || leaderValues == null) {
            return;
        }
        long hwm = p.highWatermark();
        long leaderStart = logCache.get(leader.id + "/" + tp.partition()).start();
        for (SimBroker b : brokers.values()) {
            List<String> values = logs.get(b.id);
            Partition local = b.running() ? b.replicas().replica(tp) : null;
            if (b == leader || values == null || local == null) {
                continue;
            }
            // Below its own high-water mark too: a replica that has not fetched since it came back may still
            // hold an old leader's uncommitted tail above it, which its next fetch truncates.
            long start = logCache.get(b.id + "/" + tp.partition()).start();
            long end = Math.min(Math.min(hwm, local.highWatermark()),
                Math.min(start + values.size(), leaderStart + leaderValues.size()));
            for (long o = Math.max(start, leaderStart); o < end; o++) {
                String mine = values.get((int) (o - start));
                String theirs = leaderValues.get((int) (o - leaderStart));
                if (!mine.equals(theirs)) {
                    throw new Violation(Name.ReplicasAgreeBelowHighWatermark, tp + " offset " + o + " below leader "
                        + leader.id + "'s high-water mark " + hwm + ": " + theirs + " there, " + mine + " on broker " + b.id);
                }
            }
        }
    }

    private void checkHighWatermarksAndLeaders(Map<Integer, SimBroker> brokers, TopicPartition tp) {
        for (SimBroker b : brokers.values()) {
            if (!b.running()) {
                continue;
            }
            Partition p = b.replicas().replica(tp);
            if (p == null) {
                continue;
            }
            String key = b.id + "/" + b.incarnation() + "/" + tp.partition();
            long hwm = p.highWatermark();
            Long before = highWatermarks.put(key, hwm);
            if (before != null && hwm < before) {
                throw new Violation(Name.HighWatermarkNeverGoesBack, tp + " on broker " + b.id + ": high-water mark "
                    + before + " went back to " + hwm);
            }
            if (p.role() == Partition.Role.LEADER) {
                Integer other = leaderOfEpoch.putIfAbsent(tp.partition() + "/" + p.leaderEpoch(), b.id);
                if (other != null && other != b.id) {
                    throw new Violation(Name.OneLeaderPerEpoch, tp + " led at epoch " + p.leaderEpoch() + " by broker "
                        + other + " and by broker " + b.id);
                }
            }
        }
    }

    /** What one log held, and had flushed, when its broker lost power. */
    record BeforePowerLoss(long start, List<String> values, long recoveryPoint) {
    }

    /** What every log of this topic on {@code b} holds now, before it loses power. */
    Map<Integer, BeforePowerLoss> beforePowerLoss(SimBroker b) {
        Map<Integer, BeforePowerLoss> out = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            List<String> values = values(b, tp);
            if (values != null) {
                PartitionLog log = b.logs().getLog(tp).orElseThrow();
                out.put(p, new BeforePowerLoss(log.logStartOffset(), List.copyOf(values), log.recoveryPoint()));
            }
        }
        return out;
    }

    /**
     * {@link Name#RecoveredLogIsAValidFlushedPrefix} for {@code b}, started again after a power loss.
     *
     * @return how many acknowledged records the power loss took from this replica (the ISR keeps them)
     */
    long checkRecovered(SimBroker b, Map<Integer, BeforePowerLoss> before) {
        long acknowledgedLost = 0;
        for (Map.Entry<Integer, BeforePowerLoss> e : before.entrySet()) {
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            BeforePowerLoss was = e.getValue();
            PartitionLog log = b.logs().getLog(tp).orElse(null);
            if (log == null) {
                throw new Violation(Name.RecoveredLogIsAValidFlushedPrefix, "broker " + b.id + " started without its log of "
                    + tp + " after a power loss");
            }
            checkBatches(b, log);
            List<String> now = values(b, tp);
            long flushed = was.recoveryPoint() - was.start();
            String where = tp + " on broker " + b.id + " after a power loss (held " + was.values().size()
                + " records from " + was.start() + ", " + flushed + " flushed; recovered " + now.size() + " from "
                + log.logStartOffset() + ")";
            if (log.logStartOffset() != was.start() || now.size() < flushed || now.size() > was.values().size()) {
                throw new Violation(Name.RecoveredLogIsAValidFlushedPrefix, where);
            }
            for (int i = 0; i < now.size(); i++) {
                if (!now.get(i).equals(was.values().get(i))) {
                    throw new Violation(Name.RecoveredLogIsAValidFlushedPrefix, where + ": offset " + (was.start() + i)
                        + " holds " + now.get(i) + ", not " + was.values().get(i));
                }
            }
            acknowledgedLost += acked.get(e.getKey()).subMap(was.start() + now.size(), was.start() + was.values().size())
                .size();
        }
        return acknowledgedLost;
    }

    /** Every batch the log serves is RecordBatch v2 and passes its CRC32C. */
    private static void checkBatches(SimBroker b, PartitionLog log) {
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        while (offset < end) {
            try (LogSlice slice = log.read(offset, 1 << 20)) {
                UnsafeBuffer bytes = new UnsafeBuffer(new byte[slice.sizeInBytes()]);
                slice.buffer().getBytes(0, bytes, 0, slice.sizeInBytes());
                int position = 0;
                while (position < bytes.capacity()) {
                    batch.wrap(bytes, position);
                    int crc = Crc32c.compute(bytes, position + RecordBatchFlyweight.ATTRIBUTES_OFFSET,
                        batch.sizeInBytes() - RecordBatchFlyweight.ATTRIBUTES_OFFSET);
                    if (batch.magic() != RecordBatchFlyweight.MAGIC || crc != batch.crc()) {
                        throw new Violation(Name.RecoveredLogIsAValidFlushedPrefix, log.topicPartition() + " on broker "
                            + b.id + " serves a corrupt batch at offset " + batch.baseOffset() + " after a power loss");
                    }
                    offset = batch.baseOffset() + bytes.getInt(position + RecordBatchFlyweight.LAST_OFFSET_DELTA_OFFSET,
                        java.nio.ByteOrder.BIG_ENDIAN) + 1;
                    position += batch.sizeInBytes();
                }
            }
        }
    }

    /** The values of broker {@code b}'s log of {@code tp}, from its log start; null when it has none. */
    List<String> values(SimBroker b, TopicPartition tp) {
        String key = b.id + "/" + tp.partition();
        PartitionLog log = b.logs().getLog(tp).orElse(null);
        if (log == null) {
            logCache.remove(key);
            return null;
        }
        Cached cached = logCache.get(key);
        long end = log.logEndOffset();
        if (cached == null || cached.log() != log || cached.start() != log.logStartOffset() || end < cached.next()) {
            if (cached != null && cached.log() == log && end < cached.next()) {
                truncations++;
            }
            cached = new Cached(log, log.logStartOffset(), new ArrayList<>());
            logCache.put(key, cached);
        }
        long offset = cached.next();
        while (offset < end) {
            try (LogSlice slice = log.read(offset, 1 << 20)) {
                ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
                slice.buffer().getBytes(0, bytes, slice.sizeInBytes());
                List<Batches.Fetched> fetched = Batches.read(bytes);
                for (Batches.Fetched f : fetched) {
                    if (f.offset() >= offset) {
                        cached.values().add(f.value());
                    }
                }
                offset = fetched.get(fetched.size() - 1).offset() + 1;
            }
        }
        return cached.values();
    }
}
