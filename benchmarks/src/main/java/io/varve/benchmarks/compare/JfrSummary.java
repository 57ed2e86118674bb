package io.varve.benchmarks.compare;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hot frames of a flight recording, from the text of {@code jfr print --events
 * jdk.ExecutionSample}: for each sample, the top frame (where the CPU was) and the first Varve frame
 * (which of Varve's methods led there). Pure; {@link Compare} runs the {@code jfr} tool.
 */
public final class JfrSummary {

    /** A frame and the share of samples it has. */
    public record Hot(String frame, int samples, double share) {
    }

    private final int samples;
    private final List<Hot> topFrames;
    private final List<Hot> topVarveFrames;

    private JfrSummary(int samples, List<Hot> topFrames, List<Hot> topVarveFrames) {
        this.samples = samples;
        this.topFrames = topFrames;
        this.topVarveFrames = topVarveFrames;
    }

    public int samples() {
        return samples;
    }

    public List<Hot> topFrames() {
        return topFrames;
    }

    public List<Hot> topVarveFrames() {
        return topVarveFrames;
    }

    /** Parses the printed events and keeps the {@code limit} hottest frames of each kind. */
    public static JfrSummary parse(List<String> printed, int limit) {
        Map<String, Integer> top = new HashMap<>();
        Map<String, Integer> varve = new HashMap<>();
        int samples = 0;
        boolean inStack = false;
        boolean first = false;
        boolean varveSeen = false;
        for (String raw : printed) {
            String line = raw.trim();
            if (line.startsWith("stackTrace = [")) {
                inStack = true;
                first = true;
                varveSeen = false;
                samples++;
                continue;
            }
            if (!inStack) {
                continue;
            }
            if (line.equals("]") || line.equals("...")) {
                inStack = !line.equals("]");
                continue;
            }
            String frame = frameName(line);
            if (first) {
                top.merge(frame, 1, Integer::sum);
                first = false;
            }
            if (!varveSeen && frame.startsWith("io.varve.")) {
                varve.merge(frame, 1, Integer::sum);
                varveSeen = true;
            }
        }
        return new JfrSummary(samples, hottest(top, samples, limit), hottest(varve, samples, limit));
    }

    /** {@code io.varve.Foo.bar(int) line: 12} becomes {@code io.varve.Foo.bar}. */
    static String frameName(String line) {
        int paren = line.indexOf('(');
        return paren > 0 ? line.substring(0, paren) : line;
    }

    private static List<Hot> hottest(Map<String, Integer> counts, int samples, int limit) {
        List<Hot> out = new ArrayList<>();
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(limit)
            .forEach(e -> out.add(new Hot(e.getKey(), e.getValue(), samples == 0 ? 0 : e.getValue() / (double) samples)));
        return out;
    }
}
