package io.varve.protocol.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The build-time generator of Varve's protocol codecs. Usage:
 * {@code ProtocolGenerator <output-dir> <input-dir>...}: every {@code *.json} of the input
 * directories (Kafka's {@code common/message}, then Varve's own {@code src/main/message}; a missing
 * directory counts as empty) becomes one Java record in {@value MessageGenerator#PACKAGE} under
 * the output directory, plus the {@code ApiListener} and {@code ApiMessageType} tables.
 *
 * <p>A definition the generator does not understand is a {@link SchemaException} naming the file and
 * the field; it fails the build.
 */
public final class ProtocolGenerator {

    private ProtocolGenerator() {
    }

    /**
     * Runs the generator. It never calls {@code System.exit}, because the build runs it inside Maven's
     * JVM; a {@link SchemaException} escapes instead, which fails the build, and exits a standalone
     * {@code java} with status 1.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: ProtocolGenerator <output-dir> <input-dir>...");
        }
        List<Path> inputs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            inputs.add(Path.of(args[i]));
        }
        int written = generate(Path.of(args[0]), inputs);
        System.out.println("ProtocolGenerator: wrote " + written + " files to " + args[0]);
    }

    /**
     * Parses every definition of {@code inputs} and writes the sources; returns the number of files
     * generated. A file whose content is unchanged is not rewritten, so that an incremental build
     * does not recompile it; a stale file (its definition is gone) is deleted.
     */
    public static int generate(Path outputRoot, List<Path> inputs) throws IOException {
        List<MessageSpec> specs = parseAll(inputs);
        Map<String, String> sources = new LinkedHashMap<>();
        for (MessageSpec spec : specs) {
            if (spec.hasVersions()) { // an API Kafka removed keeps its key with validVersions "none": nothing to encode
                sources.put(spec.name() + ".java", new MessageGenerator(spec).generate());
            }
        }
        ApiTableGenerator table = new ApiTableGenerator(specs);
        sources.put("ApiListener.java", table.generateListenerEnum());
        sources.put("ApiMessageType.java", table.generate());
        Path dir = outputRoot.resolve(MessageGenerator.PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        deleteStale(dir, sources.keySet());
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(e.getValue())) {
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            }
        }
        return sources.size();
    }

    /** Reads and validates every {@code *.json} of the directories, refusing two definitions of one name. */
    public static List<MessageSpec> parseAll(List<Path> inputs) throws IOException {
        List<MessageSpec> specs = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (Path input : inputs) {
            if (!Files.isDirectory(input)) {
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(input)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                        .sorted(Comparator.comparing(Path::toString)).toList();
            }
            for (Path file : files) {
                MessageSpec spec = MessageSpec.parse(Files.readString(file, StandardCharsets.UTF_8),
                        file.getFileName().toString());
                String previous = seen.put(spec.name(), file.toString());
                if (previous != null) {
                    throw new SchemaException(file + ": " + spec.name() + " is already defined by " + previous);
                }
                specs.add(spec);
            }
        }
        return specs;
    }

    private static void deleteStale(Path dir, Set<String> keep) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".java") && !keep.contains(name)) {
                    Files.delete(p);
                }
            }
        }
    }
}
