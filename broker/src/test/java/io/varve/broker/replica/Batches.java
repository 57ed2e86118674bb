package io.varve.broker.replica;

import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.RecordBatchFlyweight;
import io.varve.protocol.record.RecordCursor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Record batches built with the project's own builder, and read back from fetched bytes. */
public final class Batches {

    private Batches() {
    }

    /** One uncompressed, non-idempotent batch: record {@code i} has value {@code values[i]}, timestamp {@code timestamps[i]}. */
    public static ByteBuffer of(long[] timestamps, String... values) {
        return idempotent(RecordBatchFlyweight.NO_PRODUCER_ID, RecordBatchFlyweight.NO_PRODUCER_EPOCH,
            RecordBatchFlyweight.NO_SEQUENCE, timestamps, values);
    }

    /** One batch of {@code values}, every record stamped {@code timestampMs}. */
    public static ByteBuffer of(long timestampMs, String... values) {
        long[] timestamps = new long[values.length];
        java.util.Arrays.fill(timestamps, timestampMs);
        return of(timestamps, values);
    }

    /** One batch from an idempotent producer. */
    public static ByteBuffer idempotent(long producerId, short epoch, int baseSequence, long[] timestamps, String... values) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[RecordBatchFlyweight.HEADER_SIZE + 64 * values.length
            + values.length * 4 + java.util.Arrays.stream(values).mapToInt(String::length).sum()]);
        RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
        if (producerId >= 0) {
            builder.producer(producerId, epoch, baseSequence);
        }
        for (int i = 0; i < values.length; i++) {
            builder.append(timestamps[i], null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        int size = builder.build();
        return ByteBuffer.wrap(buffer.byteArray(), 0, size).slice();
    }

    /** A fetched record: its offset and value. */
    public record Fetched(long offset, long timestamp, String value) {
    }

    /** Every record of the uncompressed batches in {@code bytes}. */
    public static List<Fetched> read(ByteBuffer bytes) {
        DirectBuffer buffer = new UnsafeBuffer(bytes);
        List<Fetched> out = new ArrayList<>();
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        RecordCursor cursor = new RecordCursor();
        int position = 0;
        while (position < buffer.capacity()) {
            batch.wrap(buffer, position);
            cursor.wrap(batch);
            while (cursor.next()) {
                byte[] value = new byte[cursor.valueLength()];
                cursor.buffer().getBytes(cursor.valueOffset(), value);
                out.add(new Fetched(cursor.offset(), cursor.timestamp(), new String(value, StandardCharsets.UTF_8)));
            }
            position += batch.sizeInBytes();
        }
        return out;
    }

    /** The values of {@link #read}, in order. */
    public static List<String> values(ByteBuffer bytes) {
        return read(bytes).stream().map(Fetched::value).toList();
    }
}
