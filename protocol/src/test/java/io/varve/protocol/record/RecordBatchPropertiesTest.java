package io.varve.protocol.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;

/** Properties over batches our builder writes from random records, checked with Kafka as oracle. */
class RecordBatchPropertiesTest {

    private static final int MAX = 1 << 20;

    @Provide
    Arbitrary<byte[]> batches() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).injectNull(0.2);
        Arbitrary<BatchSpec.Hdr> header = Combinators.combine(Arbitraries.strings().ofMaxLength(8), bytes)
            .as(BatchSpec.Hdr::new);
        Arbitrary<BatchSpec.Rec> record = Combinators.combine(Arbitraries.longs().between(0, 1L << 42), bytes, bytes,
            header.list().ofMaxSize(3)).as(BatchSpec.Rec::new);
        return Combinators.combine(record.list().ofMinSize(1).ofMaxSize(12), Arbitraries.longs().between(0, 1L << 50),
                Arbitraries.integers().between(-1, 1000))
            .as((records, baseOffset, epoch) -> {
                BatchSpec spec = BatchSpec.plain("random", records).withOffsetAndEpoch(baseOffset, epoch);
                UnsafeBuffer buffer = new UnsafeBuffer(new byte[spec.capacityHint()]);
                int size = spec.buildWithVarve(new RecordBatchBuilder(), buffer, 0);
                return Arrays.copyOf(buffer.byteArray(), size);
            });
    }

    @Property(tries = 300)
    void builtBatchesAreValidForUsAndForKafka(@ForAll("batches") byte[] bytes) {
        RecordBatchFlyweight batch = new RecordBatchFlyweight().wrap(new UnsafeBuffer(bytes), 0);
        assertEquals(BatchStatus.OK, batch.validate(bytes.length, MAX));
        MutableRecordBatch kafka = MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)).batches().iterator().next();
        kafka.ensureValid();
        assertEquals(batch.recordCount(), kafka.countOrNull());
        assertEquals(batch.maxTimestamp(), kafka.maxTimestamp());
    }

    @Property(tries = 500)
    void flippingAnyByteTheCrcCoversIsNeverOk(@ForAll("batches") byte[] bytes,
                                              @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
                                              @ForAll @IntRange(min = 1, max = 255) int xor) {
        int first = RecordBatchFlyweight.ATTRIBUTES_OFFSET;
        int position = first + where % (bytes.length - first);
        bytes[position] ^= (byte) xor;
        assertNotEquals(BatchStatus.OK, new RecordBatchFlyweight().wrap(new UnsafeBuffer(bytes), 0).validate(bytes.length, MAX));
    }

    @Property(tries = 500)
    void truncatingABatchIsNeverOkAndNeverThrows(@ForAll("batches") byte[] bytes,
                                                  @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where) {
        int length = where % bytes.length;
        byte[] cut = Arrays.copyOf(bytes, length); // a buffer exactly that long: any over-read throws
        BatchStatus status = new RecordBatchFlyweight().wrap(new UnsafeBuffer(cut), 0).validate(length, MAX);
        assertNotEquals(BatchStatus.OK, status);
    }

    /** The jqwik twin of the Jazzer test: random bytes, run on every build with fresh seeds. */
    @Property(tries = 2000)
    void arbitraryBytesGiveAVerdictNotAnException(@ForAll @Size(max = 300) byte[] bytes,
                                                   @ForAll @IntRange(min = 0, max = 15) int recordCount) {
        RecordBatchFlyweight batch = new RecordBatchFlyweight();
        batch.wrap(new UnsafeBuffer(bytes), 0).validate(bytes.length, MAX);
        UnsafeBuffer framed = RawBatch.of(recordCount, recordCount - 1, 0, bytes);
        BatchStatus status = batch.wrap(framed, 0).validate(framed.capacity(), MAX);
        if (status.isOk()) {
            assertEquals(recordCount, RecordBatchFuzzTest.walk(new RecordCursor().wrap(batch)));
        }
        assertTrue(List.of(BatchStatus.values()).contains(status));
    }
}
