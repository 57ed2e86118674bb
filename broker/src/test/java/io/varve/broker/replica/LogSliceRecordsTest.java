package io.varve.broker.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import io.varve.storage.LogSlice;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The network edge's view of a fetched slice: the same bytes whether Netty wraps the mapped memory
 * in place or, in a JVM that does not let it, copies them; and closing it is what lets the segment go.
 */
class LogSliceRecordsTest {

    @TempDir
    Path dir;
    private ReplicaFixture fixture;

    @BeforeEach
    void open() throws Exception {
        fixture = ReplicaFixture.open(dir);
        fixture.createTopic("orders", 1);
        fixture.append("orders", 0, Batches.of(1L, "a", "b"));
        fixture.append("orders", 0, Batches.of(2L, "c"));
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void theBuildJvmLetsNettyWrapMappedMemoryInPlace() {
        assertTrue(PlatformDependent.hasDirectBufferNoCleanerConstructor(),
            "-Dio.netty.tryReflectionSetAccessible=true is missing from .mvn/jvm.config: fetches would copy");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theBufferHoldsTheSliceBytesWhetherWrappedOrCopied(boolean wrapAddress) {
        LogSliceRecords records = new LogSliceRecords(fixture.partition("orders", 0).read(0, 1 << 16), wrapAddress);
        ByteBuf buf = records.retainedSlice();
        try {
            assertEquals(records.sizeInBytes(), buf.readableBytes());
            ByteBuffer bytes = ByteBuffer.allocate(buf.readableBytes());
            buf.getBytes(buf.readerIndex(), bytes);
            assertEquals(List.of("a", "b", "c"), Batches.values(bytes.flip()));
        } finally {
            buf.release();
            records.close();
        }
    }

    @Test
    void closingTheRecordsReleasesTheSegmentForDeletion() throws Exception {
        LogSlice slice = fixture.partition("orders", 0).read(0, 1 << 16);
        LogSliceRecords records = new LogSliceRecords(slice);
        Path partitionDir = fixture.partitionDir("orders", 0);
        fixture.logs().deleteLog(fixture.partition("orders", 0).topicPartition());
        try (var files = Files.list(partitionDir)) {
            assertTrue(files.findAny().isPresent(), "pinned while the records are held");
        }

        records.close();

        try (var files = Files.list(partitionDir)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
