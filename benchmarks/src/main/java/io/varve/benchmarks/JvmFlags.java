package io.varve.benchmarks;

/**
 * Checks that this JVM runs with the flags of {@code .mvn/jvm.config}. It tests one flag the storage
 * engine cannot run without rather than repeating the list: that file stays the only place that
 * names them.
 */
final class JvmFlags {

    static final String HOW_TO_RUN = "run with the flags of .mvn/jvm.config, e.g."
        + " java @.mvn/jvm.config -jar benchmarks/target/benchmarks.jar";

    private JvmFlags() {
    }

    /** Throws unless {@code java.base} opens {@code java.nio} to unnamed modules, as the config says. */
    static void requireChronicleFlags() {
        Module unnamed = JvmFlags.class.getClassLoader().getUnnamedModule();
        if (!Object.class.getModule().isOpen("java.nio", unnamed)) {
            throw new IllegalStateException("this JVM lacks --add-opens=java.base/java.nio=ALL-UNNAMED: " + HOW_TO_RUN);
        }
    }
}
