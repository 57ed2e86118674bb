package io.varve.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicInteger refreshes = new AtomicInteger();
    private MetricsHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFollowsTheBrokerWhileLivenessIsAlwaysOk() throws Exception {
        server = MetricsHttpServer.start("127.0.0.1", 0, registry.getPrometheusRegistry(), refreshes::incrementAndGet, ready::get);

        assertEquals(200, get("/health/live").statusCode());
        assertEquals(503, get("/health/ready").statusCode());
        ready.set(true);
        assertEquals(200, get("/health/ready").statusCode());
        ready.set(false);
        assertEquals(503, get("/health/ready").statusCode());
    }

    @Test
    void metricsAreRefreshedThenServedInTheTextFormat() throws Exception {
        Counter.builder("varve.test.events").register(registry).increment(3);
        server = MetricsHttpServer.start("127.0.0.1", 0, registry.getPrometheusRegistry(), refreshes::incrementAndGet, ready::get);

        HttpResponse<String> response = get("/metrics");

        assertEquals(200, response.statusCode());
        assertEquals(1, refreshes.get());
        PrometheusText text = PrometheusText.parse(response.body());
        assertEquals("counter", text.type("varve_test_events_total"));
        assertEquals(3.0, text.value("varve_test_events_total", java.util.Map.of()).orElseThrow());
        assertTrue(get("/elsewhere").statusCode() == 404);
    }
}
