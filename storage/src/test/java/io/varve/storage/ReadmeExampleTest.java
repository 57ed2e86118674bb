package io.varve.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.protocol.record.RecordBatchBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's storage round trip, kept compiling and true. */
class ReadmeExampleTest {

    @TempDir
    Path data;

    @Test
    void readmeRoundTripWorksAsWritten() throws Exception {
        LogConfig config = LogConfig.from(Map.of("log.segment.bytes", 64 * 1024 * 1024));
        try (PartitionLog log = PartitionLog.open(data.resolve("orders-0"), new TopicPartition("orders", 0),
                                                  config, Clock.system())) {
            UnsafeBuffer buffer = new UnsafeBuffer(new byte[16 * 1024]);
            RecordBatchBuilder builder = new RecordBatchBuilder().wrap(buffer, 0, buffer.capacity());
            builder.append(System.currentTimeMillis(), "key".getBytes(UTF_8), "value".getBytes(UTF_8));
            int size = builder.build();
            AppendResult result = log.append(buffer, 0, size, /* leader epoch */ 0);
            try (LogSlice slice = log.read(result.firstOffset(), 1 << 20)) {
                assertEquals(List.of("value"), TestBatches.values(slice));
            }
            log.flush();
            assertEquals(1, log.recoveryPoint());
        }
    }
}
