package io.varve.broker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.varve.broker.network.NetworkMetrics;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.replica.Partition;
import io.varve.common.Clock;
import io.varve.raft.metadata.MetadataImage;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's metrics facade: one {@link MeterRegistry} (Prometheus by default) and the metric
 * groups bound to it. Components register with a line each at assembly ({@code bindXxx}); the
 * data path only touches the pre-resolved meters of {@link #requests()} and {@link #topics()};
 * everything derivable (partition sizes, replication health, lag, purgatory sizes) is read at scrape
 * time, in {@link #refresh()}, which the HTTP endpoint calls before each scrape.
 *
 * <p>Adding a metric: see docs/metrics.md, "How to add a metric". Names are Micrometer dotted names
 * starting {@code varve.}; the Prometheus registry writes them in snake case with the unit and
 * {@code _total} suffixes ({@code varve.topic.in.bytes} → {@code varve_topic_in_bytes_total}).
 *
 * <p>Thread-safe.
 */
public final class BrokerMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerMetrics.class);

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final RequestMetrics requests;
    private final TopicMetrics topics;
    private final ControllerMetrics controller;
    private final ConsumerLagMetrics consumerLag;
    private final List<Runnable> scrapeHooks = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    /** Metrics in {@code registry}, timed with {@code clock} (the network edge's clock). */
    public BrokerMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.prometheus = registry instanceof PrometheusMeterRegistry p ? p : null;
        this.requests = new RequestMetrics(registry, clock);
        this.topics = new TopicMetrics(registry);
        this.controller = new ControllerMetrics(registry);
        this.consumerLag = new ConsumerLagMetrics(registry);
        scrapeHooks.add(consumerLag::refresh);
    }

    /** Metrics in a new Prometheus registry, the one the HTTP endpoint serves. */
    public static BrokerMetrics prometheus(Clock clock) {
        return new BrokerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock);
    }

    /** The registry, for components that add their own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus registry, or null when the metrics live in another kind of registry. */
    public PrometheusMeterRegistry prometheusRegistry() {
        return prometheus;
    }

    /** Per-API request counts, errors and latencies; the network edge's {@code RequestObserver}. */
    public RequestMetrics requests() {
        return requests;
    }

    /** Bytes and records in and out per topic. */
    public TopicMetrics topics() {
        return topics;
    }

    /** The controller quorum's metrics; the Raft driver binds its {@link RaftStatus} here. */
    public ControllerMetrics controller() {
        return controller;
    }

    /** Consumer lag per group and partition; the group coordinator binds its supplier here. */
    public ConsumerLagMetrics consumerLag() {
        return consumerLag;
    }

    /** Runs {@code hook} before every scrape (to refresh meters whose label sets change). */
    public void onScrape(Runnable hook) {
        scrapeHooks.add(hook);
    }

    /** Refreshes the scrape-time meters; the endpoint calls it before each scrape (one at a time). */
    public synchronized void refresh() {
        for (Runnable hook : scrapeHooks) {
            hook.run();
        }
    }

    /** Refreshes, then writes the Prometheus text format (for tests and embedders). */
    public String scrape() {
        if (prometheus == null) {
            throw new IllegalStateException("not a Prometheus registry: " + registry.getClass().getName());
        }
        refresh();
        return prometheus.scrape();
    }

    /** Exports the network edge's counters and takes request timing from it. */
    public void bindNetwork(NetworkMetrics network) {
        network.observeRequests(requests);
        Gauge.builder("varve.network.connections.open", network, n -> n.connectionsAccepted() - n.connectionsClosed())
            .description("Client connections open now").register(registry);
        counter("varve.network.connections.accepted", network, NetworkMetrics::connectionsAccepted, "Connections admitted");
        counter("varve.network.connections.closed", network, NetworkMetrics::connectionsClosed, "Admitted connections closed, for any reason");
        counter("varve.network.connections.rejected", network, NetworkMetrics::connectionsRefused, "Connections refused at max.connections");
        counter("varve.network.connections.rejected.per.ip", network, NetworkMetrics::connectionsRefusedPerIp,
            "Connections refused at max.connections.per.ip");
        counter("varve.network.connections.first.request.timeouts", network, NetworkMetrics::firstRequestTimeouts,
            "Connections closed without a whole request after connections.first.request.timeout.ms");
        counter("varve.network.connections.idle.closed", network, NetworkMetrics::idleCloses, "Connections closed after connections.max.idle.ms idle");
        counter("varve.network.handler.errors", network, NetworkMetrics::handlerErrors, "Requests whose handler threw (answered UNKNOWN_SERVER_ERROR)");
        counter("varve.network.channel.errors", network, NetworkMetrics::channelErrors, "Connections closed by an I/O or pipeline error");
        counter("varve.network.read.pauses", network, NetworkMetrics::readPauses, "Times a connection stopped being read at connection.max.inflight.requests");
        counter("varve.network.queued.request.read.pauses", network, NetworkMetrics::queuedBytesPauses,
            "Times a connection stopped being read at queued.max.request.bytes");
        Gauge.builder("varve.network.queued.request", network, NetworkMetrics::queuedRequestBytes).baseUnit("bytes")
            .description("Bytes of request frames partly received or held back now").register(registry);
        FunctionCounter.builder("varve.network.received.bytes", network, n -> n.bytesIn()).baseUnit("bytes")
            .description("Bytes of complete request frames").register(registry);
        FunctionCounter.builder("varve.network.sent.bytes", network, n -> n.bytesOut()).baseUnit("bytes")
            .description("Bytes of response frames written").register(registry);
        rejected(network, "frame_too_large", NetworkMetrics::framesTooLarge);
        rejected(network, "negative_frame_size", NetworkMetrics::negativeFrameSizes);
        rejected(network, "truncated_frame", NetworkMetrics::truncatedFrames);
        rejected(network, "malformed_request", NetworkMetrics::malformedRequests);
        rejected(network, "unknown_api_key", NetworkMetrics::unknownApiKeys);
        rejected(network, "unsupported_version", NetworkMetrics::unsupportedVersions);
    }

    private void counter(String name, NetworkMetrics network, ToDoubleFunction<NetworkMetrics> f, String description) {
        FunctionCounter.builder(name, network, f).description(description).register(registry);
    }

    private void rejected(NetworkMetrics network, String reason, ToDoubleFunction<NetworkMetrics> f) {
        FunctionCounter.builder("varve.network.bad.requests", network, f).tags(Tags.of("reason", reason))
            .description("Bad input refused at the network edge, by reason (DESIGN §8)").register(registry);
    }

    /** Exports a purgatory's size (operations watched) and keys, read at scrape time. */
    public void bindPurgatory(DelayedOperationPurgatory<?> purgatory) {
        Gauge.builder("varve.purgatory.size", purgatory, DelayedOperationPurgatory::watched)
            .tag("purgatory", purgatory.name()).description("Operations waiting in the purgatory").register(registry);
        Gauge.builder("varve.purgatory.keys", purgatory, DelayedOperationPurgatory::keys)
            .tag("purgatory", purgatory.name()).description("Keys (partitions) with waiting operations").register(registry);
    }

    /** Exports the hosted partitions' log gauges; returns the group, whose flush listener storage calls. */
    public PartitionMetrics bindPartitions(Supplier<? extends Collection<Partition>> partitions) {
        PartitionMetrics metrics = new PartitionMetrics(registry, partitions);
        scrapeHooks.add(metrics::refresh);
        return metrics;
    }

    /** Exports replication health computed from the metadata image at scrape time. */
    public ReplicationMetrics bindReplication(int nodeId, Supplier<MetadataImage> image) {
        return new ReplicationMetrics(registry, nodeId, image);
    }

    /** Exports JVM (memory, GC, threads, class loading) and process (CPU, uptime, open files) metrics. */
    public void bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Closing metrics binder {} failed", c, e);
            }
        }
        registry.close();
    }
}
