package io.varve.broker.replica;

import io.varve.common.TopicPartition;
import io.varve.raft.metadata.BrokerRegistration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ReplicaFetcher} (one thread) per source broker that leads something this broker follows,
 * so the number of fetcher threads is bounded by the number of brokers. A partition moves between
 * fetchers when its leader changes; a fetcher left without partitions stops, and one whose broker
 * re-registered at another address is replaced.
 *
 * <p>Thread-safe: driven by the metadata thread through {@link ReplicaManager.FollowerListener}.
 */
public final class ReplicaFetcherManager implements ReplicaManager.FollowerListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcherManager.class);

    private final int localId;
    private final LongSupplier brokerEpoch;
    private final ReplicaConfig config;
    private final Function<BrokerRegistration, LeaderEndpoint> endpoints;
    private final Map<Integer, Source> fetchers = new HashMap<>();
    private boolean closed;

    /**
     * @param brokerEpoch this incarnation's broker epoch ({@link ReplicaManager#brokerEpoch}), sent in every fetch
     * @param endpoints   opens the connection to a source broker
     */
    public ReplicaFetcherManager(int localId, LongSupplier brokerEpoch, ReplicaConfig config,
                                 Function<BrokerRegistration, LeaderEndpoint> endpoints) {
        this.localId = localId;
        this.brokerEpoch = brokerEpoch;
        this.config = config;
        this.endpoints = endpoints;
    }

    @Override
    public synchronized void follow(Partition partition, BrokerRegistration leader) {
        if (closed) {
            return;
        }
        removeEverywhere(partition.topicPartition());
        Source source = fetchers.get(leader.nodeId());
        if (source != null && !(source.host().equals(leader.host()) && source.port() == leader.port())) {
            source.fetcher().close();
            fetchers.remove(leader.nodeId());
            source = null;
        }
        if (source == null) {
            ReplicaFetcher fetcher = new ReplicaFetcher(localId, brokerEpoch, leader.nodeId(), endpoints.apply(leader), config);
            source = new Source(leader.host(), leader.port(), fetcher);
            fetchers.put(leader.nodeId(), source);
            fetcher.start();
            LOG.info("Started fetching from broker {} at {}:{}", leader.nodeId(), leader.host(), leader.port());
        }
        source.fetcher().add(partition);
    }

    @Override
    public synchronized void unfollow(TopicPartition tp) {
        removeEverywhere(tp);
    }

    private void removeEverywhere(TopicPartition tp) {
        for (Iterator<Source> it = fetchers.values().iterator(); it.hasNext(); ) {
            ReplicaFetcher fetcher = it.next().fetcher();
            fetcher.remove(tp);
            if (fetcher.isEmpty()) {
                fetcher.close();
                it.remove();
            }
        }
    }

    /** Fetcher threads running now. */
    public synchronized int fetcherCount() {
        return fetchers.size();
    }

    /** Stops every fetcher and waits, bounded by one fetch wait plus a second each, for their threads to exit. */
    @Override
    public void close() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<ReplicaFetcher> closing;
        synchronized (this) {
            closed = true;
            closing = fetchers.values().stream().map(Source::fetcher).toList();
            fetchers.clear();
        }
        for (ReplicaFetcher fetcher : closing) {
            threads.add(fetcher.thread());
            fetcher.close();
        }
        for (int i = 0; i < closing.size(); i++) {
            ReplicaFetcher.awaitExit(threads.get(i), config.fetchWaitMaxMs() + 1_000L);
        }
    }

    private record Source(String host, int port, ReplicaFetcher fetcher) {
    }
}
