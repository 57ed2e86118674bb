package io.varve.storage.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The leader-epoch cache of one partition: for each leader epoch that wrote to the log, the first
 * offset it wrote. Followers use it to find where they diverged from the leader
 * (OffsetForLeaderEpoch, DESIGN §6). Kept in the partition directory's {@value #FILE_NAME}, a
 * {@link CheckpointFile} of version {@value #VERSION} with one entry a line:
 *
 * <pre>
 *   &lt;epoch&gt; &lt;startOffset&gt;     e.g. "7 1200"
 * </pre>
 *
 * Invariant: epochs and start offsets both strictly increase from one entry to the next; a file that
 * breaks it is corrupt.
 *
 * <p><b>Durability.</b> Every mutator that changes the entries persists them before it returns
 * (atomic replace and fsync, see {@link CheckpointFile#write}); a mutator that changes nothing
 * writes nothing. A failed write is thrown as {@link UncheckedIOException}, and the in-memory
 * entries are left as they were; the file then holds the old or the new entries. The log should
 * treat that as a failed directory. {@link #flush()} only rewrites the current entries.
 *
 * <p><b>Thread-safety.</b> Thread-safe. Mutators are serialized by a lock (the log's writer calls
 * them); lookups are lock-free reads of an immutable snapshot (replica fetch threads call them) and
 * see each mutation whole.
 */
public final class LeaderEpochCache {

    public static final String FILE_NAME = "leader-epoch-checkpoint";
    /** The format version Kafka writes for this file. */
    public static final int VERSION = 0;

    private static final CheckpointFile.Formatter<EpochEntry> FORMATTER = new CheckpointFile.Formatter<>() {
        @Override
        public String toLine(EpochEntry entry) {
            return entry.epoch() + " " + entry.startOffset();
        }

        @Override
        public EpochEntry fromLine(String line) {
            String[] fields = Fields.split(line, 2);
            return new EpochEntry(Fields.nonNegativeInt(fields[0], "epoch"), Fields.nonNegativeLong(fields[1], "start offset"));
        }
    };

    private final CheckpointFile<EpochEntry> checkpoint;
    private final Object writeLock = new Object();
    /** Immutable, sorted by epoch and by start offset; replaced whole under {@link #writeLock}. */
    private volatile List<EpochEntry> entries;

    private LeaderEpochCache(CheckpointFile<EpochEntry> checkpoint, List<EpochEntry> entries) {
        this.checkpoint = checkpoint;
        this.entries = entries;
    }

    /**
     * Loads the cache of the partition in {@code partitionDir} from its {@value #FILE_NAME}; an
     * absent file gives an empty cache (nothing is written until the first change).
     *
     * @throws CorruptCheckpointException when the file is malformed or its entries do not increase
     */
    public static LeaderEpochCache load(Path partitionDir) throws IOException {
        CheckpointFile<EpochEntry> checkpoint = new CheckpointFile<>(partitionDir.resolve(FILE_NAME), VERSION, FORMATTER);
        List<EpochEntry> entries = checkpoint.read();
        for (int i = 1; i < entries.size(); i++) {
            EpochEntry prev = entries.get(i - 1);
            EpochEntry next = entries.get(i);
            if (next.epoch() <= prev.epoch() || next.startOffset() <= prev.startOffset()) {
                throw new CorruptCheckpointException(checkpoint.file(), i + 3,
                    "entry " + next + " does not follow " + prev + ": epochs and start offsets must increase");
            }
        }
        return new LeaderEpochCache(checkpoint, List.copyOf(entries));
    }

    /** The file this cache persists to. */
    public Path file() {
        return checkpoint.file();
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset}: called on append when a batch carries
     * an epoch newer than the latest. An epoch at or below the latest is ignored (batches of the
     * current epoch carry it too). A newer epoch starting where the latest one starts replaces it:
     * the older epoch wrote nothing. Persists when something changed.
     *
     * @throws IllegalStateException when {@code startOffset} is below the latest entry's start: the
     *                               log never appends below its end
     * @throws IllegalArgumentException when the epoch or offset is negative
     * @throws UncheckedIOException  when persisting fails (the entries are then unchanged)
     */
    public void assign(int epoch, long startOffset) {
        EpochEntry entry = new EpochEntry(epoch, startOffset);
        synchronized (writeLock) {
            List<EpochEntry> current = entries;
            EpochEntry latest = current.isEmpty() ? null : current.get(current.size() - 1);
            if (latest != null && epoch <= latest.epoch()) {
                return;
            }
            if (latest != null && startOffset < latest.startOffset()) {
                throw new IllegalStateException("epoch " + epoch + " would start at " + startOffset
                    + ", below the start of the latest entry " + latest);
            }
            List<EpochEntry> next = new ArrayList<>(current);
            if (latest != null && startOffset == latest.startOffset()) {
                next.remove(next.size() - 1);
            }
            next.add(entry);
            persist(next);
        }
    }

    /** The newest epoch, or empty when the cache is empty. */
    public OptionalInt latestEpoch() {
        List<EpochEntry> current = entries;
        return current.isEmpty() ? OptionalInt.empty() : OptionalInt.of(current.get(current.size() - 1).epoch());
    }

    /**
     * The epoch whose range holds {@code offset}: the entry with the largest start offset at or
     * below it. Empty when {@code offset} is below the first entry's start or the cache is empty.
     * The cache does not know the log end: offsets past it map to the latest epoch.
     */
    public OptionalInt epochForOffset(long offset) {
        List<EpochEntry> current = entries;
        int i = floorIndexByOffset(current, offset);
        return i < 0 ? OptionalInt.empty() : OptionalInt.of(current.get(i).epoch());
    }

    /**
     * OffsetForLeaderEpoch, with Kafka's answers, so that a diverged follower truncates where Kafka's
     * would:
     * <ul>
     *   <li>the latest epoch: that epoch and {@code logEndOffset};</li>
     *   <li>an older epoch: the largest known epoch at or below it, and the start offset of the first
     *       epoch above it (where the follower's log must end);</li>
     *   <li>an epoch below the first known one: the requested epoch itself and the first entry's start;</li>
     *   <li>an epoch above the latest, {@code -1}, or an empty cache: {@link EpochEndOffset#UNDEFINED}.</li>
     * </ul>
     */
    public EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        List<EpochEntry> current = entries;
        if (requestedEpoch < 0 || current.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        EpochEntry latest = current.get(current.size() - 1);
        if (requestedEpoch == latest.epoch()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        if (requestedEpoch > latest.epoch()) {
            return EpochEndOffset.UNDEFINED;
        }
        int floor = floorIndexByEpoch(current, requestedEpoch);
        long higherStart = current.get(floor + 1).startOffset();
        int epoch = floor < 0 ? requestedEpoch : current.get(floor).epoch();
        return new EpochEndOffset(epoch, higherStart);
    }

    /**
     * The log was truncated to {@code endOffset} (offsets at and above it are gone): removes the
     * entries that start at or after it. Persists when something changed.
     *
     * @throws UncheckedIOException when persisting fails (the entries are then unchanged)
     */
    public void truncateFromEnd(long endOffset) {
        synchronized (writeLock) {
            List<EpochEntry> current = entries;
            int keep = 0;
            while (keep < current.size() && current.get(keep).startOffset() < endOffset) {
                keep++;
            }
            if (keep < current.size()) {
                persist(List.copyOf(current.subList(0, keep)));
            }
        }
    }

    /**
     * The log start moved to {@code startOffset} (offsets below it are gone): drops the entries whose
     * range lies wholly below it, and moves the start of the entry covering it up to it. Persists
     * when something changed.
     *
     * @throws UncheckedIOException when persisting fails (the entries are then unchanged)
     */
    public void truncateFromStart(long startOffset) {
        synchronized (writeLock) {
            List<EpochEntry> current = entries;
            int floor = floorIndexByOffset(current, startOffset);
            if (floor < 0 || (floor == 0 && current.get(0).startOffset() == startOffset)) {
                return;
            }
            List<EpochEntry> next = new ArrayList<>(current.subList(floor, current.size()));
            next.set(0, new EpochEntry(next.get(0).epoch(), startOffset));
            persist(next);
        }
    }

    /**
     * Removes every entry and persists the empty cache.
     *
     * @throws UncheckedIOException when persisting fails (the entries are then unchanged)
     */
    public void clear() {
        synchronized (writeLock) {
            persist(List.of());
        }
    }

    /** The entries, oldest first; an immutable snapshot. */
    public List<EpochEntry> entries() {
        return entries;
    }

    /**
     * Writes the current entries again. Mutators already persist before they return, so this is only
     * needed to recreate a lost file or to retry after a failed write.
     */
    public void flush() throws IOException {
        synchronized (writeLock) {
            checkpoint.write(entries);
        }
    }

    /** Writes {@code next}, then publishes it: memory never runs ahead of a failed write. */
    private void persist(List<EpochEntry> next) {
        List<EpochEntry> snapshot = List.copyOf(next);
        try {
            checkpoint.write(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException("could not persist " + checkpoint.file(), e);
        }
        entries = snapshot;
    }

    /** Index of the entry with the largest start offset &le; {@code offset}, or -1. */
    private static int floorIndexByOffset(List<EpochEntry> list, long offset) {
        int lo = 0;
        int hi = list.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).startOffset() <= offset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Index of the entry with the largest epoch &le; {@code epoch}, or -1. */
    private static int floorIndexByEpoch(List<EpochEntry> list, int epoch) {
        int lo = 0;
        int hi = list.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).epoch() <= epoch) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "LeaderEpochCache{" + checkpoint.file() + ", " + entries + '}';
    }
}
