package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void cpuTicksAreUtimePlusStimeCountedFromTheLastParenthesis() {
        // Field 2 holds a name with a space and a ')' inside: counting from the start would be wrong.
        String stat = "4242 (java) weird) S 1 4242 4242 0 -1 4194560 31066 0 12 0 1500 250 0 0 20 0 40 0 123 0 0";
        assertEquals(1750, ProcStats.parseCpuTicks(stat));
    }

    @Test
    void memoryIsReadInKilobytesAndReturnedInBytes() {
        ProcStats.Memory m = ProcStats.parseMemory(List.of("Name:\tjava", "VmHWM:\t  524288 kB", "VmRSS:\t  262144 kB",
            "RssAnon:\t  200000 kB", "RssFile:\t   62144 kB"));
        assertEquals(new ProcStats.Memory(256L << 20, 512L << 20, 200_000L * 1024, 62_144L * 1024), m);
        assertEquals(-1, ProcStats.parseMemory(List.of("VmHWM:\t 2 kB", "VmRSS:\t 1 kB")).anonBytes(),
            "an old kernel without the split");
        assertThrows(IllegalArgumentException.class, () -> ProcStats.parseMemory(List.of("Name:\tjava")));
    }

    @Test
    void cpuSecondsPerGigabyte() {
        assertEquals(5.0, ProcStats.cpuSecondsPerGb(1000, 100, 2_000_000_000L), 1e-12);
        assertTrue(Double.isNaN(ProcStats.cpuSecondsPerGb(1000, 100, 0)));
    }

    @Test
    void readsThisProcess() throws IOException {
        long pid = ProcessHandle.current().pid();
        assertTrue(ProcStats.cpuTicks(pid) >= 0);
        ProcStats.Memory m = ProcStats.memory(pid);
        assertTrue(m.rssBytes() > 0 && m.peakRssBytes() >= m.rssBytes(), m.toString());
    }
}
