package io.varve.client.admin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The per-topic outcomes of an operation on several topics (create, delete, grow): one future per
 * topic, each completing with the topic's result or failing with its {@link AdminException}, so one
 * refused topic does not hide the others. {@link #all()} joins them.
 *
 * <p>Thread-safe: the map is fixed at construction and futures are thread-safe.
 *
 * @param <T> the result of one topic ({@link Void} when there is nothing to report)
 */
public final class TopicResults<T> {

    private final Map<String, CompletableFuture<T>> futures;

    TopicResults(Map<String, CompletableFuture<T>> futures) {
        this.futures = Collections.unmodifiableMap(new LinkedHashMap<>(futures));
    }

    /** One future per topic, in request order. */
    public Map<String, CompletableFuture<T>> values() {
        return futures;
    }

    /** The future of one topic of the request. */
    public CompletableFuture<T> get(String topic) {
        CompletableFuture<T> f = futures.get(topic);
        if (f == null) {
            throw new IllegalArgumentException("not a topic of this request: " + topic);
        }
        return f;
    }

    /**
     * Completes with every topic's result once all succeeded (values may be null for {@link Void});
     * fails with the first failure in request order once every topic has an outcome.
     */
    public CompletableFuture<Map<String, T>> all() {
        return CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
            .handle((ignored, error) -> {
                Map<String, T> out = new LinkedHashMap<>();
                for (Map.Entry<String, CompletableFuture<T>> e : futures.entrySet()) {
                    out.put(e.getKey(), e.getValue().join());
                }
                return Collections.unmodifiableMap(out);
            });
    }
}
