package io.varve.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.broker.replica.ReplicaFixture;
import io.varve.protocol.record.RecordBatchBuilder;
import io.varve.protocol.record.compress.CompressionType;
import io.varve.storage.TimestampAndOffset;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A timestamp lookup is exact to the record in every codec, as Kafka's: Kafka's
 * {@code kafka-get-offsets --time} on a compressed topic found the batch's first offset before.
 */
class RecordTimestampsTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = ReplicaFixture.open(dir);
        fixture.createTopic("orders", 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        Answers.assertEveryLogDeletesCleanly(fixture.logs());
        fixture.close();
    }

    /** One batch of five records at 100, 200, ... 500, compressed with {@code codec}. */
    private static ByteBuffer batch(CompressionType codec) {
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity()).compression(codec);
        for (int i = 0; i < 5; i++) {
            builder.append(100L * (i + 1), null, ("record-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return ByteBuffer.wrap(buffer.byteArray(), 0, builder.build()).slice();
    }

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void aLookupFindsTheRecordInsideABatchOfEveryCodec(CompressionType codec) {
        fixture.append("orders", 0, batch(codec));

        assertEquals(new TimestampAndOffset(100, 0, 0), first(50));
        assertEquals(new TimestampAndOffset(300, 2, 0), first(250));
        assertEquals(new TimestampAndOffset(300, 2, 0), first(300));
        assertEquals(new TimestampAndOffset(500, 4, 0), first(401));
        assertEquals(new TimestampAndOffset(500, 4, 0), RecordTimestamps.maxTimestamp(fixture.partition("orders", 0)).orElseThrow());
        assertEquals(Optional.empty(), RecordTimestamps.firstAtOrAfter(fixture.partition("orders", 0), 501));
    }

    private TimestampAndOffset first(long timestamp) {
        return RecordTimestamps.firstAtOrAfter(fixture.partition("orders", 0), timestamp).orElseThrow();
    }
}
