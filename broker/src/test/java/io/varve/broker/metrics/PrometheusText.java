package io.varve.broker.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small parser of the Prometheus text exposition format, enough for tests: {@code # TYPE} lines
 * and samples {@code name{label="value",...} number}. Label values are unescaped.
 */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PrometheusText parse(String text) {
        PrometheusText out = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split(" ");
                out.types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                out.samples.add(sample(line));
            }
        }
        return out;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new HashMap<>();
        if (brace >= 0 && brace < line.indexOf(' ')) {
            name = line.substring(0, brace);
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        j++;
                        c = line.charAt(j) == 'n' ? '\n' : line.charAt(j);
                    }
                    value.append(c);
                    j++;
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            space = i + 1;
        } else {
            space = line.indexOf(' ');
            name = line.substring(0, space);
        }
        String[] rest = line.substring(space).trim().split(" ");
        return new Sample(name, labels, Double.parseDouble(rest[0]));
    }

    /** The family's type, by its TYPE name or its sample name less {@code _total}. */
    String type(String family) {
        String t = types.get(family);
        return t != null ? t : types.get(family.endsWith("_total") ? family.substring(0, family.length() - 6) : family + "_total");
    }

    /** The value of the one sample named {@code name} carrying at least {@code labels}. */
    Optional<Double> value(String name, Map<String, String> labels) {
        return samples.stream()
            .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
            .map(Sample::value).findFirst();
    }

    /** The sum of the samples named {@code name} carrying at least {@code labels}. */
    double sum(String name, Map<String, String> labels) {
        return samples.stream()
            .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
            .mapToDouble(Sample::value).sum();
    }
}
