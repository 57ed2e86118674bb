package io.varve.testkit.faults;

import io.varve.testkit.faults.checker.History;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writers that send unique values to a topic at a target rate until stopped, each through its own
 * official idempotent {@link KafkaProducer} with {@code acks=all}, and record every send and every
 * answer in a {@link History}. Each writer picks a partition and a key per record from its own seeded
 * {@link Random} and has at most {@link #MAX_IN_FLIGHT} records unanswered, so a cluster that is down
 * holds up the writers instead of filling memory. A producer that fails for good (a send that throws
 * something other than a timeout) is closed and replaced by one with a new writer id, whose sequences
 * start again at 0.
 *
 * <p>Thread-safe: {@link #start} and {@link #stop} from the test thread, the writers on their own.
 */
final class Workload {

    /** Unanswered records per writer. */
    static final int MAX_IN_FLIGHT = 500;
    private static final int KEYS = 1000;

    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final int writers;
    private final int recordsPerSecond;
    private final long seed;
    private final History history;
    private final AtomicInteger nextWriterId;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Integer, Throwable> replacements = new HashMap<>();
    private volatile boolean stopping;

    /**
     * @param recordsPerSecond the target rate of all writers together
     * @param seed             seeds each writer's choice of partitions and keys
     */
    Workload(String bootstrap, String topic, int partitions, int writers, int recordsPerSecond, long seed,
             History history) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        this.writers = writers;
        this.recordsPerSecond = recordsPerSecond;
        this.seed = seed;
        this.history = history;
        this.nextWriterId = new AtomicInteger(writers + 1); // writers 1..n first, then replacements
    }

    void start() {
        for (int i = 0; i < writers; i++) {
            Random random = new Random(seed * 31 + i);
            int writer = i + 1;
            Thread t = new Thread(() -> write(writer, random), "workload-writer-" + writer);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Stops sending, then waits up to {@code bound} for the answers to what was sent: each writer
     * closes its producer within the bound, which fails whatever is still unanswered.
     */
    void stop(Duration bound) throws InterruptedException {
        stopping = true;
        Threads.joinOrInterrupt(threads, bound);
    }

    /** Producers replaced after a send threw, by old writer id. */
    synchronized Map<Integer, Throwable> replacements() {
        return Map.copyOf(replacements);
    }

    private KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", "true",
            "max.in.flight.requests.per.connection", "5", "delivery.timeout.ms", "120000", "request.timeout.ms", "5000",
            "max.block.ms", "10000", "reconnect.backoff.max.ms", "200", "retry.backoff.max.ms", "500", "linger.ms", "5"),
            new StringSerializer(), new StringSerializer());
    }

    private void write(int firstWriterId, Random random) {
        long intervalNs = TimeUnit.SECONDS.toNanos(1) * writers / Math.max(1, recordsPerSecond);
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        int writer = firstWriterId;
        KafkaProducer<String, String> producer = producer();
        long sequence = 0;
        long next = System.nanoTime();
        try {
            while (!stopping) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next = Math.max(next + intervalNs, System.nanoTime() - TimeUnit.SECONDS.toNanos(1)); // no burst after a stall
                if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue; // the cluster is not answering: hold back
                }
                int partition = random.nextInt(partitions);
                History.Sent sent = history.onSend(writer, sequence++, "k" + random.nextInt(KEYS), partition);
                try {
                    producer.send(new ProducerRecord<>(topic, partition, sent.key(), sent.value()), (md, error) -> {
                        if (error == null) {
                            history.onAck(sent.value(), md.partition(), md.offset());
                        } else {
                            history.onFailure(sent.value(), error);
                        }
                        inFlight.release();
                    });
                } catch (TimeoutException | InterruptException e) {
                    history.onFailure(sent.value(), e); // no metadata within max.block.ms: the record was never sent
                    inFlight.release();
                } catch (KafkaException | IllegalStateException e) {
                    history.onFailure(sent.value(), e);
                    inFlight.release();
                    synchronized (this) {
                        replacements.put(writer, e);
                    }
                    producer.close(Duration.ZERO); // fails what it still holds; the new writer's order starts afresh
                    producer = producer();
                    writer = nextWriterId.getAndIncrement();
                    sequence = 0;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            producer.close(Duration.ofSeconds(60)); // bounded: what is unanswered by then fails
        }
    }
}
