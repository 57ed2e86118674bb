package io.varve.protocol.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The build-time generator of Varve's protocol codecs. Usage:
 * {@code ProtocolGenerator <output-dir> <input-dir>...}: every {@code *.json} of the input
 * directories (Kafka's {@code common/message}, then Varve's own {@code src/main/message}; a missing
 * directory counts as empty) becomes one Java record in {@value MessageGenerator#PACKAGE} under
 * the output directory, which is emptied first, plus the {@code ApiMessageType} table.
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

    /** Parses every definition of {@code inputs} and writes the sources; returns the number of files written. */
    public static int generate(Path outputRoot, List<Path> inputs) throws IOException {
        List<MessageSpec> specs = parseAll(inputs);
        Path dir = outputRoot.resolve(MessageGenerator.PACKAGE.replace('.', '/'));
        clean(dir);
        Files.createDirectories(dir);
        int written = 0;
        for (MessageSpec spec : specs) {
            if (!spec.hasVersions()) {
                continue; // an API Kafka removed keeps its key with validVersions "none": nothing to encode
            }
            write(dir.resolve(spec.name() + ".java"), new MessageGenerator(spec).generate());
            written++;
        }
        ApiTableGenerator table = new ApiTableGenerator(specs);
        write(dir.resolve("ApiListener.java"), table.generateListenerEnum());
        write(dir.resolve("ApiMessageType.java"), table.generate());
        return written + 2;
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

    private static void clean(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (p.getFileName().toString().endsWith(".java")) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void write(Path file, String source) throws IOException {
        Files.writeString(file, source, StandardCharsets.UTF_8);
    }
}
