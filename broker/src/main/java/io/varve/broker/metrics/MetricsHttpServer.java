package io.varve.broker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The metrics endpoint, on the JDK's HTTP server:
 * <ul>
 *   <li>{@code /metrics}: every meter, in the Prometheus text format, or OpenMetrics when the
 *       scraper's {@code Accept} header asks for it (the Prometheus client's {@link MetricsHandler});
 *       scrape-time meters are refreshed first;</li>
 *   <li>{@code /health/live}: 200 while the process serves HTTP at all;</li>
 *   <li>{@code /health/ready}: 200 once the broker serves clients, 503 before (and while stopping).</li>
 * </ul>
 * Requests are served by two daemon threads with a bounded queue; past it the HTTP server's own
 * thread answers (a scraper cannot queue unbounded work). Thread-safe.
 */
public final class MetricsHttpServer implements AutoCloseable {

    private static final int THREADS = 2;
    private static final int MAX_QUEUED_EXCHANGES = 16;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private MetricsHttpServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} (empty host: every interface; port 0: a free one) and starts serving.
     *
     * @param beforeScrape run before each {@code /metrics} answer (refreshes scrape-time meters)
     * @param ready        whether the broker serves clients
     */
    public static MetricsHttpServer start(String host, int port, PrometheusRegistry registry, Runnable beforeScrape,
                                          BooleanSupplier ready) throws IOException {
        InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        HttpServer server = HttpServer.create(address, 0);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_EXCHANGES), r -> {
                Thread t = new Thread(r, "varve-metrics-http");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());
        MetricsHandler metrics = new MetricsHandler(registry);
        server.createContext("/metrics", exchange -> {
            beforeScrape.run();
            metrics.handle(exchange);
        });
        server.createContext("/health/live", exchange -> answer(exchange, 200, "live\n"));
        server.createContext("/health/ready", exchange -> {
            boolean isReady = ready.getAsBoolean();
            answer(exchange, isReady ? 200 : 503, isReady ? "ready\n" : "not ready\n");
        });
        server.createContext("/", notFound());
        server.setExecutor(executor);
        server.start();
        return new MetricsHttpServer(server, executor);
    }

    private static HttpHandler notFound() {
        return exchange -> answer(exchange, 404, "not found: try /metrics, /health/live or /health/ready\n");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound port (the chosen one when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops at once (scrapes in progress are cut off) and ends the threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
