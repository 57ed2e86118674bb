/**
 * The broker's metrics (Micrometer, exported by its Prometheus registry): {@link
 * io.varve.broker.metrics.BrokerMetrics} is the facade components bind to with a line each;
 * {@link io.varve.broker.metrics.MetricsHttpServer} serves {@code /metrics} and the health checks.
 * The data path only bumps pre-resolved meters ({@link io.varve.broker.metrics.RequestMetrics},
 * {@link io.varve.broker.metrics.TopicMetrics}); the rest is read at scrape time through plain
 * getters and small binding interfaces ({@link io.varve.broker.metrics.RaftStatus}, the consumer lag
 * supplier, storage's {@code FlushListener}), so storage, raft and protocol never see Micrometer.
 * docs/metrics.md lists every metric.
 */
package io.varve.broker.metrics;
