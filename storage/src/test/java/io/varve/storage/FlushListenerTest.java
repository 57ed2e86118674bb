package io.varve.storage;

import static io.varve.storage.TestBatches.append;
import static io.varve.storage.TestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.common.ManualClock;
import io.varve.common.TopicPartition;
import io.varve.config.LogConfig;
import io.varve.config.StorageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flush hook through which the broker times flushes: told once per successful flush. */
class FlushListenerTest {

    private static final TopicPartition TP = new TopicPartition("flushed", 0);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final List<TopicPartition> flushes = new ArrayList<>();

    @Test
    void aLogTellsItsListenerOfEachFlushByPolicyOrOnDemand() throws Exception {
        try (PartitionLog log = PartitionLog.open(dir.resolve(TP.directoryName()), TP,
                LogConfig.from(Map.of("log.flush.interval.messages", "2")), clock)) {
            log.flushListener((tp, durationNs) -> flushes.add(tp));

            append(log, batch(1L, "a"), 0);
            assertEquals(List.of(), flushes);
            append(log, batch(1L, "b"), 0); // the second message: the policy flushes
            assertEquals(List.of(TP), flushes);
            log.flush();
            assertEquals(List.of(TP, TP), flushes);
        }
    }

    @Test
    void theManagersListenerReachesLogsCreatedLater() throws Exception {
        try (LogManager manager = LogManager.open(StorageConfig.from(Map.of(StorageConfig.LOG_DIRS, dir.toString())),
                clock, Runnable::run)) {
            manager.flushListener((tp, durationNs) -> flushes.add(tp));
            PartitionLog log = manager.getOrCreateLog(TP);
            append(log, batch(1L, "a"), 0);

            log.flush();

            assertEquals(List.of(TP), flushes);
        }
    }
}
