package io.varve.storage;

import io.varve.protocol.record.RecordBatchFlyweight;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The segments of one log by base offset, and the reader-side walks over them: each pins a segment
 * with {@link LogSegment#tryRetain()} before it touches its bytes, and gives up (answering null)
 * when a segment is disposed of under it, so the caller looks again.
 *
 * <p>Thread-safety: a concurrent map. The log's writer adds and removes segments under its lock;
 * readers walk it without one.
 */
final class SegmentMap {

    private final ConcurrentNavigableMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    void put(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    void remove(LogSegment segment) {
        segments.remove(segment.baseOffset(), segment);
    }

    LogSegment first() {
        return segments.firstEntry().getValue();
    }

    LogSegment last() {
        return segments.lastEntry().getValue();
    }

    /** The segment that holds {@code offset}, if any: the one with the largest base at or below it. */
    LogSegment floor(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    /** The segment after {@code segment}, or null. */
    LogSegment next(LogSegment segment) {
        Map.Entry<Long, LogSegment> entry = segments.higherEntry(segment.baseOffset());
        return entry == null ? null : entry.getValue();
    }

    /** A snapshot of the segments, oldest first. */
    List<LogSegment> all() {
        return new ArrayList<>(segments.values());
    }

    /** A snapshot of the segments with a base offset above {@code offset}. */
    List<LogSegment> above(long offset) {
        return new ArrayList<>(segments.tailMap(offset, false).values());
    }

    /** A snapshot of the segments from the one holding {@code offset} on. */
    List<LogSegment> from(long offset) {
        Long floor = segments.floorKey(offset);
        return new ArrayList<>(segments.tailMap(floor == null ? Long.MIN_VALUE : floor, true).values());
    }

    int count() {
        return segments.size();
    }

    List<Long> baseOffsets() {
        return List.copyOf(segments.keySet());
    }

    long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    /**
     * One read attempt: whole batches from the one holding {@code offset}, in one segment, as a slice
     * that pins it. Returns an empty slice when no batch holds or follows {@code offset}, and null
     * when a segment was disposed of under the walk (the caller tries again).
     */
    LogSlice read(long offset, int maxBytes, long logStart, long logEnd) {
        LogSegment segment = floor(offset);
        while (segment != null) {
            if (!segment.tryRetain()) {
                return null;
            }
            UnsafeBuffer bytes = segment.read(offset, maxBytes);
            if (bytes != null) {
                return LogSlice.of(segment, bytes, offset, logStart, logEnd);
            }
            segment.release();
            segment = next(segment);
        }
        return LogSlice.empty(offset, logStart, logEnd);
    }

    /**
     * The first batch at or after {@code logStart} whose max timestamp is at or after {@code timestamp}.
     * Batches wholly below the log start may still be on disk, but are gone: they never answer.
     */
    Optional<TimestampAndOffset> findByTimestamp(long timestamp, long logStart) {
        for (LogSegment segment : segments.values()) {
            if (!segment.tryRetain()) {
                continue;
            }
            try {
                if (segment.largestTimestamp() < timestamp) {
                    continue;
                }
                int position = segment.findPositionByTimestamp(timestamp, logStart);
                if (position >= 0) {
                    RecordBatchFlyweight found = new RecordBatchFlyweight().wrap(segment.buffer(), position);
                    long offset = Math.max(found.baseOffset(), logStart);
                    return Optional.of(new TimestampAndOffset(found.maxTimestamp(), offset, found.partitionLeaderEpoch()));
                }
            } finally {
                segment.release();
            }
        }
        return Optional.empty();
    }

    /** The largest record timestamp in any segment, -1 when the log holds no record. */
    long largestTimestamp() {
        long largest = -1;
        for (LogSegment segment : segments.values()) {
            if (segment.tryRetain()) {
                try {
                    largest = Math.max(largest, segment.largestTimestamp());
                } finally {
                    segment.release();
                }
            }
        }
        return largest;
    }
}
