package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.Records;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Shared pieces of the data-path codec oracle tests (Produce, Fetch, ListOffsets, Metadata). */
final class DataPathOracle {

    private DataPathOracle() {
    }

    /**
     * The full oracle check of one message at one version: Kafka's bytes decode with ours into the
     * same fields ({@code sameFields}), our re-encoding is byte-identical to Kafka's, and Kafka
     * decodes our bytes back into the original.
     */
    static <K extends Message, V extends ApiMessage> V checkBothWays(K theirs, short version,
            BiFunction<ProtocolReader, Short, V> ourCodec, BiFunction<ByteBufferAccessor, Short, K> theirCodec,
            BiConsumer<K, V> sameFields) {
        ByteBuffer kafka = kafkaBytes(theirs, version);
        V ours = varveRead(kafka, version, ourCodec);
        sameFields.accept(theirs, ours);
        ByteBuffer varve = varveBytes(ours, version);
        assertEquals(kafka, varve, "byte-identical at v" + version);
        assertEquals(theirs, kafkaRead(varve, version, theirCodec), "Kafka reads ours back at v" + version);
        return ours;
    }

    /** A RecordBatch v2 built by Kafka itself, with {@code values} as record values. */
    static MemoryRecords kafkaRecords(long baseOffset, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, records);
    }

    /** The bytes of Kafka's records, or null. */
    static ByteBuffer bytes(BaseRecords records) {
        return records == null ? null : ((MemoryRecords) records).buffer().duplicate();
    }

    /** The bytes of our records, or null. */
    static ByteBuffer bytes(Records records) {
        if (records == null) {
            return null;
        }
        ByteBuffer out = ByteBuffer.allocate(records.sizeInBytes());
        records.copyTo(out);
        return out.flip();
    }

    static Records varveRecords(MemoryRecords records) {
        return Records.of(records.buffer().duplicate());
    }

    static UUID uuid(Uuid u) {
        return new UUID(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    static Uuid kafkaUuid(UUID u) {
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }
}
