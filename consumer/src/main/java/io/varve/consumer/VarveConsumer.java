package io.varve.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.varve.common.Clock;
import io.varve.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Varve's consumer: the application names the partitions it reads ({@link #assign}), or joins the
 * consumer group {@code group.id} ({@link #subscribe(Collection, RebalanceListener)}) whose members
 * share the topics' partitions, and moves through them with {@link #poll}, {@link #seek} and friends.
 * The API follows Kafka's {@code KafkaConsumer} where they overlap.
 *
 * <p><b>Groups.</b> The join (FindCoordinator, JoinGroup, SyncGroup, the leader running the assignor)
 * happens inside {@link #poll}, which also runs the {@link RebalanceListener}; heartbeats run on one
 * daemon thread ({@code HeartbeatThread}). Partitions a rebalance adds start at the group's committed
 * offsets, else by {@code auto.offset.reset}. Commits: {@link #commitSync()}, {@link #commitAsync},
 * automatic every {@code auto.commit.interval.ms} in poll, before a revocation and at {@link #close()}.
 *
 * <pre>
 *   try (VarveConsumer&lt;String, String&gt; consumer = new VarveConsumer&lt;&gt;(props, new StringDeserializer(), new StringDeserializer())) {
 *       consumer.assign(List.of(new TopicPartition("events", 0)));
 *       consumer.seekToBeginning(consumer.assignment());
 *       while (running) {
 *           for (ConsumerRecord&lt;String, String&gt; r : consumer.poll(Duration.ofMillis(500))) { ... }
 *       }
 *   }
 * </pre>
 *
 * <p><b>Positions.</b> Each assigned partition has a position: the offset of the next record
 * {@link #poll} returns for it. It moves only as poll returns records, or by {@link #seek},
 * {@link #seekToBeginning}, {@link #seekToEnd}. A newly assigned partition has none yet: it is
 * reset by {@code auto.offset.reset} (ListOffsets) at the first poll or {@link #position} call, and
 * with {@code none} those calls throw {@link NoOffsetForPartitionException} until the application
 * seeks. A position the broker reports out of range is reset the same way.
 *
 * <p><b>Fetching</b> is pipelined: the next fetch is sent before poll returns, while the application
 * works on the records it got. See {@code Fetcher} for the rules and bounds.
 *
 * <p><b>Threads.</b> Not thread-safe, like {@code KafkaConsumer}: one thread at a time calls it (a call
 * from a second thread while one is running fails with {@link ConcurrentModificationException}).
 * The exception is {@link #wakeup()}, which any thread may call to make the current or next blocking
 * call throw {@link WakeupException}. Deserializers run on the polling thread.
 */
public final class VarveConsumer<K, V> implements AutoCloseable {

    private static final long NO_OWNER = -1L;

    private final ConsumerConfig config;
    private final ConsumerNetwork network;
    private final Waiter waiter;
    private final SubscriptionState subscriptions;
    private final Fetcher<K, V> fetcher;
    private final OffsetLookup offsets;
    private final MeterRegistry registry;
    /** Group membership, commits and heartbeats; null without {@code group.id}. */
    private final ConsumerCoordinator coordinator;
    private final OffsetCommitter committer;
    private final HeartbeatThread heartbeat;
    private final AtomicLong owner = new AtomicLong(NO_OWNER);
    private boolean closed;

    /**
     * Creates a consumer from properties with Kafka's names (see {@link ConsumerConfig}).
     *
     * @throws io.varve.config.ConfigException when a property is missing, malformed or out of range
     */
    public VarveConsumer(Map<String, ?> props, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(props, keyDeserializer, valueDeserializer, new SimpleMeterRegistry());
    }

    /**
     * A consumer that records its metrics (docs/metrics.md, "Varve clients") in {@code registry},
     * tagged with its {@code client.id}; the other constructors use a {@link SimpleMeterRegistry} of
     * the consumer's own, readable through {@link #metrics()}.
     */
    public VarveConsumer(Map<String, ?> props, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
                         MeterRegistry registry) {
        this(ConsumerConfig.from(props), Clock.system(), new Random(), keyDeserializer, valueDeserializer, registry);
    }

    /** Creates a consumer with its own clock and random source (backoff jitter). */
    public VarveConsumer(ConsumerConfig config, Clock clock, Random random, Deserializer<K> keyDeserializer,
                         Deserializer<V> valueDeserializer) {
        this(config, clock, random, keyDeserializer, valueDeserializer, new SimpleMeterRegistry());
    }

    /** Creates a consumer with its own clock, random source and metrics registry. */
    public VarveConsumer(ConsumerConfig config, Clock clock, Random random, Deserializer<K> keyDeserializer,
                         Deserializer<V> valueDeserializer, MeterRegistry registry) {
        this(config, new ClientNetwork(config.clientConfig(), clock, random), clock, random, keyDeserializer,
            valueDeserializer, registry);
    }

    VarveConsumer(ConsumerConfig config, ConsumerNetwork network, Clock clock, Random random,
                  Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(config, network, clock, random, keyDeserializer, valueDeserializer, new SimpleMeterRegistry());
    }

    VarveConsumer(ConsumerConfig config, ConsumerNetwork network, Clock clock, Random random,
                  Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.network = network;
        this.waiter = new Waiter(network, clock);
        this.subscriptions = new SubscriptionState(config.autoOffsetReset());
        this.fetcher = new Fetcher<>(config, subscriptions, network, clock, random,
            Objects.requireNonNull(keyDeserializer, "keyDeserializer"), Objects.requireNonNull(valueDeserializer, "valueDeserializer"),
            new ConsumerMetrics(registry, config.clientConfig().clientId()));
        this.offsets = new OffsetLookup(network, waiter, config, random);
        if (config.groupId().isEmpty()) {
            this.heartbeat = null;
            this.coordinator = null;
            this.committer = null;
        } else {
            this.heartbeat = new HeartbeatThread(network, clock, config, config.clientConfig().clientId());
            this.coordinator = new ConsumerCoordinator(config, network, waiter, subscriptions, heartbeat, random,
                fetcher::onAssignmentChange);
            this.committer = new OffsetCommitter(config, network, waiter, coordinator, subscriptions, random);
            coordinator.committer(committer);
        }
    }

    /** {@link #subscribe(Collection, RebalanceListener)} without a listener. */
    public void subscribe(Collection<String> topics) {
        subscribe(topics, RebalanceListener.NOOP);
    }

    /**
     * Joins the consumer group {@code group.id} for {@code topics}: the group's members share the
     * topics' partitions, and a rebalance re-splits them when members come and go. The join
     * happens inside {@link #poll}, which also runs {@code listener}. Replaces an earlier subscription;
     * an empty collection unsubscribes.
     *
     * @throws IllegalStateException without {@code group.id}, or when partitions were assigned with {@link #assign}
     */
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        acquire();
        try {
            checkGroupMode();
            if (topics.isEmpty()) {
                coordinator.unsubscribe(waiter.deadlineNs(config.defaultApiTimeoutMs()));
                return;
            }
            topics.forEach(t -> Objects.requireNonNull(t, "topic"));
            coordinator.subscribe(new java.util.TreeSet<>(topics), Objects.requireNonNull(listener, "listener"));
        } finally {
            release();
        }
    }

    /**
     * Subscribes to every topic whose whole name matches {@code pattern}, as seen in the cluster's
     * metadata; checked again every {@code metadata.max.age.ms}, so topics created later join in.
     */
    public void subscribe(Pattern pattern, RebalanceListener listener) {
        acquire();
        try {
            checkGroupMode();
            coordinator.subscribe(Objects.requireNonNull(pattern, "pattern"), Objects.requireNonNull(listener, "listener"));
        } finally {
            release();
        }
    }

    /** The topics of the current subscription (for a pattern, the matching ones found so far). */
    public Set<String> subscription() {
        acquire();
        try {
            return coordinator == null ? Set.of() : coordinator.subscribedTopics();
        } finally {
            release();
        }
    }

    /** Leaves the group (revoking the partitions, committing first with auto-commit) and forgets the subscription. */
    public void unsubscribe() {
        acquire();
        try {
            if (coordinator != null) {
                coordinator.unsubscribe(waiter.deadlineNs(config.defaultApiTimeoutMs()));
            } else {
                subscriptions.assign(Collections.emptyList());
                fetcher.onAssignmentChange();
            }
        } finally {
            release();
        }
    }

    private void checkGroupMode() {
        if (coordinator == null) {
            throw new IllegalStateException("subscribe needs " + ConsumerConfig.GROUP_ID);
        }
        if (!coordinator.isSubscribed() && !subscriptions.assignment().isEmpty()) {
            throw new IllegalStateException("partitions were assigned with assign(); call unsubscribe() before subscribe()");
        }
    }

    /**
     * Replaces the assigned partitions. Partitions that stay keep their position and pause state; new
     * ones start by {@code auto.offset.reset}. An empty collection unassigns everything.
     */
    public void assign(Collection<TopicPartition> partitions) {
        acquire();
        try {
            partitions.forEach(tp -> Objects.requireNonNull(tp, "partition"));
            if (coordinator != null && coordinator.isSubscribed()) {
                throw new IllegalStateException("this consumer subscribed to topics; call unsubscribe() before assign()");
            }
            Set<TopicPartition> before = subscriptions.assignment();
            subscriptions.assign(partitions);
            if (committer != null) {
                Set<TopicPartition> added = new LinkedHashSet<>(partitions);
                added.removeAll(before);
                committer.needCommitted(added);
            }
            network.track(partitions.stream().map(TopicPartition::topic).distinct().toList());
            fetcher.onAssignmentChange();
        } finally {
            release();
        }
    }

    /** The assigned partitions. */
    public Set<TopicPartition> assignment() {
        acquire();
        try {
            return subscriptions.assignment();
        } finally {
            release();
        }
    }

    /**
     * Returns the records available for the assigned, unpaused partitions, at most
     * {@code max.poll.records}, waiting up to {@code timeout} for some to arrive. Returns an empty
     * result when none came in time.
     *
     * @throws IllegalStateException         when no partition is assigned
     * @throws NoOffsetForPartitionException when a partition has no position and {@code auto.offset.reset=none}
     * @throws OffsetOutOfRangeException     when the broker refused a position and {@code auto.offset.reset=none}
     * @throws CorruptRecordException        when a fetched batch is corrupt
     * @throws WakeupException               after {@link #wakeup()}
     */
    public ConsumerRecords<K, V> poll(Duration timeout) {
        acquire();
        try {
            boolean group = coordinator != null && coordinator.isSubscribed();
            if (!group && subscriptions.states().isEmpty()) {
                throw new IllegalStateException("no partitions are assigned to this consumer and it subscribed to no topic");
            }
            long deadlineNs = waiter.deadlineNs(timeout.toMillis());
            do {
                waiter.checkWakeup();
                network.refreshIfStale();
                if (coordinator != null && !pollGroup(group, deadlineNs)) {
                    waiter.awaitEvent(deadlineNs);
                    continue;
                }
                resetPositions(deadlineNs);
                ConsumerRecords<K, V> records = fetcher.collect();
                fetcher.sendFetches(network.cluster());
                if (!records.isEmpty()) {
                    return records;
                }
                if (!fetcher.hasCompletedFetches()) {
                    waiter.awaitEvent(deadlineNs);
                }
            } while (waiter.nowNs() < deadlineNs);
            return ConsumerRecords.empty();
        } finally {
            release();
        }
    }

    /** The group's part of a poll; false while the member is not yet ready to fetch. */
    private boolean pollGroup(boolean subscribed, long deadlineNs) {
        committer.invokeCompletedCallbacks();
        long nowNs = waiter.nowNs();
        if (subscribed && !coordinator.advance(nowNs)) {
            return false;
        }
        if (!committer.refreshCommitted(deadlineNs)) {
            return false;
        }
        committer.maybeAutoCommit(nowNs);
        return !subscriptions.states().isEmpty();
    }

    /** {@link #commitSync(Map)} of the positions of every assigned partition. */
    public void commitSync() {
        acquire();
        try {
            checkGroup();
            committer.commitSync(committer.positions(subscriptions.assignment()), waiter.deadlineNs(config.defaultApiTimeoutMs()));
        } finally {
            release();
        }
    }

    /**
     * Commits {@code offsets} to the group (each the offset of the next record to read), waiting up to
     * {@code default.api.timeout.ms}; retries coordinator errors.
     *
     * @throws CommitFailedException    when the group moved on without this member (a rebalance)
     * @throws ConsumerTimeoutException when no success came in time
     */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        acquire();
        try {
            checkGroup();
            committer.commitSync(Map.copyOf(offsets), waiter.deadlineNs(config.defaultApiTimeoutMs()));
        } finally {
            release();
        }
    }

    /** Commits the positions of every assigned partition without waiting; {@code callback} runs in a later poll. */
    public void commitAsync(OffsetCommitCallback callback) {
        acquire();
        try {
            checkGroup();
            committer.commitAsync(committer.positions(subscriptions.assignment()), Objects.requireNonNull(callback, "callback"));
        } finally {
            release();
        }
    }

    /** Commits {@code offsets} without waiting; {@code callback} runs in a later poll. Not retried. */
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        acquire();
        try {
            checkGroup();
            committer.commitAsync(Map.copyOf(offsets), Objects.requireNonNull(callback, "callback"));
        } finally {
            release();
        }
    }

    /**
     * The group's committed offsets of {@code partitions}, assigned or not; a partition without one
     * maps to null. Waits up to {@code default.api.timeout.ms}.
     *
     * @throws ConsumerTimeoutException when the coordinator did not answer in time
     */
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        acquire();
        try {
            checkGroup();
            Map<TopicPartition, OffsetAndMetadata> found = committer.fetchCommitted(partitions,
                waiter.deadlineNs(config.defaultApiTimeoutMs()));
            if (found == null) {
                throw new ConsumerTimeoutException("committed offsets of group " + config.groupId() + " not fetched in time");
            }
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            partitions.forEach(tp -> out.put(tp, found.get(tp)));
            return out;
        } finally {
            release();
        }
    }

    private void checkGroup() {
        if (committer == null) {
            throw new IllegalStateException("offset commits need " + ConsumerConfig.GROUP_ID);
        }
    }

    private void resetPositions(long deadlineNs) {
        Map<TopicPartition, OffsetResetStrategy> pending = subscriptions.pendingResets();
        if (pending.isEmpty()) {
            return;
        }
        Set<TopicPartition> none = new LinkedHashSet<>();
        pending.forEach((tp, strategy) -> {
            if (strategy == OffsetResetStrategy.NONE) {
                none.add(tp);
            }
        });
        if (!none.isEmpty()) {
            throw new NoOffsetForPartitionException(none);
        }
        Map<TopicPartition, Long> timestamps = new LinkedHashMap<>();
        Map<TopicPartition, Long> epochs = new HashMap<>();
        pending.forEach((tp, strategy) -> {
            timestamps.put(tp, strategy == OffsetResetStrategy.EARLIEST
                ? OffsetLookup.EARLIEST_TIMESTAMP : OffsetLookup.LATEST_TIMESTAMP);
            epochs.put(tp, subscriptions.state(tp).epoch());
        });
        offsets.lookup(timestamps, deadlineNs).forEach((tp, found) -> {
            if (found.offset() >= 0) {
                subscriptions.completeReset(tp, epochs.get(tp), found.offset());
            }
        });
    }

    /** Sets the position of an assigned partition: the next poll returns records from {@code offset}. */
    public void seek(TopicPartition tp, long offset) {
        acquire();
        try {
            subscriptions.seek(tp, offset);
        } finally {
            release();
        }
    }

    /** Moves the partitions (all assigned ones when empty) to their log start offset, looked up lazily. */
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        requestReset(partitions, OffsetResetStrategy.EARLIEST);
    }

    /** Moves the partitions (all assigned ones when empty) to their log end offset, looked up lazily. */
    public void seekToEnd(Collection<TopicPartition> partitions) {
        requestReset(partitions, OffsetResetStrategy.LATEST);
    }

    private void requestReset(Collection<TopicPartition> partitions, OffsetResetStrategy strategy) {
        acquire();
        try {
            Collection<TopicPartition> targets = partitions.isEmpty() ? subscriptions.assignment() : partitions;
            targets.forEach(subscriptions::state);
            targets.forEach(tp -> subscriptions.requestReset(tp, strategy));
        } finally {
            release();
        }
    }

    /** {@link #position(TopicPartition, Duration)} with {@code default.api.timeout.ms}. */
    public long position(TopicPartition tp) {
        return position(tp, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    /**
     * The offset of the next record poll returns for {@code tp}, resolving a pending reset with
     * ListOffsets first.
     *
     * @throws IllegalStateException         when {@code tp} is not assigned
     * @throws NoOffsetForPartitionException when it has no position and {@code auto.offset.reset=none}
     * @throws ConsumerTimeoutException      when the reset could not be resolved in time
     */
    public long position(TopicPartition tp, Duration timeout) {
        acquire();
        try {
            SubscriptionState.PartitionState state = subscriptions.state(tp);
            if (!state.hasPosition()) {
                if (state.resetStrategy() == OffsetResetStrategy.NONE) {
                    throw new NoOffsetForPartitionException(Set.of(tp));
                }
                long epoch = state.epoch();
                long timestamp = state.resetStrategy() == OffsetResetStrategy.EARLIEST
                    ? OffsetLookup.EARLIEST_TIMESTAMP : OffsetLookup.LATEST_TIMESTAMP;
                OffsetLookup.Found found = offsets.lookup(Map.of(tp, timestamp), waiter.deadlineNs(timeout.toMillis())).get(tp);
                if (found == null || found.offset() < 0) {
                    throw new ConsumerTimeoutException("no position for " + tp + " within " + timeout);
                }
                subscriptions.completeReset(tp, epoch, found.offset());
            }
            return state.position();
        } finally {
            release();
        }
    }

    /** The log start offsets of {@code partitions} (assigned or not), with {@code default.api.timeout.ms}. */
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return listOffsets(partitions, OffsetLookup.EARLIEST_TIMESTAMP, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    /** The log end offsets (the offset the next record will get) of {@code partitions}, with {@code default.api.timeout.ms}. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return listOffsets(partitions, OffsetLookup.LATEST_TIMESTAMP, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    private Map<TopicPartition, Long> listOffsets(Collection<TopicPartition> partitions, long timestamp, Duration timeout) {
        Map<TopicPartition, Long> query = new LinkedHashMap<>();
        partitions.forEach(tp -> query.put(Objects.requireNonNull(tp, "partition"), timestamp));
        Map<TopicPartition, OffsetAndTimestamp> found = lookup(query, timeout);
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        found.forEach((tp, ot) -> out.put(tp, ot.offset()));
        return out;
    }

    /** {@link #offsetsForTimes(Map, Duration)} with {@code default.api.timeout.ms}. */
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch) {
        return offsetsForTimes(timestampsToSearch, Duration.ofMillis(config.defaultApiTimeoutMs()));
    }

    /**
     * For each partition, the earliest offset whose timestamp is at least the one given, and that
     * timestamp; the value is null when no record is that recent. Positions do not change.
     *
     * @throws IllegalArgumentException  for a negative timestamp
     * @throws ConsumerTimeoutException  when not every partition was answered in time
     */
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestampsToSearch,
                                                                   Duration timeout) {
        timestampsToSearch.forEach((tp, ts) -> {
            if (ts == null || ts < 0) {
                throw new IllegalArgumentException("timestamp for " + tp + " must be >= 0: " + ts);
            }
        });
        return lookup(timestampsToSearch, timeout);
    }

    private Map<TopicPartition, OffsetAndTimestamp> lookup(Map<TopicPartition, Long> query, Duration timeout) {
        acquire();
        try {
            Map<TopicPartition, OffsetLookup.Found> found = offsets.lookup(query, waiter.deadlineNs(timeout.toMillis()));
            if (found.size() < query.size()) {
                throw new ConsumerTimeoutException("offsets of " + query.size() + " partitions not all found within "
                    + timeout + "; missing " + query.keySet().stream().filter(tp -> !found.containsKey(tp)).toList());
            }
            Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
            found.forEach((tp, f) -> out.put(tp, f.offset() < 0 ? null : new OffsetAndTimestamp(f.offset(), f.timestamp())));
            return out;
        } finally {
            release();
        }
    }

    /** Stops fetching {@code partitions}; poll returns none of their records until {@link #resume}. Positions stay. */
    public void pause(Collection<TopicPartition> partitions) {
        acquire();
        try {
            partitions.forEach(subscriptions::pause);
        } finally {
            release();
        }
    }

    /** Undoes {@link #pause}. */
    public void resume(Collection<TopicPartition> partitions) {
        acquire();
        try {
            partitions.forEach(subscriptions::resume);
        } finally {
            release();
        }
    }

    /** The paused partitions. */
    public Set<TopicPartition> paused() {
        acquire();
        try {
            return subscriptions.paused();
        } finally {
            release();
        }
    }

    /** Makes the running or next blocking call throw {@link WakeupException}. Thread-safe. */
    public void wakeup() {
        waiter.wakeup();
    }

    /** The registry this consumer records its metrics in. */
    public MeterRegistry metrics() {
        return registry;
    }

    /**
     * Leaves the group and closes the connections. A group member first commits its positions (with
     * auto-commit), runs the listener's revocation, and a dynamic member sends LeaveGroup so the
     * group rebalances at once; a static member does not leave (its partitions wait for it for
     * {@code session.timeout.ms}). Waits at most {@code default.api.timeout.ms} for the group. Idempotent;
     * later calls other than close throw IllegalStateException.
     */
    @Override
    public void close() {
        acquireThread();
        try {
            if (!closed) {
                closed = true;
                try {
                    closeGroup();
                } finally {
                    if (heartbeat != null) {
                        heartbeat.close();
                    }
                    network.close();
                }
            }
        } finally {
            release();
        }
    }

    private void closeGroup() {
        if (coordinator == null) {
            return;
        }
        long deadlineNs = waiter.deadlineNs(config.defaultApiTimeoutMs());
        try {
            committer.invokeCompletedCallbacks();
            if (coordinator.isSubscribed()) {
                coordinator.leave(deadlineNs);
            } else if (config.enableAutoCommit()) {
                committer.commitPositionsQuietly(subscriptions.assignment(), deadlineNs);
            }
            while (committer.hasAsyncInFlight() && waiter.nowNs() < deadlineNs) {
                waiter.awaitEvent(deadlineNs);
                committer.invokeCompletedCallbacks();
            }
        } catch (WakeupException e) {
            // close() still closes; the group notices the session end.
        }
    }

    /** Fetch requests outstanding, for tests. */
    int fetchesInFlight() {
        return fetcher.inFlight();
    }

    /** Claims the consumer for the calling thread and checks it is open; pair with {@link #release()}. */
    private void acquire() {
        acquireThread();
        if (closed) {
            release();
            throw new IllegalStateException("this consumer is closed");
        }
    }

    private void acquireThread() {
        if (!owner.compareAndSet(NO_OWNER, Thread.currentThread().getId())) {
            throw new ConcurrentModificationException("VarveConsumer is not safe for multi-threaded access");
        }
    }

    private void release() {
        owner.set(NO_OWNER);
    }
}
