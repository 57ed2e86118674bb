package io.varve.benchmarks;

import io.varve.storage.MappedFileRegion;
import java.io.IOException;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link AppendBenchmark} with the page faults taken out: before each iteration, both target files
 * (the log's first segment and the baseline file) are written with zeros through a second mapping,
 * so their pages are already in the page cache and the appends pay only minor faults. This shows
 * the cost of the log's own logic, which first-touch faults on fresh sparse pages hide in
 * {@link AppendBenchmark}.
 *
 * <p>Iterations are short (250 ms) so that one iteration stays within the 1 GiB that was prepared;
 * the bytes rate shows if one did not (a roll into a fresh segment would pull it down).
 */
@Warmup(iterations = 4, time = 250, timeUnit = java.util.concurrent.TimeUnit.MILLISECONDS)
@Measurement(iterations = 10, time = 250, timeUnit = java.util.concurrent.TimeUnit.MILLISECONDS)
public class AppendPrefaultedBenchmark extends AppendBenchmark {

    @Override
    void prepareFiles(Path firstSegment, MappedFileRegion baseline) throws IOException {
        try (MappedFileRegion segment = MappedFileRegion.open(firstSegment, SEGMENT_BYTES, false)) {
            segment.buffer().setMemory(0, SEGMENT_BYTES, (byte) 0);
        }
        baseline.buffer().setMemory(0, SEGMENT_BYTES, (byte) 0);
    }
}
