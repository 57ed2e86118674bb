package io.varve.broker.quorum;

import io.varve.protocol.Errors;
import io.varve.raft.log.LogCompactedException;
import io.varve.raft.log.MetadataRaftLog;
import io.varve.raft.rpc.FetchMetadataCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A voter's answering end of State Watch: serves {@link FetchMetadataCodec} fetches from brokers that
 * are not voters with the committed records after their offset, or the latest snapshot when their
 * offset was compacted away. A fetch with nothing new waits (Request Waiting List) until the commit
 * point moves ({@link #onCommit}, from the Raft driver's thread) or its {@code maxWaitMs} (capped at
 * {@link #MAX_WAIT_MS}) runs out; at most {@link #MAX_WAITING} wait at once, the rest are answered
 * empty at once.
 *
 * <p>Thread-safe.
 */
final class MetadataFetchService {

    /** Fetches parked at once. */
    static final int MAX_WAITING = 1024;
    /** The longest a fetch waits, whatever it asks. */
    static final int MAX_WAIT_MS = 10_000;
    /** The most record bytes in one answer, whatever it asks. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private record Waiting(FetchMetadataCodec.Request request, CompletableFuture<FetchMetadataCodec.Response> done) {
    }

    private final RaftDriver driver;
    private final MetadataRaftLog log;
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();

    MetadataFetchService(RaftDriver driver) {
        this.driver = driver;
        this.log = driver.log();
    }

    /** Answers now when there is something to send (or no wait asked), else when the commit point moves or the wait ends. */
    CompletableFuture<FetchMetadataCodec.Response> fetch(FetchMetadataCodec.Request request) {
        FetchMetadataCodec.Response now = answer(request);
        if (!now.records().isEmpty() || now.snapshot() != null || request.maxWaitMs() == 0) {
            return CompletableFuture.completedFuture(now);
        }
        if (waitingCount.incrementAndGet() > MAX_WAITING) {
            waitingCount.decrementAndGet();
            return CompletableFuture.completedFuture(now);
        }
        CompletableFuture<FetchMetadataCodec.Response> done = new CompletableFuture<>();
        Waiting w = new Waiting(request, done);
        waiting.add(w);
        done.completeOnTimeout(null, Math.min(request.maxWaitMs(), MAX_WAIT_MS), TimeUnit.MILLISECONDS);
        if (driver.committedEndOffset() > request.fromOffset()) {
            onCommit(); // committed between the answer above and the add: do not wait for the next commit
        }
        return done.thenApply(r -> {
            if (waiting.remove(w)) {
                waitingCount.decrementAndGet();
            }
            return r != null ? r : answer(request);
        });
    }

    /** The commit point moved: answers every waiting fetch that now has records. */
    void onCommit() {
        long end = driver.committedEndOffset();
        List<Waiting> ready = new ArrayList<>();
        for (Waiting w : waiting) {
            if (w.request.fromOffset() < end) {
                ready.add(w);
            }
        }
        for (Waiting w : ready) {
            if (waiting.remove(w)) {
                waitingCount.decrementAndGet();
                w.done.complete(answer(w.request));
            }
        }
    }

    /** What this voter has committed after the asked offset, now. */
    FetchMetadataCodec.Response answer(FetchMetadataCodec.Request request) {
        int leaderId = driver.status().leaderId();
        long end = driver.committedEndOffset();
        long from = request.fromOffset();
        List<FetchMetadataCodec.OffsetRecord> records = new ArrayList<>();
        int maxBytes = Math.max(1, Math.min(request.maxBytes(), MAX_RESPONSE_BYTES));
        for (int attempt = 0; attempt < 3; attempt++) {
            if (log.snapshotImageBelow(from) != null) {
                byte[] payload = log.snapshotData();
                long after = io.varve.raft.log.MetadataSnapshotFiles.payloadEndOffset(payload);
                return new FetchMetadataCodec.Response(Errors.NONE.code, leaderId, after, payload, List.of());
            }
            if (from >= end) {
                return new FetchMetadataCodec.Response(Errors.NONE.code, leaderId, from, null, List.of());
            }
            try {
                records.clear();
                long next = log.readCommitted(from, end, maxBytes,
                    (record, offset) -> records.add(new FetchMetadataCodec.OffsetRecord(offset, record)));
                return new FetchMetadataCodec.Response(Errors.NONE.code, leaderId, next, null, records);
            } catch (LogCompactedException e) {
                // a snapshot moved the log start under the read: answer with it
            }
        }
        return new FetchMetadataCodec.Response(Errors.REQUEST_TIMED_OUT.code, leaderId, from, null, List.of());
    }
}
