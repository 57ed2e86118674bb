package io.varve.producer.internals;

import io.varve.protocol.record.compress.CompressionType;
import io.varve.common.TopicPartition;
import io.varve.producer.Callback;
import io.varve.producer.Header;
import io.varve.producer.RecordMetadata;
import io.varve.protocol.codec.Records;
import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.Varint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The records bound for one partition that travel together as one RecordBatch v2. Open while
 * records are appended (by sending threads, under the accumulator's lock on the partition's deque);
 * {@link #close} writes the producer id, epoch and base sequence and builds the header and CRC once,
 * on the sender thread; the same bytes are then sent on every retry, so a retry keeps its sequence.
 *
 * <p>Each record's future and callback are kept in append order and completed together by
 * {@link #complete} or {@link #fail}, on the sender thread. {@link #done()} completes after them.
 *
 * <p>Not thread-safe by itself: appends are guarded by the deque's lock, everything after the batch
 * leaves its deque belongs to the sender thread.
 */
public final class ProducerBatch {

    /** A record's upper-bound size beyond its key, value and headers: length, attributes, deltas, counts. */
    private static final int RECORD_OVERHEAD_BOUND = Varint.MAX_VARINT_BYTES + 1 + Varint.MAX_VARLONG_BYTES
        + 4 * Varint.MAX_VARINT_BYTES;

    private final TopicPartition tp;
    private final byte[] bytes;
    private final RecordBatchBuilder builder = new RecordBatchBuilder();
    private final List<Thunk> thunks = new ArrayList<>();
    private final long createdMs;
    private final long deliveryDeadlineMs;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private boolean full;
    private int sizeInBytes = -1;
    private int baseSequence = RecordBatchFlyweight.NO_SEQUENCE;
    private int attempts;
    private long retryAtMs;
    private boolean retrying;

    private record Thunk(CompletableFuture<RecordMetadata> future, Callback callback, long timestampMs) {
    }

    /**
     * @param capacityBytes the buffer to build into: {@code batch.size}, or more for one big record
     * @param nowMs         monotonic time of creation, from which linger and delivery timeout count
     */
    public ProducerBatch(TopicPartition tp, int capacityBytes, long nowMs, long deliveryTimeoutMs) {
        this(tp, capacityBytes, nowMs, deliveryTimeoutMs, CompressionType.NONE);
    }

    /** @param compression applied to the records when the batch closes */
    public ProducerBatch(TopicPartition tp, int capacityBytes, long nowMs, long deliveryTimeoutMs,
                         CompressionType compression) {
        this.tp = tp;
        this.bytes = new byte[capacityBytes];
        this.createdMs = nowMs;
        this.deliveryDeadlineMs = nowMs + deliveryTimeoutMs;
        builder.wrap(new UnsafeBuffer(bytes), 0, capacityBytes).compression(compression);
    }

    /** An upper bound of the bytes one record adds to a batch, the batch header included. */
    public static int sizeUpperBound(byte[] key, byte[] value, List<byte[]> headerKeys, List<Header> headers) {
        long size = RecordBatchFlyweight.HEADER_SIZE + RECORD_OVERHEAD_BOUND + length(key) + length(value);
        for (int i = 0; i < headers.size(); i++) {
            size += 2L * Varint.MAX_VARINT_BYTES + headerKeys.get(i).length + length(headers.get(i).value());
        }
        return (int) Math.min(size, Integer.MAX_VALUE);
    }

    /** UTF-8 header keys, encoded once per record for both sizing and appending. */
    public static List<byte[]> headerKeys(List<Header> headers) {
        List<byte[]> out = new ArrayList<>(headers.size());
        for (Header h : headers) {
            out.add(h.key().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static long length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    /**
     * Appends a record if it fits; when it does not, marks the batch full and returns null.
     *
     * @return the record's future, or null when the batch is full or closed
     */
    public CompletableFuture<RecordMetadata> tryAppend(long timestampMs, byte[] key, byte[] value,
                                                       List<byte[]> headerKeys, List<Header> headers, Callback callback) {
        if (full || sizeInBytes >= 0) {
            return null;
        }
        for (int i = 0; i < headers.size(); i++) {
            builder.header(headerKeys.get(i), headers.get(i).value());
        }
        int needed = builder.sizeOfRecord(timestampMs, key == null ? -1 : key.length, value == null ? -1 : value.length);
        if (needed > builder.remainingBytes()) {
            full = true;
            return null;
        }
        builder.append(timestampMs, key, value);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        thunks.add(new Thunk(future, callback, timestampMs));
        return future;
    }

    /** Builds the batch with the producer's identity; idempotent-producer fields are -1 when not idempotent. */
    void close(long producerId, short producerEpoch, int baseSequence) {
        if (sizeInBytes >= 0) {
            throw new IllegalStateException("batch of " + tp + " closed twice");
        }
        this.baseSequence = baseSequence;
        builder.producer(producerId, producerEpoch, baseSequence);
        try {
            sizeInBytes = builder.build();
        } catch (IllegalStateException incompressible) {
            // The compressed records would not fit where the plain ones did: send them as they are.
            sizeInBytes = builder.compression(CompressionType.NONE).build();
        }
    }

    /** The built batch, for a Produce request; valid only after {@link #close}. */
    Records records() {
        if (sizeInBytes < 0) {
            throw new IllegalStateException("batch of " + tp + " is not closed");
        }
        return Records.of(ByteBuffer.wrap(bytes, 0, sizeInBytes));
    }

    /** Marks the batch acknowledged: each record gets base offset + its index (or -1 with acks=0). */
    void complete(long baseOffset, long logAppendTimeMs) {
        for (int i = 0; i < thunks.size(); i++) {
            Thunk t = thunks.get(i);
            long offset = baseOffset < 0 ? -1L : baseOffset + i;
            long timestamp = logAppendTimeMs >= 0 ? logAppendTimeMs : t.timestampMs;
            RecordMetadata metadata = new RecordMetadata(tp.topic(), tp.partition(), offset, timestamp);
            runCallback(t.callback, metadata, null);
            t.future.complete(metadata);
        }
        done.complete(null);
    }

    /** Fails every record of the batch with {@code error}. */
    void fail(RuntimeException error) {
        for (Thunk t : thunks) {
            runCallback(t.callback, null, error);
            t.future.completeExceptionally(error);
        }
        done.complete(null);
    }

    private static void runCallback(Callback callback, RecordMetadata metadata, Exception error) {
        if (callback == null) {
            return;
        }
        try {
            callback.onCompletion(metadata, error);
        } catch (RuntimeException e) {
            // A failing callback must not stop the others or the sender; Kafka logs and goes on too.
            org.slf4j.LoggerFactory.getLogger(ProducerBatch.class).error("producer callback threw", e);
        }
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public int recordCount() {
        return thunks.size();
    }

    /** The bytes reserved from buffer memory for this batch. */
    public int capacityBytes() {
        return bytes.length;
    }

    /** Bytes of the batch so far (header included), or its built size once closed. */
    public int estimatedSizeInBytes() {
        return sizeInBytes >= 0 ? sizeInBytes : builder.sizeInBytes();
    }

    public boolean isFull() {
        return full;
    }

    public boolean isClosed() {
        return sizeInBytes >= 0;
    }

    /** The sequence of the batch's first record, or -1 when not idempotent or not closed yet. */
    public int baseSequence() {
        return baseSequence;
    }

    public long createdMs() {
        return createdMs;
    }

    public long deliveryDeadlineMs() {
        return deliveryDeadlineMs;
    }

    /** Completes when every record's future and callback have been completed. */
    public CompletableFuture<Void> done() {
        return done;
    }

    int attempts() {
        return attempts;
    }

    void onSendAttempt() {
        attempts++;
    }

    /** Marks the batch for another attempt, not before {@code retryAtMs}. */
    void onRetry(long retryAtMs) {
        this.retryAtMs = retryAtMs;
        this.retrying = true;
    }

    boolean isRetrying() {
        return retrying;
    }

    long retryAtMs() {
        return retryAtMs;
    }
}
