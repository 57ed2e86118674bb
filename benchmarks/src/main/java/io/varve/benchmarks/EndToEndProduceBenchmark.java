package io.varve.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Produce over loopback to an embedded Varve node (in this JVM, so broker and client share the
 * cores, as they would on a 2-core box), with Varve's producer or the official Kafka producer, at
 * {@code acks} 1 or all, 1 KiB records onto a 6-partition topic.
 *
 * <ul>
 *   <li>{@code throughput}: asynchronous sends, batched by the client (ops/s = records/s, the
 *       {@code :bytes} secondary result = value bytes/s); each iteration ends with a flush, so what is
 *       counted was acknowledged.</li>
 *   <li>{@code latency}: one record sent and its acknowledgement awaited (sample time: the
 *       per-record round trip through client, broker, log and back, with its percentiles), from a
 *       second producer with {@code linger.ms} 0: with the default 5 ms a lone record would mostly
 *       measure the linger.</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class EndToEndProduceBenchmark extends BenchmarkDefaults {

    static final int PARTITIONS = 6;
    static final int RECORD_BYTES = 1024;

    @Param({"VARVE", "KAFKA"})
    public LoopbackClients.Library client;

    @Param({"1", "all"})
    public String acks;

    private LoopbackBroker broker;
    private LoopbackClients.Sender sender;
    private LoopbackClients.Sender unlingeredSender;
    private String topic;
    private final byte[][] values = new byte[16][RECORD_BYTES];
    private int next;

    @Setup(Level.Trial)
    public void start() {
        broker = LoopbackBroker.start();
        topic = "produce-" + client.name().toLowerCase() + "-" + acks;
        broker.createTopic(topic, PARTITIONS);
        sender = LoopbackClients.sender(client, broker.bootstrapServers(), acks, 5);
        unlingeredSender = LoopbackClients.sender(client, broker.bootstrapServers(), acks, 0);
        SplittableRandom random = new SplittableRandom(3);
        for (byte[] value : values) {
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) random.nextInt(256);
            }
        }
    }

    @TearDown(Level.Iteration)
    public void flush() {
        sender.flush();
    }

    @TearDown(Level.Trial)
    public void stop() {
        sender.close();
        unlingeredSender.close();
        broker.close();
    }

    @Benchmark
    public Future<?> throughput(ByteCounter counter) {
        counter.bytes += RECORD_BYTES;
        return sender.send(topic, nextValue());
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency() {
        LoopbackClients.await(unlingeredSender.send(topic, nextValue()));
    }

    private byte[] nextValue() {
        byte[] value = values[next];
        next = (next + 1) & 15;
        return value;
    }
}
