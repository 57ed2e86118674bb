package io.varve.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * What a cleaner may compact in one log now: the sealed segments from the log start up to the first
 * one younger than {@code min.compaction.lag.ms} (by its largest timestamp) or the active segment,
 * split at the cleaner's checkpoint into a clean part (compacted before) and a dirty part.
 *
 * @param segments       the cleanable segments, oldest first (never the active one)
 * @param firstDirty     the first offset not compacted yet
 * @param end            the first offset not cleanable (the next segment's base)
 * @param cleanBytes     bytes of the segments wholly below {@code firstDirty}
 * @param dirtyBytes     bytes of the other cleanable segments
 * @param oldestDirtyMs  the largest timestamp of the oldest dirty segment, or Long.MAX_VALUE when none
 */
record CleanableSection(List<LogSegment> segments, long firstDirty, long end, long cleanBytes, long dirtyBytes,
                        long oldestDirtyMs) {

    /** The share of the cleanable bytes not compacted yet; 0 when nothing is cleanable. */
    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0.0 : (double) dirtyBytes / total;
    }

    static CleanableSection of(PartitionLog log, long nowMs) {
        LogSegment active = log.activeSegment();
        long minLagMs = log.config().minCompactionLagMs();
        List<LogSegment> cleanable = new ArrayList<>();
        long end = active.baseOffset();
        for (LogSegment segment : log.segments().all()) {
            if (segment.baseOffset() >= active.baseOffset()) {
                break;
            }
            long largestTimestamp = largestTimestampPinned(segment);
            if (largestTimestamp == Long.MAX_VALUE || largestTimestamp > nowMs - minLagMs) {
                end = segment.baseOffset();
                break;
            }
            cleanable.add(segment);
        }
        long firstDirty = Math.min(log.firstDirtyOffset(), end);
        long clean = 0;
        long dirty = 0;
        long oldestDirtyMs = Long.MAX_VALUE;
        for (LogSegment segment : cleanable) {
            if (segment.nextOffset() <= firstDirty) {
                clean += segment.size();
            } else {
                dirty += segment.size();
                if (oldestDirtyMs == Long.MAX_VALUE) {
                    oldestDirtyMs = largestTimestampPinned(segment);
                }
            }
        }
        return new CleanableSection(List.copyOf(cleanable), firstDirty, end, clean, dirty, oldestDirtyMs);
    }

    /**
     * The segment's largest timestamp, read while pinned (computing it may walk the mapped bytes); Long.MAX_VALUE
     * when the segment is being disposed of (retention or truncation removed it: not cleanable now).
     */
    private static long largestTimestampPinned(LogSegment segment) {
        if (!segment.tryRetain()) {
            return Long.MAX_VALUE;
        }
        try {
            return segment.largestTimestamp();
        } finally {
            segment.release();
        }
    }

    /**
     * Whether the log should be cleaned now: its dirty ratio reached {@code min.cleanable.dirty.ratio},
     * a dirty segment is older than {@code max.compaction.lag.ms}, or a kept tombstone's delete horizon passed.
     */
    boolean needsCleaning(PartitionLog log, long nowMs) {
        if (segments.isEmpty()) {
            return false;
        }
        boolean dirtyEnough = dirtyBytes > 0 && dirtyRatio() >= log.config().minCleanableDirtyRatio();
        boolean overdue = oldestDirtyMs != Long.MAX_VALUE && nowMs - oldestDirtyMs > log.config().maxCompactionLagMs();
        return dirtyEnough || overdue || log.nextTombstoneHorizonMs() <= nowMs;
    }
}
