package io.varve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.EmbeddedVarve;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code varve produce}, {@code consume} and {@code perf} run in-process against an embedded node. */
class DataCommandsTest {

    @TempDir
    static Path dir;
    static EmbeddedVarve varve;

    @BeforeAll
    static void start() throws Exception {
        varve = EmbeddedVarve.start(dir);
    }

    @AfterAll
    static void stop() {
        varve.close();
    }

    record Run(int status, String out, String err) {
    }

    static Run varve(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Varve.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void linesProducedWithKeysAreConsumedBackWithTheirKeys() {
        String b = varve.bootstrapServers();
        assertEquals(0, varve("", "topics", "create", "--topic", "lines", "--partitions", "2", "--bootstrap-server", b).status());
        Run produced = varve("k1:hello\nk2:world\nk1:again\n", "produce", "--topic", "lines", "--key-separator", ":",
            "--bootstrap-server", b);
        assertEquals(0, produced.status(), produced.err());
        assertTrue(produced.err().contains("3 records acknowledged"), produced.err());

        Run consumed = varve("", "consume", "--topic", "lines", "--from-beginning", "--print-key", "--key-separator", "=",
            "--max-messages", "3", "--timeout-ms", "20000", "--bootstrap-server", b);
        assertEquals(0, consumed.status(), consumed.err());
        List<String> lines = consumed.out().lines().toList();
        assertEquals(Set.of("k1=hello", "k2=world", "k1=again"), Set.copyOf(lines));
        List<String> k1 = lines.stream().filter(l -> l.startsWith("k1=")).collect(Collectors.toList());
        assertEquals(List.of("k1=hello", "k1=again"), k1, "one key, one partition, send order");
    }

    @Test
    void perfProduceAndConsumeReportThroughputAndLatency() {
        String b = varve.bootstrapServers();
        Run produced = varve("", "perf", "produce", "--topic", "perf", "--num-records", "2000", "--record-size", "100",
            "--bootstrap-server", b);
        assertEquals(0, produced.status(), produced.err());
        assertTrue(produced.out().contains("2000 records sent") && produced.out().contains("p99"), produced.out());

        Run consumed = varve("", "perf", "consume", "--topic", "perf", "--num-records", "2000", "--timeout-ms", "20000",
            "--bootstrap-server", b);
        assertEquals(0, consumed.status(), consumed.err());
        assertTrue(consumed.out().contains("2000 records consumed"), consumed.out());
    }

    @Test
    void badUsageExitsWithTwoAndTheUsage() {
        Run missingTopic = varve("", "produce", "--bootstrap-server", varve.bootstrapServers());
        assertEquals(2, missingTopic.status());
        assertTrue(missingTopic.err().contains("--topic is required") && missingTopic.err().contains("usage: varve produce"));
        assertEquals(2, varve("", "perf", "sideways").status());
        assertEquals(2, varve("", "consume", "--topic", "t", "--no-such-option").status());
    }
}
