package io.varve.benchmarks.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The comparison's settings, from the command line. {@code --quick} sets small defaults (about
 * 3-5 minutes on 2 cores); explicit options override either set.
 *
 * @param rounds           A B rounds (Kafka then Varve, each a fresh broker)
 * @param records          records per as-fast-as-possible run (100-byte runs send twice as many)
 * @param ratePerSec       the fixed-rate run's records per second
 * @param fixedRateSeconds how long the fixed-rate run lasts
 * @param heap             -Xms and -Xmx of both brokers
 * @param kafkaLib         directory of the Kafka broker and tools jars (fetched by compare.sh)
 * @param kafkaVersion     the broker version in {@code kafkaLib}, for the report
 * @param kafkaLog4j       log4j2 configuration for Kafka's JVMs
 * @param varveJar         {@code cli/target/varve.jar}
 * @param varveJvmFlags    the JVM flags Varve needs ({@code @.mvn/jvm.config})
 * @param workDir          scratch: broker data and every child's log
 * @param doc              the markdown file to write the results into, or null to skip
 * @param jfr              "auto" (profile Varve when a target is missed), "always" or "never"
 * @param command          the command line as typed, for the report
 * @param quick            whether --quick was given
 */
public record CompareOptions(int rounds, long records, long ratePerSec, long fixedRateSeconds, String heap,
                             Path kafkaLib, String kafkaVersion, Path kafkaLog4j, Path varveJar, List<String> varveJvmFlags,
                             Path workDir, Path doc, String jfr, String command, boolean quick) {

    static final String USAGE = """
        usage: benchmarks/compare.sh [--quick] [--rounds N] [--records N] [--rate RECORDS_PER_S] [--rate-seconds S]
                                     [--heap 1g] [--jfr auto|always|never] [--no-doc] [--work-dir DIR]
          --quick        2 rounds of 100,000 records, 5 s at the fixed rate (about 3-5 minutes)
          default        3 rounds of 2,000,000 records, 30 s at 10,000 records/s
        """;

    static CompareOptions parse(String[] args) {
        boolean quick = List.of(args).contains("--quick");
        int rounds = quick ? 2 : 3;
        long records = quick ? 100_000 : 2_000_000;
        long rate = 10_000;
        long rateSeconds = quick ? 5 : 30;
        String heap = "1g";
        Path kafkaLib = null;
        String kafkaVersion = "unknown";
        Path kafkaLog4j = null;
        Path varveJar = Path.of("cli/target/varve.jar");
        Path workDir = Path.of("benchmarks/target/compare");
        Path doc = Path.of("docs/benchmarks.md");
        String jfr = "auto";
        String command = "benchmarks/compare.sh";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                }
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--records" -> records = Long.parseLong(value(args, ++i));
                case "--rate" -> rate = Long.parseLong(value(args, ++i));
                case "--rate-seconds" -> rateSeconds = Long.parseLong(value(args, ++i));
                case "--heap" -> heap = value(args, ++i);
                case "--kafka-lib" -> kafkaLib = Path.of(value(args, ++i));
                case "--kafka-version" -> kafkaVersion = value(args, ++i);
                case "--kafka-log4j" -> kafkaLog4j = Path.of(value(args, ++i));
                case "--varve-jar" -> varveJar = Path.of(value(args, ++i));
                case "--work-dir" -> workDir = Path.of(value(args, ++i));
                case "--doc" -> doc = Path.of(value(args, ++i));
                case "--no-doc" -> doc = null;
                case "--jfr" -> jfr = value(args, ++i);
                case "--command" -> command = value(args, ++i);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (rounds < 1 || records < 1 || rate < 1 || rateSeconds < 1) {
            throw new IllegalArgumentException("--rounds, --records, --rate and --rate-seconds must be positive");
        }
        if (!List.of("auto", "always", "never").contains(jfr)) {
            throw new IllegalArgumentException("--jfr takes auto, always or never");
        }
        if (kafkaLib == null || !Files.isDirectory(kafkaLib) || kafkaLog4j == null) {
            throw new IllegalArgumentException("--kafka-lib DIR and --kafka-log4j FILE are required (compare.sh sets them)");
        }
        if (!Files.isRegularFile(varveJar)) {
            throw new IllegalArgumentException(varveJar + " is missing: build it with mvn -pl cli -am package");
        }
        return new CompareOptions(rounds, records, rate, rateSeconds, heap, kafkaLib, kafkaVersion, kafkaLog4j, varveJar,
            List.of("@" + Path.of(".mvn/jvm.config").toAbsolutePath()), workDir, doc, jfr, command, quick);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    List<Workload> workloads() {
        return Workload.standard(records, ratePerSec, fixedRateSeconds);
    }
}
