package io.varve.consumer;

import io.varve.client.ExponentialBackoff;
import io.varve.client.Node;
import io.varve.client.RequestBuilder;
import io.varve.client.requests.OffsetFetches;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits and fetches a group's offsets at its coordinator: OffsetCommit with the member's generation
 * (-1 outside a generation: a consumer in assign mode, as Kafka's simple commit), OffsetFetch for the
 * partitions a rebalance added, so they start where the group left off (else by
 * {@code auto.offset.reset}), and the automatic commit every {@code auto.commit.interval.ms}.
 *
 * <p>Synchronous calls retry coordinator errors (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, LOAD_IN_PROGRESS,
 * a failed request) with backoff until their deadline. A commit refused for the generation
 * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS) throws {@link CommitFailedException} and
 * asks the membership to rejoin. Asynchronous commits are not retried; at most
 * {@value #MAX_ASYNC_IN_FLIGHT} are in flight, and their callbacks run in a later poll from a queue of the
 * same bound.
 *
 * <p>Not thread-safe: owned by the polling thread (completions cross threads only through the queue).
 */
final class OffsetCommitter {

    static final int MAX_ASYNC_IN_FLIGHT = 64;
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    private record Completed(OffsetCommitCallback callback, Map<TopicPartition, OffsetAndMetadata> offsets,
                             CompletableFuture<GeneratedMessage> response) {
    }

    private final ConsumerConfig config;
    private final ConsumerNetwork network;
    private final Waiter waiter;
    private final ConsumerCoordinator membership;
    private final SubscriptionState subscriptions;
    private final ExponentialBackoff backoff;
    private final Random random;
    private final ArrayBlockingQueue<Completed> completed = new ArrayBlockingQueue<>(MAX_ASYNC_IN_FLIGHT);
    private final Set<TopicPartition> needCommitted = new LinkedHashSet<>();
    private int asyncInFlight;
    private long nextAutoCommitNs;

    OffsetCommitter(ConsumerConfig config, ConsumerNetwork network, Waiter waiter, ConsumerCoordinator membership,
                    SubscriptionState subscriptions, Random random) {
        this.config = config;
        this.network = network;
        this.waiter = waiter;
        this.membership = membership;
        this.subscriptions = subscriptions;
        this.random = random;
        this.backoff = ExponentialBackoff.of(config.clientConfig().retryBackoffMs(), config.clientConfig().retryBackoffMaxMs());
        this.nextAutoCommitNs = waiter.nowNs() + TimeUnit.MILLISECONDS.toNanos(config.autoCommitIntervalMs());
    }

    /** Partitions just assigned: their positions come from the committed offsets first. */
    void needCommitted(Set<TopicPartition> partitions) {
        needCommitted.addAll(partitions);
    }

    /**
     * Seeks the partitions awaiting committed offsets to them (those without one keep their
     * {@code auto.offset.reset}). Returns false when the answer did not come before {@code deadlineNs}:
     * the caller must not reset or fetch yet.
     */
    boolean refreshCommitted(long deadlineNs) {
        needCommitted.removeIf(tp -> !subscriptions.isAssigned(tp));
        if (needCommitted.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = fetchCommitted(Set.copyOf(needCommitted), deadlineNs);
        if (committed == null) {
            return false;
        }
        for (TopicPartition tp : needCommitted) {
            OffsetAndMetadata o = committed.get(tp);
            if (o != null && subscriptions.isAssigned(tp)) {
                subscriptions.seek(tp, o.offset());
            }
        }
        needCommitted.clear();
        return true;
    }

    /** Commits every assigned position when {@code auto.commit.interval.ms} passed; asynchronous, failures logged. */
    void maybeAutoCommit(long nowNs) {
        if (!config.enableAutoCommit() || nowNs < nextAutoCommitNs) {
            return;
        }
        nextAutoCommitNs = nowNs + TimeUnit.MILLISECONDS.toNanos(config.autoCommitIntervalMs());
        Map<TopicPartition, OffsetAndMetadata> positions = positions(subscriptions.assignment());
        if (!positions.isEmpty()) {
            commitAsync(positions, (offsets, error) -> {
                if (error != null) {
                    LOG.warn("group {}: automatic commit of {} failed: {}", config.groupId(), offsets, error.toString());
                }
            });
        }
    }

    /** The positions of those of {@code partitions} that have one. */
    Map<TopicPartition, OffsetAndMetadata> positions(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            if (subscriptions.isAssigned(tp) && subscriptions.state(tp).hasPosition()) {
                out.put(tp, new OffsetAndMetadata(subscriptions.state(tp).position()));
            }
        }
        return out;
    }

    /** Commits the positions of {@code partitions} before they are revoked or at close; failures are logged, not thrown. */
    void commitPositionsQuietly(Set<TopicPartition> partitions, long deadlineNs) {
        Map<TopicPartition, OffsetAndMetadata> positions = positions(partitions);
        if (positions.isEmpty()) {
            return;
        }
        try {
            commitSync(positions, deadlineNs);
        } catch (ConsumerException e) {
            LOG.warn("group {}: commit of {} before revocation failed: {}", config.groupId(), positions, e.toString());
        }
    }

    /**
     * Commits {@code offsets}, retrying coordinator errors until {@code deadlineNs}.
     *
     * @throws CommitFailedException    when the generation refused it
     * @throws ConsumerTimeoutException when it did not succeed in time
     */
    void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, long deadlineNs) {
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            Node coordinator = awaitCoordinator(deadlineNs);
            if (coordinator != null) {
                CompletableFuture<GeneratedMessage> f = network.send(coordinator, ApiKey.OFFSET_COMMIT, commitRequest(offsets));
                if (waiter.awaitDone(f, deadlineNs)) {
                    Exception e = outcome(f);
                    if (e == null) {
                        return;
                    }
                    if (e instanceof CommitFailedException cfe) {
                        throw cfe;
                    }
                }
            }
            if (waiter.nowNs() >= deadlineNs) {
                throw new ConsumerTimeoutException("commit of " + offsets.keySet() + " to group " + config.groupId() + " timed out");
            }
            waiter.sleepUntil(Math.min(deadlineNs, waiter.nowNs() + TimeUnit.MILLISECONDS.toNanos(backoff.backoffMs(attempt, random))));
        }
    }

    /** Sends a commit without waiting; {@code callback} runs in a later poll. */
    void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        Node coordinator = membership.coordinator();
        if (coordinator == null || asyncInFlight >= MAX_ASYNC_IN_FLIGHT) {
            callback.onComplete(offsets, new ConsumerException(coordinator == null
                ? "group coordinator unknown; commit not sent" : MAX_ASYNC_IN_FLIGHT + " asynchronous commits in flight"));
            return;
        }
        asyncInFlight++;
        CompletableFuture<GeneratedMessage> f = network.send(coordinator, ApiKey.OFFSET_COMMIT, commitRequest(offsets));
        // Never refused: at most MAX_ASYNC_IN_FLIGHT are outstanding and the queue holds as many.
        f.whenComplete((r, failure) -> completed.offer(new Completed(callback, offsets, f)));
    }

    /** Runs the callbacks of finished asynchronous commits; called by poll and close. */
    void invokeCompletedCallbacks() {
        Completed c;
        while ((c = completed.poll()) != null) {
            asyncInFlight--;
            c.callback().onComplete(c.offsets(), outcome(c.response()));
        }
    }

    /** Whether asynchronous commits are outstanding; close waits for them. */
    boolean hasAsyncInFlight() {
        return asyncInFlight > 0;
    }

    private Node awaitCoordinator(long deadlineNs) {
        while (membership.coordinator() == null && waiter.nowNs() < deadlineNs) {
            membership.advanceCoordinatorOnly();
            if (membership.coordinator() == null) {
                waiter.awaitEvent(deadlineNs);
            }
        }
        return membership.coordinator();
    }

    /**
     * By topic name (the client implements OffsetCommit up to v9). The retention time of v2-4 stays
     * at its default (-1: the broker's retention); a static member's instance id needs v7, and a
     * broker without it fails the commit with UnsupportedVersionException.
     */
    private RequestBuilder commitRequest(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<String, List<OffsetCommitRequest.OffsetCommitRequestPartition>> byTopic = new LinkedHashMap<>();
        offsets.forEach((tp, o) -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
            .add(OffsetCommitRequest.OffsetCommitRequestPartition.builder().partitionIndex(tp.partition())
                .committedOffset(o.offset()).committedMetadata(o.metadata()).build()));
        List<OffsetCommitRequest.OffsetCommitRequestTopic> topics = new ArrayList<>();
        byTopic.forEach((t, ps) -> topics.add(OffsetCommitRequest.OffsetCommitRequestTopic.builder().name(t).partitions(ps).build()));
        int generation = membership.generation();
        String memberId = generation < 0 ? "" : membership.memberId();
        OffsetCommitRequest request = OffsetCommitRequest.builder().groupId(config.groupId())
            .generationIdOrMemberEpoch(generation).memberId(memberId)
            .groupInstanceId(generation < 0 ? null : membership.instanceId()).topics(topics).build();
        return version -> request;
    }

    /** Null on success; a retriable ConsumerException, or a CommitFailedException. */
    private Exception outcome(CompletableFuture<GeneratedMessage> f) {
        if (f.isCompletedExceptionally()) {
            membership.markCoordinatorUnknown();
            return new ConsumerException("commit request failed");
        }
        OffsetCommitResponse response = (OffsetCommitResponse) f.join();
        for (OffsetCommitResponse.OffsetCommitResponseTopic t : response.topics()) {
            for (OffsetCommitResponse.OffsetCommitResponsePartition p : t.partitions()) {
                Errors e = Errors.forCode(p.errorCode());
                switch (e) {
                    case NONE:
                        break;
                    case NOT_COORDINATOR:
                    case COORDINATOR_NOT_AVAILABLE:
                        membership.markCoordinatorUnknown();
                        return new ConsumerException("commit answered " + e);
                    case COORDINATOR_LOAD_IN_PROGRESS:
                    case REQUEST_TIMED_OUT:
                        return new ConsumerException("commit answered " + e);
                    case ILLEGAL_GENERATION:
                    case UNKNOWN_MEMBER_ID:
                    case REBALANCE_IN_PROGRESS:
                    case FENCED_INSTANCE_ID:
                        membership.requestRejoin("commit answered " + e);
                        return new CommitFailedException("commit refused by group " + config.groupId() + ": " + e
                            + "; the partitions may have moved to another member");
                    default:
                        return new CommitFailedException("commit of " + t.name() + "-" + p.partitionIndex() + " failed: " + e);
                }
            }
        }
        return null;
    }

    /**
     * The committed offsets of {@code partitions} (absent when none), or null when the answer did not
     * come before {@code deadlineNs}.
     */
    Map<TopicPartition, OffsetAndMetadata> fetchCommitted(Set<TopicPartition> partitions, long deadlineNs) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        RequestBuilder request = OffsetFetches.request(config.groupId(), byTopic, true);
        for (int attempt = 0; waiter.nowNs() < deadlineNs; attempt++) {
            Node coordinator = awaitCoordinator(deadlineNs);
            if (coordinator == null) {
                return null;
            }
            CompletableFuture<GeneratedMessage> f = network.send(coordinator, ApiKey.OFFSET_FETCH, request);
            if (!waiter.awaitDone(f, deadlineNs)) {
                return null;
            }
            Map<TopicPartition, OffsetAndMetadata> out = committedFrom(f);
            if (out != null) {
                return out;
            }
            waiter.sleepUntil(Math.min(deadlineNs, waiter.nowNs() + TimeUnit.MILLISECONDS.toNanos(backoff.backoffMs(attempt, random))));
        }
        return null;
    }

    private Map<TopicPartition, OffsetAndMetadata> committedFrom(CompletableFuture<GeneratedMessage> f) {
        if (f.isCompletedExceptionally()) {
            membership.markCoordinatorUnknown();
            return null;
        }
        OffsetFetchResponse response = (OffsetFetchResponse) f.join();
        Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
        OffsetFetches.GroupOffsets g = OffsetFetches.offsets(response);
        Errors e = Errors.forCode(g.errorCode());
        if (e == Errors.NOT_COORDINATOR || e == Errors.COORDINATOR_NOT_AVAILABLE) {
            membership.markCoordinatorUnknown();
            return null;
        }
        if (e.retriable) {
            return null;
        }
        if (e != Errors.NONE) {
            throw new ConsumerException("OffsetFetch of group " + config.groupId() + " failed: " + e);
        }
        for (OffsetFetches.Committed p : g.partitions()) {
            Errors pe = Errors.forCode(p.errorCode());
            if (pe.retriable) {
                return null;
            }
            if (pe != Errors.NONE) {
                throw new ConsumerException("OffsetFetch of " + p.topic() + "-" + p.partition() + " failed: " + pe);
            }
            if (p.offset() >= 0) {
                out.put(new TopicPartition(p.topic(), p.partition()), new OffsetAndMetadata(p.offset(), p.metadata()));
            }
        }
        return out;
    }
}
