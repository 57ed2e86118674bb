package io.varve.producer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.varve.protocol.record.compress.CompressionType;
import io.varve.client.NetworkClient;
import io.varve.client.metadata.Cluster;
import io.varve.client.metadata.MetadataManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.producer.ProducerException.Reason;
import io.varve.producer.internals.KeyPartitioner;
import io.varve.producer.internals.MemoryLimiter;
import io.varve.producer.internals.ProducerMetrics;
import io.varve.producer.internals.ProducerBatch;
import io.varve.producer.internals.RecordAccumulator;
import io.varve.producer.internals.Sender;
import io.varve.producer.internals.StickyPartitioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Varve's producer: Kafka's producer contract, lean. {@link #send} serializes the record, picks its
 * partition (the given one; else Kafka's murmur2 hash of the key; else the sticky partition), and
 * appends it to that partition's batch in the accumulator; a background sender thread sends batches
 * when full or after {@code linger.ms}, one Produce request per leader, and completes each record's
 * future and callback.
 *
 * <p>Guarantees, as Kafka's with the same settings: records of one partition are acknowledged, and
 * their callbacks run, in send order; with idempotence (the default) retries are neither duplicated
 * nor reordered by the broker. {@code send} blocks only to wait for the topic's metadata or for
 * {@code buffer.memory}, both at most {@code max.block.ms}; every failure is reported through the
 * returned future and the callback, never thrown (see {@link ProducerException.Reason}).
 *
 * <pre>
 *   try (var producer = new VarveProducer&lt;&gt;(Map.of("bootstrap.servers", "127.0.0.1:9092"),
 *           Serializers.string(), Serializers.string())) {
 *       producer.send(new ProducerRecord&lt;&gt;("events", "key", "value"), (md, err) -&gt; { ... });
 *   }
 * </pre>
 *
 * <p>Thread-safe: share one producer among threads. Callbacks run on the sender thread and must not
 * block; {@link #flush()} must not be called from one.
 */
public final class VarveProducer<K, V> implements AutoCloseable {

    /** Slack on top of max.block.ms for the metadata future to report its own timeout first. */
    private static final long METADATA_SLACK_MS = 1_000L;

    private final ProducerConfig config;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Clock clock;
    private final NetworkClient client;
    private final MetadataManager metadata;
    private final RecordAccumulator accumulator;
    private final StickyPartitioner sticky;
    private final Sender sender;
    private final Thread senderThread;
    private final MeterRegistry registry;
    private final ProducerMetrics producerMetrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A producer whose keys and values are serialized by the given serializers.
     *
     * @throws io.varve.config.ConfigException when a property is missing, malformed or in conflict
     */
    public VarveProducer(Map<String, ?> props, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this(props, keySerializer, valueSerializer, new SimpleMeterRegistry());
    }

    /**
     * A producer that records its metrics (docs/metrics.md, "Varve clients") in {@code registry},
     * tagged with its {@code client.id}; the other constructors use a {@link SimpleMeterRegistry} of
     * the producer's own, readable through {@link #metrics()}.
     */
    public VarveProducer(Map<String, ?> props, Serializer<K> keySerializer, Serializer<V> valueSerializer,
                         MeterRegistry registry) {
        this(ProducerConfig.from(props), keySerializer, valueSerializer, Clock.system(), new Random(), registry);
    }

    /**
     * A producer of {@code byte[]} keys and values, or of whatever the {@link Serializer} instances under
     * {@code key.serializer} and {@code value.serializer} in {@code props} take.
     */
    @SuppressWarnings("unchecked")
    public VarveProducer(Map<String, ?> props) {
        this(props, (Serializer<K>) serializerOf(props.get("key.serializer")),
            (Serializer<V>) serializerOf(props.get("value.serializer")));
    }

    VarveProducer(ProducerConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer, Clock clock, Random random) {
        this(config, keySerializer, valueSerializer, clock, random, new SimpleMeterRegistry());
    }

    VarveProducer(ProducerConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer, Clock clock, Random random,
                  MeterRegistry registry) {
        this.config = config;
        this.registry = Objects.requireNonNull(registry, "registry");
        this.keySerializer = Objects.requireNonNull(keySerializer, "keySerializer");
        this.valueSerializer = Objects.requireNonNull(valueSerializer, "valueSerializer");
        this.clock = clock;
        this.client = new NetworkClient(config.client(), clock, random);
        this.metadata = new MetadataManager(client, config.client(), clock, true);
        MemoryLimiter memory = new MemoryLimiter(config.bufferMemory(), clock);
        this.accumulator = new RecordAccumulator(config.batchSize(), config.lingerMs(), config.deliveryTimeoutMs(),
            CompressionType.forName(config.compressionType()), memory, clock);
        this.sticky = new StickyPartitioner(random);
        this.producerMetrics = new ProducerMetrics(registry, config.client().clientId(), memory);
        this.sender = new Sender(config, clock, client, metadata, accumulator, random, producerMetrics);
        String clientId = config.client().clientId();
        this.senderThread = new Thread(sender, "varve-producer-sender" + (clientId.isEmpty() ? "" : "-" + clientId));
        senderThread.setDaemon(true);
        senderThread.start();
    }

    private static Serializer<?> serializerOf(Object configured) {
        if (configured == null) {
            return Serializers.byteArray();
        }
        if (configured instanceof Serializer<?> s) {
            return s;
        }
        throw new io.varve.config.ConfigException("key.serializer/value.serializer", configured,
            "expected an io.varve.producer.Serializer instance");
    }

    /** As {@link #send(ProducerRecord, Callback)} without a callback. */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    /**
     * Queues {@code record} for sending. The future (and then the callback) completes with where the
     * record was written, or fails with a {@link ProducerException}. A record that never got into a
     * batch (closed producer, serializer failure, too large, unknown partition, no metadata or memory
     * within {@code max.block.ms}) fails at once, its callback run on the calling thread.
     *
     * @param callback run once with the outcome, or null
     */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        Objects.requireNonNull(record, "record");
        try {
            return doSend(record, callback);
        } catch (ProducerException e) {
            producerMetrics.onFailed(1);
            return failNow(e, callback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            producerMetrics.onFailed(1);
            return failNow(new ProducerException(Reason.INTERRUPTED, "interrupted while waiting to send"), callback);
        }
    }

    private CompletableFuture<RecordMetadata> doSend(ProducerRecord<K, V> record, Callback callback) throws InterruptedException {
        if (closed.get()) {
            throw new ProducerException(Reason.CLOSED, "the producer is closed");
        }
        long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.maxBlockMs());
        byte[] key = serialize(keySerializer, record.topic(), record.key(), "key");
        byte[] value = serialize(valueSerializer, record.topic(), record.value(), "value");
        Cluster cluster = awaitMetadata(record.topic(), deadlineNs);
        int numPartitions = cluster.partitionCount(record.topic());
        if (record.partition() != null && record.partition() >= numPartitions) {
            throw new ProducerException(Reason.INVALID_PARTITION,
                "partition " + record.partition() + " of " + record.topic() + ", which has " + numPartitions);
        }
        int size = ProducerBatch.sizeUpperBound(key, value, ProducerBatch.headerKeys(record.headers()), record.headers());
        if (size > config.maxRequestSize() || size > config.bufferMemory()) {
            throw new ProducerException(Reason.RECORD_TOO_LARGE, "a record of about " + size
                + " bytes exceeds max.request.size (" + config.maxRequestSize() + ") or buffer.memory (" + config.bufferMemory() + ")");
        }
        long timestampMs = record.timestampMs() != null ? record.timestampMs() : clock.wallClockMs();
        boolean useSticky = record.partition() == null && (key == null || config.partitionerIgnoreKeys());
        int partition = record.partition() != null ? record.partition()
            : useSticky ? sticky.partition(record.topic(), cluster, numPartitions)
            : KeyPartitioner.partition(key, numPartitions);
        RecordAccumulator.AppendResult result = accumulator.append(new TopicPartition(record.topic(), partition),
            timestampMs, key, value, record.headers(), callback, useSticky, deadlineNs);
        if (result.abortedForNewBatch()) {
            partition = sticky.onNewBatch(record.topic(), cluster, numPartitions, partition);
            result = accumulator.append(new TopicPartition(record.topic(), partition),
                timestampMs, key, value, record.headers(), callback, false, deadlineNs);
        }
        if (result.error() != null) {
            throw result.error();
        }
        if (result.batchFull() || result.newBatch()) {
            sender.wakeup();
        }
        return result.future();
    }

    private static <T> byte[] serialize(Serializer<T> serializer, String topic, T data, String what) {
        try {
            return serializer.serialize(topic, data);
        } catch (RuntimeException e) {
            throw new ProducerException(Reason.SERIALIZATION, io.varve.protocol.Errors.NONE,
                "the " + what + " serializer failed: " + e.getMessage(), e);
        }
    }

    /** The topic's snapshot once its partitions and their leaders are known, waiting until {@code deadlineNs}. */
    private Cluster awaitMetadata(String topic, long deadlineNs) throws InterruptedException {
        metadata.track(List.of(topic));
        Cluster cluster = metadata.cluster();
        if (cluster.partitionCount(topic) > 0) {
            return cluster;
        }
        long leftMs = Math.max(1L, TimeUnit.NANOSECONDS.toMillis(deadlineNs - clock.nanoTime()));
        try {
            return metadata.awaitLeaders(topic, leftMs).get(leftMs + METADATA_SLACK_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof MetadataManager.UnknownTopicException u) {
                throw new ProducerException(Reason.INVALID_PARTITION, u.error, "topic " + topic + " cannot be written", u);
            }
            throw new ProducerException(Reason.METADATA_TIMEOUT, io.varve.protocol.Errors.NONE,
                "no metadata for " + topic + " within max.block.ms (" + config.maxBlockMs() + " ms)", e.getCause());
        } catch (TimeoutException e) {
            throw new ProducerException(Reason.METADATA_TIMEOUT,
                "no metadata for " + topic + " within max.block.ms (" + config.maxBlockMs() + " ms)");
        }
    }

    private static CompletableFuture<RecordMetadata> failNow(ProducerException e, Callback callback) {
        if (callback != null) {
            callback.onCompletion(null, e);
        }
        return CompletableFuture.failedFuture(e);
    }

    /**
     * The partitions of {@code topic} with their leaders, waiting up to {@code max.block.ms} for them.
     *
     * @throws ProducerException with {@link Reason#METADATA_TIMEOUT} or {@link Reason#INVALID_PARTITION}
     */
    public List<Cluster.PartitionInfo> partitionsFor(String topic) {
        try {
            long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.maxBlockMs());
            return awaitMetadata(topic, deadlineNs).topic(topic).partitions();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProducerException(Reason.INTERRUPTED, "interrupted while waiting for metadata");
        }
    }

    /**
     * Sends every record accepted so far at once, ignoring {@code linger.ms}, and waits until each
     * has its outcome (acknowledged or failed). Records sent meanwhile by other threads may or may not
     * be waited for.
     *
     * @throws IllegalStateException when called from a callback (the sender thread would wait for itself)
     */
    public void flush() {
        if (Thread.currentThread() == senderThread) {
            throw new IllegalStateException("flush() from a producer callback would wait forever");
        }
        List<CompletableFuture<Void>> pending = accumulator.beginFlush();
        try {
            sender.wakeup();
            pending.forEach(CompletableFuture::join);
        } finally {
            accumulator.endFlush();
        }
    }

    /** The registry this producer records its metrics in. */
    public MeterRegistry metrics() {
        return registry;
    }

    /** Closes, waiting as long as it takes to send what was accepted. */
    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Stops accepting records (later sends fail with {@link Reason#CLOSED}), sends what was accepted,
     * and stops, waiting at most {@code timeout}; records still unacknowledged then fail with
     * {@link Reason#CLOSED}. Called from a callback it cannot wait, so it closes at once. Idempotent.
     */
    public void close(Duration timeout) {
        closed.set(true);
        sender.initiateClose();
        if (Thread.currentThread() == senderThread) {
            sender.forceClose();
            client.close();
            return;
        }
        try {
            senderThread.join(Math.max(1L, Math.min(timeout.toMillis(), Long.MAX_VALUE / 2)));
            if (senderThread.isAlive()) {
                sender.forceClose();
                senderThread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.forceClose();
        } finally {
            client.close();
        }
    }
}
