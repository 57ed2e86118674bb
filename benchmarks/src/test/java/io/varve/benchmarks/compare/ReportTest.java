package io.varve.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.benchmarks.compare.RunResult.Broker;
import io.varve.benchmarks.compare.RunResult.Tool;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final List<Workload> WORKLOADS = Workload.standard(1000, 100, 5);

    private static Summary summary() {
        List<RunResult> runs = new ArrayList<>();
        for (Workload w : WORKLOADS) {
            for (Tool t : Tool.values()) {
                runs.add(RunResult.ok(1, Broker.KAFKA, t, w.name(), new Metrics(1000, 50_000, 51.2, 2, 8, 12), 6));
                runs.add(RunResult.ok(1, Broker.VARVE, t, w.name(), new Metrics(1000, 100_000, 102.4, 1, 2, 3), 2));
            }
        }
        return Summary.of(WORKLOADS, runs, List.of(new Summary.MemorySample(1, Broker.KAFKA, 400L << 20, 800L << 20),
            new Summary.MemorySample(1, Broker.VARVE, 100L << 20, 300L << 20, 90L << 20, 200L << 20)));
    }

    @Test
    void spliceReplacesOnlyTheMarkedSection() {
        String page = "# Benchmarks\n\nstorage text\n";
        String once = Report.splice(page, "## Side by side\n\nfirst");
        assertTrue(once.startsWith(page), once);
        String twice = Report.splice(once + "\n## Later section\n", "## Side by side\n\nsecond");
        assertTrue(twice.contains("second") && !twice.contains("first"), twice);
        assertTrue(twice.startsWith(page) && twice.endsWith("## Later section\n"), twice);
        assertEquals(1, twice.split(java.util.regex.Pattern.quote(Report.BEGIN), -1).length - 1);
    }

    @Test
    void rendersMediansRatiosMemoryAndTargets() {
        String md = Report.render(summary(), new Report.Context(Map.of("CPU", "test CPU"), "benchmarks/compare.sh --quick",
            "note", WORKLOADS, 1, null, null));
        assertTrue(md.contains("| produce-1k-acks1 | Kafka perf tools | 50,000 | 100,000 | 2.00 | 51.2 | 102 | 2.00 / 8.00 / 12.0"
            + " | 1.00 / 2.00 / 3.00 | 0.25 | 6.00 | 2.00 | 0.33 | 1 / 1 |"), md);
        assertTrue(md.contains("| consume-1k | varve perf |"), md);
        assertTrue(md.contains("| Varve | 1 | 100 | 300 | 90.0 | 200 |"), md);
        assertTrue(md.contains("| Apache Kafka | 1 | 400 | 800 | - | - |"), md);
        assertTrue(md.contains("| idle memory | Varve idle RSS <= 0.5 x Kafka's, same heap settings | 0.25 x | **yes** |"), md);
        assertTrue(md.contains("benchmarks/compare.sh --quick"), md);
        assertTrue(md.contains("img/compare-throughput.png") && md.contains("img/compare-latency.png"), md);
    }

    @Test
    void chartsArePngsWithOneGroupPerRow(@TempDir Path dir) throws Exception {
        Summary s = summary();
        List<BarChart.Group> throughput = Report.groups(s, false);
        assertEquals((WORKLOADS.size() - 1) * Tool.values().length, throughput.size(), "the fixed-rate run is not a throughput");
        assertEquals(100_000, throughput.get(0).values()[1]);
        Path png = dir.resolve("img/t.png");
        BarChart.write(png, "title", "records/s", List.of("Apache Kafka", "Varve"), throughput);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1000, image.getWidth());
        assertTrue(Files.size(png) > 1000);
        assertEquals(List.of("0", "0.25", "512", "33k", "1.50M"), java.util.stream.DoubleStream.of(0, 0.25, 512, 33_400,
            1_500_000).mapToObj(BarChart::format).toList());
    }
}
