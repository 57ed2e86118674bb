package io.varve.producer.internals;

import io.varve.client.ExponentialBackoff;
import io.varve.client.NetworkClient;
import io.varve.client.NetworkClientException;
import io.varve.client.Node;
import io.varve.client.metadata.Cluster;
import io.varve.client.metadata.MetadataManager;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import io.varve.producer.ProducerConfig;
import io.varve.producer.ProducerException;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.InitProducerIdRequest;
import io.varve.protocol.generated.InitProducerIdResponse;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's one background thread. Each turn it expires batches past {@code delivery.timeout.ms},
 * gets a producer id first when idempotent (InitProducerId, lazily, once there is something to send),
 * refreshes metadata when a leader is unknown or was invalidated, drains the ready batches per leader
 * into one Produce request per node, and then waits for the next response, wakeup or deadline.
 *
 * <p>Responses arrive on the network client's I/O thread and are handed to this thread through an
 * event queue, so that every batch outcome, and thus every record callback, runs here, in order per
 * partition. The queue holds at most one event per request outstanding plus one pending wakeup.
 *
 * <p>Per partition: success and {@code DUPLICATE_SEQUENCE_NUMBER} complete the batch; retriable
 * errors (and network failures) invalidate the metadata and put the batch back for a retry after
 * {@code retry.backoff.ms} (doubling), while {@code retries} and {@code delivery.timeout.ms} allow;
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER} and {@code UNKNOWN_PRODUCER_ID} are retried only while an
 * earlier batch of the partition is unresolved, else they fail the batch. Kafka's recovery from such
 * a failure by bumping the producer epoch is not done: later batches of that partition then fail too.
 * {@code MESSAGE_TOO_LARGE} fails the batch (Kafka would split it).
 *
 * <p>Thread-safe entry points: {@link #wakeup}, {@link #initiateClose}, {@link #forceClose}; the rest
 * runs on the sender thread.
 */
public final class Sender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    /** Longest the thread sleeps between turns, so expiries and metadata ages are noticed. */
    static final long MAX_POLL_MS = 50L;
    /** What InitProducerId asks for; used only by transactional producers, which Varve does not have yet. */
    private static final int TRANSACTION_TIMEOUT_MS = 60_000;
    private static final Runnable WAKEUP = () -> { };

    private final ProducerConfig config;
    private final Clock clock;
    private final NetworkClient client;
    private final MetadataManager metadata;
    private final RecordAccumulator accumulator;
    private final InFlightTracker tracker;
    private final ExponentialBackoff retryBackoff;
    private final Random random;
    private final BlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Set<ProducerBatch> inFlight = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Nodes that got acks=0 requests: at close, each gets one answered request as a barrier. */
    private final Set<Node> acksZeroNodes = new java.util.HashSet<>();
    private volatile boolean closing;
    private volatile boolean forceClose;
    private boolean metadataInFlight;
    private long metadataAttemptMs = Long.MIN_VALUE;
    private boolean producerIdInFlight;
    private long producerIdRetryAtMs;
    private int producerIdAttempts;
    private final ProducerMetrics metrics;

    public Sender(ProducerConfig config, Clock clock, NetworkClient client, MetadataManager metadata,
                  RecordAccumulator accumulator, Random random) {
        this(config, clock, client, metadata, accumulator, random, null);
    }

    /** @param metrics where acknowledged, failed and retried batches and request latencies go; null for none */
    public Sender(ProducerConfig config, Clock clock, NetworkClient client, MetadataManager metadata,
                  RecordAccumulator accumulator, Random random, ProducerMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
        this.client = client;
        this.metadata = metadata;
        this.accumulator = accumulator;
        this.tracker = new InFlightTracker(config.idempotence(), config.maxInFlightPerPartition());
        this.retryBackoff = ExponentialBackoff.of(config.client().retryBackoffMs(), config.client().retryBackoffMaxMs());
        this.random = random;
    }

    /** Makes the thread take a turn now (a batch filled up, a flush began). Any thread. */
    public void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            events.offer(WAKEUP);
        }
    }

    /** Asks the thread to send everything accepted so far and then stop. Any thread. */
    public void initiateClose() {
        accumulator.close();
        closing = true;
        wakeup();
    }

    /** Asks the thread to stop at once, failing every batch not yet acknowledged with CLOSED. Any thread. */
    public void forceClose() {
        forceClose = true;
        initiateClose();
    }

    @Override
    public void run() {
        try {
            while (!forceClose && !(closing && !accumulator.hasIncomplete())) {
                runOnce();
            }
            if (!forceClose) {
                awaitFireAndForgetRequests();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("the producer's sender thread failed; failing what is left", e);
        } finally {
            ProducerException closed = new ProducerException(ProducerException.Reason.CLOSED,
                "the producer closed before the record was acknowledged");
            for (ProducerBatch b : accumulator.removeAll()) {
                failBatch(b, closed);
            }
            for (ProducerBatch b : List.copyOf(inFlight)) {
                failBatch(b, closed);
            }
            inFlight.clear();
        }
    }

    /**
     * With acks=0 a batch counts as sent once written to the socket, but the broker may not have read
     * it yet when the producer closes its connections. A request that is answered, sent after them on
     * the same connection, proves they were read (brokers handle a connection's requests in order).
     */
    private void awaitFireAndForgetRequests() {
        List<java.util.concurrent.CompletableFuture<?>> barriers = new ArrayList<>();
        for (Node node : acksZeroNodes) {
            barriers.add(client.send(node, MetadataRequest.builder().topics(List.of()).build()));
        }
        for (java.util.concurrent.CompletableFuture<?> barrier : barriers) {
            try {
                barrier.get(config.client().requestTimeoutMs(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("acks=0 records may not have reached the broker before close: {}", e.toString());
            }
        }
    }

    /** One turn: handle what arrived, send what is ready, then wait for the next event or deadline. */
    void runOnce() throws InterruptedException {
        drainEvents();
        long waitMs = sendReady(clock.monotonicMs());
        Runnable event = events.poll(Math.max(0L, Math.min(waitMs, MAX_POLL_MS)), TimeUnit.MILLISECONDS);
        if (event != null) {
            run(event);
            drainEvents();
        }
    }

    private void drainEvents() {
        for (Runnable e; (e = events.poll()) != null; ) {
            run(e);
        }
    }

    private void run(Runnable event) {
        if (event == WAKEUP) {
            wakeupPending.set(false);
        } else {
            event.run();
        }
    }

    /** Returns how long the thread may wait before its next turn. */
    private long sendReady(long nowMs) {
        for (ProducerBatch b : accumulator.expire(nowMs)) {
            tracker.onResolved(b, true);
            failBatch(b, new ProducerException(ProducerException.Reason.DELIVERY_TIMEOUT,
                "not acknowledged within delivery.timeout.ms (" + config.deliveryTimeoutMs() + " ms), "
                    + b.recordCount() + " record(s) of " + b.topicPartition()));
        }
        Cluster cluster = metadata.cluster();
        if (!tracker.hasProducerId()) {
            if (accumulator.hasUndrained()) {
                maybeInitProducerId(cluster, nowMs);
            }
            return MAX_POLL_MS;
        }
        RecordAccumulator.ReadyCheck ready = accumulator.ready(cluster, nowMs);
        if (ready.unknownLeaders() || metadata.isStale()) {
            maybeRefreshMetadata(nowMs);
        }
        Map<Node, List<ProducerBatch>> drained = accumulator.drain(cluster, ready.readyNodes(), config.maxRequestSize(), nowMs, tracker);
        for (Map.Entry<Node, List<ProducerBatch>> e : drained.entrySet()) {
            sendProduce(e.getKey(), e.getValue());
        }
        return ready.unknownLeaders() ? Math.min(ready.nextReadyCheckDelayMs(), config.client().retryBackoffMs())
            : ready.nextReadyCheckDelayMs();
    }

    private void maybeRefreshMetadata(long nowMs) {
        if (metadataInFlight || nowMs - metadataAttemptMs < config.client().retryBackoffMs()) {
            return;
        }
        metadataInFlight = true;
        metadataAttemptMs = nowMs;
        metadata.refresh().whenComplete((c, e) -> events.offer(() -> metadataInFlight = false));
    }

    private void maybeInitProducerId(Cluster cluster, long nowMs) {
        if (producerIdInFlight || nowMs < producerIdRetryAtMs) {
            return;
        }
        List<Node> nodes = new ArrayList<>(cluster.allNodes());
        if (nodes.isEmpty()) {
            maybeRefreshMetadata(nowMs);
            return;
        }
        nodes.sort((a, b) -> Integer.compare(a.id(), b.id()));
        Node node = nodes.get(producerIdAttempts % nodes.size());
        producerIdInFlight = true;
        // No transactional id and producer id/epoch -1 (the defaults): the same request at every version.
        InitProducerIdRequest request = InitProducerIdRequest.builder().transactionalId(null)
            .transactionTimeoutMs(TRANSACTION_TIMEOUT_MS).producerId(-1L).producerEpoch((short) -1).build();
        client.send(node, request).whenComplete((r, e) -> events.offer(() -> onProducerId((InitProducerIdResponse) r, e)));
    }

    private void onProducerId(InitProducerIdResponse response, Throwable error) {
        producerIdInFlight = false;
        Errors code = response == null ? Errors.NETWORK_EXCEPTION : Errors.forCode(response.errorCode());
        if (error == null && code == Errors.NONE) {
            tracker.setProducerId(response.producerId(), response.producerEpoch());
            producerIdAttempts = 0;
            LOG.debug("producer id {} epoch {}", response.producerId(), response.producerEpoch());
            return;
        }
        // Retried until it works; the waiting batches fail by delivery.timeout.ms meanwhile.
        LOG.warn("InitProducerId failed ({}), retrying", error != null ? unwrap(error).getMessage() : code);
        producerIdRetryAtMs = clock.monotonicMs() + retryBackoff.backoffMs(producerIdAttempts++, random);
        metadata.invalidate();
    }

    private void sendProduce(Node node, List<ProducerBatch> batches) {
        Map<String, List<ProduceRequest.PartitionProduceData>> byTopic = new LinkedHashMap<>();
        for (ProducerBatch b : batches) {
            TopicPartition tp = b.topicPartition();
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(new ProduceRequest.PartitionProduceData(tp.partition(), b.records()));
            inFlight.add(b);
        }
        List<ProduceRequest.TopicProduceData> topics = new ArrayList<>(byTopic.size());
        byTopic.forEach((topic, partitions) -> topics.add(
            ProduceRequest.TopicProduceData.builder().name(topic).partitionData(partitions).build()));
        // By topic name: the client implements Produce up to v12 (v13 names topics by id).
        ProduceRequest request = new ProduceRequest(null, config.acks(), config.client().requestTimeoutMs(), topics);
        long sentNs = clock.nanoTime();
        if (config.acks() == 0) {
            acksZeroNodes.add(node);
            client.sendNoResponse(node, request).whenComplete((v, e) -> events.offer(() -> onResponse(batches, null, e)));
        } else {
            client.send(node, request).whenComplete((r, e) -> {
                if (metrics != null && e == null) {
                    metrics.onResponse(clock.nanoTime() - sentNs);
                }
                events.offer(() -> onResponse(batches, (ProduceResponse) r, e));
            });
        }
    }

    /** A Produce request was answered or failed; {@code response} is null with acks=0 or on failure. */
    private void onResponse(List<ProducerBatch> batches, ProduceResponse response, Throwable error) {
        long nowMs = clock.monotonicMs();
        Map<TopicPartition, ProduceResponse.PartitionProduceResponse> byTp = new LinkedHashMap<>();
        if (response != null) {
            for (ProduceResponse.TopicProduceResponse t : response.responses()) {
                for (ProduceResponse.PartitionProduceResponse p : t.partitionResponses()) {
                    byTp.put(new TopicPartition(t.name(), p.index()), p);
                }
            }
        }
        for (ProducerBatch b : batches) {
            if (!inFlight.remove(b)) {
                continue;
            }
            tracker.onResponse(b);
            if (error != null) {
                Throwable cause = unwrap(error);
                boolean retriable = cause instanceof NetworkClientException nce && nce.isRetriable();
                onBatchError(b, retriable ? Errors.NETWORK_EXCEPTION : Errors.UNKNOWN_SERVER_ERROR, cause.getMessage(), cause, nowMs);
                continue;
            }
            if (response == null) {
                completeBatch(b, -1L, -1L);
                continue;
            }
            ProduceResponse.PartitionProduceResponse p = byTp.get(b.topicPartition());
            Errors code = p == null ? Errors.UNKNOWN_SERVER_ERROR : Errors.forCode(p.errorCode());
            if (code == Errors.NONE || code == Errors.DUPLICATE_SEQUENCE_NUMBER) {
                completeBatch(b, p.baseOffset(), p.logAppendTimeMs());
            } else {
                String message = p == null ? "the response did not name the partition" : p.errorMessage();
                onBatchError(b, code, message, null, nowMs);
            }
        }
    }

    private void onBatchError(ProducerBatch b, Errors code, String message, Throwable cause, long nowMs) {
        boolean sequenceGap = code == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER || code == Errors.UNKNOWN_PRODUCER_ID;
        boolean retriable = code.retriable || (sequenceGap && tracker.hasEarlierUnresolved(b));
        boolean inTime = nowMs < b.deliveryDeadlineMs();
        if (retriable && inTime && b.attempts() <= config.retries()) {
            metadata.invalidate();
            long retryAtMs = nowMs + retryBackoff.backoffMs(b.attempts() - 1, random);
            tracker.onRetry(b, retryAtMs);
            accumulator.reenqueue(b);
            if (metrics != null) {
                metrics.onRetry();
            }
            LOG.debug("retrying {} (sequence {}) after {}", b.topicPartition(), b.baseSequence(), code);
            return;
        }
        tracker.onResolved(b, false);
        ProducerException.Reason reason = retriable && !inTime ? ProducerException.Reason.DELIVERY_TIMEOUT
            : ProducerException.Reason.BROKER_ERROR;
        failBatch(b, new ProducerException(reason, code, b.topicPartition() + ": "
            + (message == null ? "failed after " + b.attempts() + " attempt(s)" : message), cause));
    }

    private void completeBatch(ProducerBatch b, long baseOffset, long logAppendTimeMs) {
        tracker.onResolved(b, false);
        if (metrics != null) {
            metrics.onAcknowledged(b.recordCount(), b.estimatedSizeInBytes());
        }
        try {
            b.complete(baseOffset, logAppendTimeMs);
        } finally {
            accumulator.deallocate(b);
        }
    }

    private void failBatch(ProducerBatch b, ProducerException error) {
        if (metrics != null) {
            metrics.onFailed(b.recordCount());
        }
        try {
            b.fail(error);
        } finally {
            accumulator.deallocate(b);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
