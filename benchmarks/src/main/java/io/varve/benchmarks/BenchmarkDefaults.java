package io.varve.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run shape every suite shares unless it says otherwise: one fork, 3 x 2 s of warm-up and
 * 5 x 2 s of measurement, throughput per second. Short on purpose, so that a suite finishes in a few
 * minutes on a 2-core machine; the error column says when that was too short.
 *
 * <p>Before anything is measured, the fork checks that it got the JVM flags of
 * {@code .mvn/jvm.config} (Chronicle Bytes maps files through {@code java.nio} internals). JMH
 * gives a fork the host JVM's input arguments, so {@code java @.mvn/jvm.config -jar
 * benchmarks.jar} is enough; a fork without them fails here, with the command to use, instead of
 * deep inside Chronicle.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public abstract class BenchmarkDefaults {

    @Setup(Level.Trial)
    public void checkJvmFlags() {
        JvmFlags.requireChronicleFlags();
    }
}
