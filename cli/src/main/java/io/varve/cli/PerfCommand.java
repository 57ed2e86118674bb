package io.varve.cli;

import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.ConsumerRecord;
import io.varve.consumer.VarveConsumer;
import io.varve.producer.ProducerRecord;
import io.varve.producer.Serializers;
import io.varve.producer.VarveProducer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code varve perf produce|consume}: load generators in the manner of Kafka's
 * ProducerPerformance and ConsumerPerformance, with a progress line every second and a summary
 * (records/s, MB/s, and for produce the latency percentiles from send to acknowledgement).
 */
final class PerfCommand {

    static final String USAGE = """
        usage: varve perf produce --topic T --num-records N [--record-size BYTES] [--throughput RECORDS_PER_S]
                                  [--acks 0|1|all] [--compression C] [--bootstrap-server HOST:PORT] [--property name=value]...
               varve perf consume --topic T --num-records N [--timeout-ms MS] [--bootstrap-server HOST:PORT]
                                  [--property name=value]...
        """;

    /** Latencies kept for percentiles; beyond this, every k-th record is sampled. */
    private static final int MAX_LATENCY_SAMPLES = 1 << 22;

    private PerfCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            throw new Args.UsageException("perf needs produce or consume");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "produce" -> produce(rest, out, err);
            case "consume" -> consume(rest, out);
            default -> throw new Args.UsageException("unknown perf command " + args[0]);
        };
    }

    private static int produce(String[] args, PrintStream out, PrintStream err) throws Exception {
        Args a = Args.parse(args, Set.of("--topic", "--num-records", "--record-size", "--throughput", "--acks",
            "--compression", "--bootstrap-server", "--property"), Set.of());
        String topic = a.required("--topic");
        long records = a.getLong("--num-records", -1);
        int size = (int) a.getLong("--record-size", 1024);
        long throughput = a.getLong("--throughput", -1);
        if (records <= 0 || size < 0) {
            throw new Args.UsageException("--num-records must be positive and --record-size not negative");
        }
        Map<String, Object> props = new HashMap<>(a.properties("--property"));
        props.put("bootstrap.servers", a.get("--bootstrap-server", Varve.DEFAULT_BOOTSTRAP));
        props.putIfAbsent("acks", a.get("--acks", "all"));
        props.putIfAbsent("compression.type", a.get("--compression", "none"));
        byte[] payload = new byte[size];
        new Random(42).nextBytes(payload);
        int sampleEvery = (int) Math.max(1, records / MAX_LATENCY_SAMPLES);
        long[] latencies = new long[(int) Math.min(records, MAX_LATENCY_SAMPLES) + 1];
        AtomicLong acked = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Progress progress = new Progress(out, "sent", acked, size);
        long startNs = System.nanoTime();
        try (VarveProducer<byte[], byte[]> producer = new VarveProducer<>(props, Serializers.byteArray(), Serializers.byteArray())) {
            for (long i = 0; i < records && failure.get() == null; i++) {
                if (throughput > 0) {
                    long dueNs = startNs + i * 1_000_000_000L / throughput;
                    for (long wait = dueNs - System.nanoTime(); wait > 0; wait = dueNs - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                }
                long sentNs = System.nanoTime();
                boolean sample = i % sampleEvery == 0;
                producer.send(new ProducerRecord<>(topic, null, payload), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                        return;
                    }
                    if (sample) {
                        long slot = samples.getAndIncrement();
                        if (slot < latencies.length) {
                            latencies[(int) slot] = System.nanoTime() - sentNs;
                        }
                    }
                    acked.incrementAndGet();
                });
            }
            producer.flush();
        } finally {
            progress.close();
        }
        if (failure.get() != null) {
            err.println("varve perf produce: " + failure.get().getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - startNs) / 1e9;
        int n = (int) Math.min(samples.get(), latencies.length);
        long[] sorted = java.util.Arrays.copyOf(latencies, n);
        java.util.Arrays.sort(sorted);
        out.printf("%d records sent, %.1f records/s (%.2f MB/s), latency ms: avg %.2f, p50 %.2f, p95 %.2f, p99 %.2f,"
                + " p99.9 %.2f, max %.2f%n", acked.get(), acked.get() / seconds, acked.get() * (double) size / seconds / 1e6,
            java.util.Arrays.stream(sorted).average().orElse(0) / 1e6, pct(sorted, 0.50), pct(sorted, 0.95),
            pct(sorted, 0.99), pct(sorted, 0.999), n == 0 ? 0 : sorted[n - 1] / 1e6);
        return 0;
    }

    private static int consume(String[] args, PrintStream out) throws Exception {
        Args a = Args.parse(args, Set.of("--topic", "--num-records", "--timeout-ms", "--bootstrap-server", "--property"),
            Set.of());
        String topic = a.required("--topic");
        long records = a.getLong("--num-records", -1);
        long timeoutMs = a.getLong("--timeout-ms", 30_000);
        if (records <= 0) {
            throw new Args.UsageException("--num-records must be positive");
        }
        String bootstrap = a.get("--bootstrap-server", Varve.DEFAULT_BOOTSTRAP);
        List<TopicPartition> partitions = TopicPartitionsLookup.partitions(bootstrap, topic);
        Map<String, Object> props = new HashMap<>(a.properties("--property"));
        props.put("bootstrap.servers", bootstrap);
        AtomicLong consumed = new AtomicLong();
        long bytes = 0;
        long startNs = System.nanoTime();
        Progress progress = new Progress(out, "consumed", consumed, -1);
        try (VarveConsumer<byte[], byte[]> consumer =
                 new VarveConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long idleSinceNs = System.nanoTime();
            while (consumed.get() < records && (System.nanoTime() - idleSinceNs) / 1_000_000 < timeoutMs) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    bytes += (r.value() == null ? 0 : r.value().length) + (r.key() == null ? 0 : r.key().length);
                    consumed.incrementAndGet();
                    idleSinceNs = System.nanoTime();
                }
            }
        } finally {
            progress.close();
        }
        double seconds = (System.nanoTime() - startNs) / 1e9;
        out.printf("%d records consumed, %.1f records/s, %.2f MB/s%n", consumed.get(), consumed.get() / seconds,
            bytes / seconds / 1e6);
        return consumed.get() >= records ? 0 : 1;
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    /** Prints the count and rate once a second from a daemon thread. */
    private static final class Progress implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "varve-perf-progress");
            t.setDaemon(true);
            return t;
        });

        Progress(PrintStream out, String verb, AtomicLong count, int recordBytes) {
            long[] last = {0};
            timer.scheduleAtFixedRate(() -> {
                long now = count.get();
                long delta = now - last[0];
                last[0] = now;
                out.printf("%d records %s, %d records/s%s%n", now, verb, delta,
                    recordBytes < 0 ? "" : String.format(" (%.2f MB/s)", delta * (double) recordBytes / 1e6));
            }, 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
