package io.varve.testkit.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;

/**
 * Reads a Varve partition's segment files back with Kafka's own record decoder (which checks every
 * batch's CRC): an oracle for what the broker stored that does not go through Varve's fetch path.
 * Segments are preallocated, so a batch length of zero marks the end of the written part.
 */
final class LogFiles {

    private LogFiles() {
    }

    /** A reader of every partition of {@code topic} under the broker's data directory {@code dataDir}. */
    static RoundTrip.Reader reader(Path dataDir, String topic, int partitions) {
        return count -> {
            // acks=0 completes a send once written to the socket: the broker may still be appending.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (true) {
                Map<Integer, List<RoundTrip.ReadRecord>> out = new HashMap<>();
                int total = 0;
                for (int p = 0; p < partitions; p++) {
                    List<RoundTrip.ReadRecord> records = readPartition(partitionDir(dataDir, topic + "-" + p));
                    total += records.size();
                    out.put(p, records);
                }
                if (total >= count || System.nanoTime() > deadline) {
                    assertEquals(count, total, "records stored in " + topic);
                    return out;
                }
                Thread.onSpinWait();
            }
        };
    }

    private static Path partitionDir(Path dataDir, String name) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(f -> Files.isDirectory(f) && f.getFileName().toString().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no directory " + name + " under " + dataDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<RoundTrip.ReadRecord> readPartition(Path dir) {
        List<RoundTrip.ReadRecord> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path segment : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                readSegment(segment, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void readSegment(Path segment, List<RoundTrip.ReadRecord> out) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long position = 0;
            ByteBuffer head = ByteBuffer.allocate(12);
            while (position + 12 <= channel.size()) {
                head.clear();
                channel.read(head, position);
                int length = head.getInt(8);
                if (length <= 0) {
                    return;
                }
                ByteBuffer batchBytes = ByteBuffer.allocate(12 + length);
                channel.read(batchBytes, position);
                batchBytes.flip();
                for (MutableRecordBatch batch : MemoryRecords.readableRecords(batchBytes).batches()) {
                    batch.ensureValid();
                    for (Record r : batch) {
                        Map<String, byte[]> headers = new HashMap<>();
                        for (Header h : r.headers()) {
                            headers.put(h.key(), h.value());
                        }
                        out.add(new RoundTrip.ReadRecord(r.offset(), bytes(r.key()), bytes(r.value()), r.timestamp(), headers));
                    }
                }
                position += 12 + length;
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
