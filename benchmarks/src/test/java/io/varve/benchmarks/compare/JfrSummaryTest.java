package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JfrSummaryTest {

    private static List<String> sample(String... frames) {
        List<String> lines = new java.util.ArrayList<>(List.of("jdk.ExecutionSample {", "  startTime = 11:00:00.000",
            "  sampledThread = \"worker\" (javaThreadId = 20)", "  state = \"STATE_RUNNABLE\"", "  stackTrace = ["));
        for (String f : frames) {
            lines.add("    " + f);
        }
        lines.add("    ...");
        lines.add("  ]");
        lines.add("}");
        return lines;
    }

    @Test
    void countsTopFramesAndFirstVarveFrames() {
        List<String> printed = new java.util.ArrayList<>();
        printed.addAll(sample("io.varve.protocol.record.Crc32c.compute(org.agrona.DirectBuffer, int, int) line: 40",
            "io.varve.storage.PartitionLog.append(org.agrona.DirectBuffer, int, int, int) line: 100"));
        printed.addAll(sample("java.util.zip.CRC32C.updateBytes(long, byte[], int, int) line: 1",
            "io.varve.protocol.record.Crc32c.compute(org.agrona.DirectBuffer, int, int) line: 41"));
        printed.addAll(sample("sun.nio.ch.SocketDispatcher.write0(java.io.FileDescriptor, long, int) line: 0",
            "io.netty.channel.epoll.EpollEventLoop.run() line: 1"));
        JfrSummary s = JfrSummary.parse(printed, 10);
        assertEquals(3, s.samples());
        assertEquals(3, s.topFrames().size());
        assertEquals(new JfrSummary.Hot("io.varve.protocol.record.Crc32c.compute", 2, 2 / 3.0), s.topVarveFrames().get(0));
        assertEquals(1, s.topVarveFrames().size(), "a stack without Varve frames counts for no Varve frame");
        assertEquals(1, s.topFrames().stream().filter(h -> h.frame().equals("java.util.zip.CRC32C.updateBytes")).count());
    }

    @Test
    void limitKeepsTheHottest() {
        List<String> printed = new java.util.ArrayList<>();
        printed.addAll(sample("a.B.c() line: 1"));
        printed.addAll(sample("a.B.c() line: 2"));
        printed.addAll(sample("x.Y.z() line: 1"));
        JfrSummary s = JfrSummary.parse(printed, 1);
        assertEquals(List.of(new JfrSummary.Hot("a.B.c", 2, 2 / 3.0)), s.topFrames());
    }
}
