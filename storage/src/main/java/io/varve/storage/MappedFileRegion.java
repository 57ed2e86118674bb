package io.varve.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.core.io.ReferenceOwner;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A file mapped into memory at a fixed capacity with Chronicle Bytes: the one class in Varve that
 * talks to Chronicle. The file is grown (sparsely) to the capacity before it is mapped, and is only
 * ever shrunk by {@link #closeAndTrim(long)}, after the mapping is gone: truncating a mapped file and
 * then touching the lost pages is a SIGBUS that kills the JVM.
 *
 * <p>The mapping is exposed as an Agrona {@link UnsafeBuffer} so flyweights can read it in place.
 * Callers coordinate their own reads and writes; this class is thread-safe only in that
 * {@link #force(long)} may run concurrently with writes, and {@link #closeAndTrim(long)} must be
 * called once, after every user of {@link #buffer()} is done (segments count their readers for that).
 * {@link #close()} unmaps at once (Chronicle would otherwise keep the mapping until a garbage collection).
 */
public final class MappedFileRegion implements AutoCloseable {

    private final Path path;
    private final MappedFile mappedFile;
    private final MappedBytesStore store;
    private final ReferenceOwner owner;
    private final UnsafeBuffer buffer;
    private final boolean readOnly;
    private boolean closed;

    private MappedFileRegion(Path path, MappedFile mappedFile, MappedBytesStore store, ReferenceOwner owner,
                             int capacity, boolean readOnly) {
        this.path = path;
        this.mappedFile = mappedFile;
        this.store = store;
        this.owner = owner;
        this.readOnly = readOnly;
        this.buffer = new UnsafeBuffer(store.addressForRead(0), capacity);
    }

    /**
     * Maps {@code path} (created if absent) at {@code capacity} bytes. A read-write mapping grows a
     * shorter file to the capacity first; a read-only mapping needs a file at least that long.
     */
    public static MappedFileRegion open(Path path, int capacity, boolean readOnly) throws IOException {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity + " for " + path);
        }
        if (readOnly && Files.size(path) < capacity) {
            throw new IOException("cannot map " + capacity + " bytes of " + path + " read-only: it holds "
                + Files.size(path));
        }
        MappedFile mappedFile = MappedFile.ofSingle(path.toFile(), capacity, readOnly);
        ReferenceOwner owner = ReferenceOwner.temporary("region:" + path.getFileName());
        try {
            MappedBytesStore store = mappedFile.acquireByteStore(owner, 0);
            return new MappedFileRegion(path, mappedFile, store, owner, capacity, readOnly);
        } catch (IOException | RuntimeException e) {
            mappedFile.releaseLast();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The mapped bytes, {@code [0, capacity)}. Valid until {@link #close()}. */
    public UnsafeBuffer buffer() {
        return buffer;
    }

    public int capacity() {
        return buffer.capacity();
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Forces every byte written so far to the storage device (fsync of the file, which on Linux
     * also writes back pages dirtied through the mapping). {@code upTo} bounds the bytes the caller
     * cares about; the whole file is synced.
     *
     * @throws IOException when the device reports a failure: the caller must treat the data as lost
     */
    public void force(long upTo) throws IOException {
        if (readOnly || upTo <= 0) {
            return;
        }
        mappedFile.raf().getChannel().force(false);
    }

    /**
     * Backs bytes {@code [from, to)} of the file with disk blocks by writing zeros there through the file's
     * channel, so that a later write through the mapping cannot fault for want of space. A sparse,
     * preallocated file gets its blocks only when first written: through a mapping a full disk is a
     * SIGBUS, reported by the JVM long after the copy (and a batch that never reached the file would
     * look written); through a channel it is an {@link IOException} before anything was copied. The
     * caller allocates only where the file holds zeros (past its data), and does not write there
     * through the mapping meanwhile.
     *
     * @throws IOException when the file system refuses the space (ENOSPC, a quota): nothing of the
     *                     data was touched
     */
    public void allocate(long from, long to) throws IOException {
        if (readOnly) {
            throw new IllegalStateException(path + " is mapped read-only");
        }
        FileChannel channel = mappedFile.raf().getChannel();
        ByteBuffer zeros = ZEROS.duplicate();
        long position = from;
        while (position < to) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), to - position));
            position += channel.write(zeros, position);
        }
    }

    /** Zeros written by {@link #allocate}; shared, never written to, duplicated per use. */
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024);

    /** Unmaps the file and leaves its length as it is. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        store.release(owner);
        mappedFile.releaseLast();
        // The mapped file holds a reservation of its own on the store, and gives it back on release only
        // when the system property mappedFile.retain is set: without this, the mapping (and the pages of
        // a deleted file, and their disk space) would stay until a garbage collection found the store.
        if (store.refCount() > 0) {
            store.release(mappedFile);
        }
        // Chronicle may unmap on a background thread; make sure the mapping is gone before we return,
        // so that a following truncate or delete can never race with it.
        BackgroundResourceReleaser.releasePendingResources();
    }

    /** Unmaps the file, then cuts it to {@code size} bytes: the trim of a preallocated file. */
    public void closeAndTrim(long size) throws IOException {
        close();
        if (!readOnly) {
            cut(path, size, false);
        }
    }

    /**
     * Cuts {@code file} to {@code size} bytes if it is longer, without reading what goes; with {@code
     * fsync}, then syncs the file (its bytes and its length), cut or not. Only for a file nobody maps: a
     * mapped page past the new end is a SIGBUS when touched. Nothing happens to a file that is gone
     * (renamed away to be deleted).
     *
     * @return the bytes cut
     */
    public static long cut(Path file, long size, boolean fsync) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long cut = Math.max(0, raf.length() - size);
            if (cut > 0) {
                raf.setLength(size);
            }
            if (fsync) {
                raf.getChannel().force(true);
            }
            return cut;
        }
    }

    /** {@link #closeAndTrim(long)} for callers that cannot throw: failures surface unchecked. */
    public void closeAndTrimUnchecked(long size) {
        try {
            closeAndTrim(size);
        } catch (IOException e) {
            throw new UncheckedIOException("could not trim " + path + " to " + size + " bytes", e);
        }
    }

    @Override
    public String toString() {
        return "MappedFileRegion{" + path + ", capacity=" + capacity() + (readOnly ? ", read-only" : "") + '}';
    }
}
