package io.varve.storage;

import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.storage.producer.ProducerStateManager;
import java.io.IOException;

/**
 * Rebuilds a log's producer state from its newest valid snapshot and the batches after it: at open,
 * and after a truncation (whose removed batches a state cannot simply forget, since older batches
 * than the five it remembers may become the last ones again). Without a snapshot it replays every
 * batch still on disk, from the first segment's base (batches below the log start but still in its
 * segment included: they were appended, and their producers still count).
 *
 * <p>Stateless; called by the log's writer (or the opening thread) under the log's lock.
 */
final class ProducerStateLoader {

    private ProducerStateLoader() {
    }

    /**
     * Loads the snapshot, replays the batches after it up to the log end, forgets producers expired
     * at {@code nowMs}, and keeps the snapshot files in line with the log's bounds.
     */
    static void rebuild(ProducerStateManager producers, SegmentMap segments, long logStartOffset, long logEndOffset,
                        long nowMs) throws IOException {
        long snapshot = producers.loadSnapshot(logEndOffset);
        long from = snapshot >= 0 ? snapshot : segments.first().baseOffset();
        replay(producers, segments, from);
        producers.removeExpired(nowMs);
        producers.retainSnapshots(logStartOffset, logEndOffset);
    }

    /** Feeds every batch whose base offset is at or after {@code from} to {@code producers}, in order. */
    private static void replay(ProducerStateManager producers, SegmentMap segments, long from) {
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        for (LogSegment segment : segments.from(from)) {
            int size = segment.size();
            int position = from > segment.baseOffset() ? segment.translateOffset(from) : 0;
            if (position < 0 || size == 0) {
                continue; // every batch of the segment ends before from
            }
            while (position < size) {
                batch.wrap(segment.buffer(), position);
                if (batch.baseOffset() >= from) {
                    producers.onBatchAppended(batch, batch.baseOffset());
                }
                position += batch.sizeInBytes();
            }
        }
    }
}
