package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareOptionsTest {

    @TempDir
    Path dir;

    private String[] args(String... extra) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path jar = dir.resolve("varve.jar");
        if (!Files.exists(jar)) {
            Files.createFile(jar);
        }
        List<String> a = new ArrayList<>(List.of("--kafka-lib", lib.toString(), "--kafka-log4j", "log4j2.properties",
            "--varve-jar", jar.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void quickIsSmallAndTheFullRunIsLarge() throws IOException {
        CompareOptions quick = CompareOptions.parse(args("--quick"));
        assertEquals(2, quick.rounds());
        assertEquals(100_000, quick.records());
        assertEquals(5, quick.fixedRateSeconds());
        CompareOptions full = CompareOptions.parse(args());
        assertEquals(3, full.rounds());
        assertEquals(2_000_000, full.records());
        assertEquals(30, full.fixedRateSeconds());
        assertEquals("1g", full.heap());
    }

    @Test
    void explicitOptionsOverrideQuick() throws IOException {
        CompareOptions o = CompareOptions.parse(args("--quick", "--rounds", "4", "--records", "5000", "--rate", "2000",
            "--heap", "2g", "--jfr", "never", "--no-doc"));
        assertEquals(4, o.rounds());
        assertEquals(5000, o.records());
        assertEquals(2000, o.ratePerSec());
        assertEquals("2g", o.heap());
        assertEquals("never", o.jfr());
        assertNull(o.doc());
        assertEquals(List.of("produce-1k-acks1", "produce-1k-acksall", "produce-100b-acks1", "fixed-rate-acksall",
            "consume-1k"), o.workloads().stream().map(Workload::name).toList());
        assertEquals(10_000, o.workloads().get(3).records(), "the fixed-rate run lasts rate x seconds");
    }

    @Test
    void refusesWhatCannotRun() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(args("--rounds", "0")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(args("--jfr", "sometimes")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(args("--bogus")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(args("--records")));
        assertThrows(IllegalArgumentException.class, () -> CompareOptions.parse(new String[] {"--quick"}));
    }
}
