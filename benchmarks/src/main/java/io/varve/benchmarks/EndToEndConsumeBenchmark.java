package io.varve.benchmarks;

import java.time.Duration;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Consume over loopback from an embedded Varve node, with Varve's consumer or the official Kafka
 * consumer (assign mode, every partition from the beginning): {@value #RECORDS} records of 1 KiB on
 * 6 partitions are written once per trial; each call is one poll, and the consumer starts over when
 * it reaches the end. The {@code :bytes} secondary result is value bytes received per second;
 * ops/s counts polls.
 */
@State(Scope.Benchmark)
public class EndToEndConsumeBenchmark extends BenchmarkDefaults {

    static final int RECORDS = 200_000;
    private static final String TOPIC = "consume";

    @Param({"VARVE", "KAFKA"})
    public LoopbackClients.Library client;

    private LoopbackBroker broker;
    private LoopbackClients.Poller poller;
    private int emptyPolls;

    @Setup(Level.Trial)
    public void start() {
        broker = LoopbackBroker.start();
        broker.createTopic(TOPIC, EndToEndProduceBenchmark.PARTITIONS);
        byte[] value = new byte[EndToEndProduceBenchmark.RECORD_BYTES];
        new SplittableRandom(9).nextBytes(value);
        try (LoopbackClients.Sender sender = LoopbackClients.sender(LoopbackClients.Library.VARVE,
                broker.bootstrapServers(), "1", 5)) {
            for (int i = 0; i < RECORDS; i++) {
                sender.send(TOPIC, value);
            }
            sender.flush();
        }
        poller = LoopbackClients.poller(client, broker.bootstrapServers(), TOPIC, EndToEndProduceBenchmark.PARTITIONS);
    }

    @TearDown(Level.Trial)
    public void stop() {
        poller.close();
        broker.close();
    }

    @Benchmark
    public long poll(ByteCounter counter) {
        long bytes = poller.poll(Duration.ofMillis(100));
        if (bytes == 0) {
            // The end of the topic (or a slow start): start over; many empty polls in a row mean it is broken.
            if (++emptyPolls > 50) {
                throw new IllegalStateException("50 empty polls in a row: the consumer is stuck");
            }
            poller.rewind();
        } else {
            emptyPolls = 0;
        }
        counter.bytes += bytes;
        return bytes;
    }
}
