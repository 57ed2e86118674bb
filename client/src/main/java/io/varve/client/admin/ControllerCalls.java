package io.varve.client.admin;

import io.varve.client.NetworkClient;
import io.varve.client.NetworkClientException;
import io.varve.client.RequestBuilder;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The shape every controller-bound admin operation shares (CreateTopics, DeleteTopics,
 * CreatePartitions): one request for the topics still undecided, sent to the controller; each topic
 * of the response settles its own future, except {@code NOT_CONTROLLER} (the controller moved: ask
 * Metadata again) and {@code THROTTLING_QUOTA_EXCEEDED}, which are retried with the topics still
 * undecided until the deadline. Other topic errors fail that topic alone.
 *
 * <p>Thread-safe: each operation's state is its own futures.
 */
final class ControllerCalls {

    /** One topic's part of a response: its error code and message, and its value when it succeeded. */
    record TopicOutcome<T>(String name, short errorCode, String errorMessage, T value) {
    }

    private final NetworkClient client;
    private final AdminMetadata metadata;
    private final Retrier retrier;
    private final Deadlines deadlines;

    ControllerCalls(NetworkClient client, AdminMetadata metadata, Retrier retrier, Deadlines deadlines) {
        this.client = client;
        this.metadata = metadata;
        this.retrier = retrier;
        this.deadlines = deadlines;
    }

    /**
     * Runs one operation on {@code topics}.
     *
     * @param what    names the operation in messages ("create topics")
     * @param apiKey  the API of the request
     * @param request builds the request for the undecided topics, given the time the broker may take (ms)
     * @param parse   reads the per-topic outcomes from the response
     */
    <T> TopicResults<T> run(String what, List<String> topics, ApiKey apiKey,
            BiFunction<List<String>, Integer, RequestBuilder> request,
            Function<GeneratedMessage, List<TopicOutcome<T>>> parse) {
        Map<String, CompletableFuture<T>> futures = new LinkedHashMap<>();
        for (String topic : topics) {
            if (futures.put(topic, new CompletableFuture<>()) != null) {
                throw new IllegalArgumentException("topic named twice: " + topic);
            }
        }
        long deadlineMs = deadlines.deadlineMs();
        retrier.<Void>run(what, deadlineMs, attempt -> {
            List<String> undecided = futures.entrySet().stream().filter(e -> !e.getValue().isDone())
                .map(Map.Entry::getKey).toList();
            long sendMs = deadlines.requestTimeoutMs(deadlineMs);
            return metadata.controller(sendMs)
                .thenCompose(node -> client.send(node, apiKey, request.apply(undecided, (int) sendMs), sendMs))
                .whenComplete((r, e) -> {
                    if (Retrier.unwrap(e) instanceof NetworkClientException) {
                        metadata.invalidateController();
                    }
                })
                .thenApply(response -> settle(what, parse.apply(response), undecided, futures));
        }).whenComplete((ignored, error) -> {
            if (error != null) {
                AdminException failure = Retrier.toAdminException(error);
                futures.values().forEach(f -> f.completeExceptionally(failure));
            }
        });
        return new TopicResults<>(futures);
    }

    private <T> Void settle(String what, List<TopicOutcome<T>> outcomes, List<String> asked,
            Map<String, CompletableFuture<T>> futures) {
        Set<String> retry = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        for (TopicOutcome<T> o : outcomes) {
            CompletableFuture<T> f = futures.get(o.name());
            if (f == null || f.isDone()) {
                continue;
            }
            Errors error = Errors.forCode(o.errorCode());
            if (error == Errors.NONE) {
                f.complete(o.value());
            } else if (error == Errors.NOT_CONTROLLER || error == Errors.THROTTLING_QUOTA_EXCEEDED) {
                retry.add(o.name());
                reasons.add(o.name() + " " + error);
                if (error == Errors.NOT_CONTROLLER) {
                    metadata.invalidateController();
                }
            } else {
                f.completeExceptionally(AdminException.of(o.errorCode(), o.errorMessage(), o.name()));
            }
        }
        for (String topic : asked) {
            CompletableFuture<T> f = futures.get(topic);
            if (!f.isDone() && !retry.contains(topic)) {
                f.completeExceptionally(new AdminException(Errors.UNKNOWN_SERVER_ERROR,
                    topic + ": the broker's " + what + " response did not mention this topic"));
            }
        }
        if (!retry.isEmpty()) {
            throw new Retrier.Retry(String.join(", ", reasons));
        }
        return null;
    }
}
