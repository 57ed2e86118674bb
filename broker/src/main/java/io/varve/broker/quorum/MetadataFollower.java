package io.varve.broker.quorum;

import io.varve.broker.loop.EventLoop;
import io.varve.broker.loop.LoopHandler;
import io.varve.broker.loop.LoopStarter;
import io.varve.common.Clock;
import io.varve.config.ControllerQuorumConfig;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.raft.log.MetadataSnapshotFiles;
import io.varve.raft.metadata.CorruptMetadataException;
import io.varve.raft.metadata.MetadataDelta;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.rpc.FetchMetadataCodec;
import io.varve.raft.rpc.InternalApiKey;
import io.varve.raft.rpc.InternalFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State Watch: how a broker that is not a voter ({@code process.roles=broker} in a multi-voter
 * cluster) follows the committed metadata log. A state machine on its own {@link EventLoop}
 * long-polls a voter's controller listener with {@link FetchMetadataCodec} (the active controller
 * first, when a voter names it), applies the records, or the snapshot a voter sends when the
 * broker's offset was compacted away, to its own {@link MetadataImage}, and calls {@code onUpdate}
 * after each change; a failed fetch moves to the next voter after a backoff timer.
 *
 * <p>It keeps no log: its image is its only state, and each new one goes to the node's
 * {@code MetadataPublisher} (the image's one home), which the broker role reads. A broker-only node
 * has no controller at all: commands go to the active controller through the forwarder.
 *
 * <p>The loop never waits on the network: it calls the {@link Fetches} seam, whose answers come
 * back as commands. Today that seam is one blocking socket exchange per fetch on an I/O thread of
 * its own ({@link #blockingFetches}); the internal RPCs move to the Netty client stack later
 * (issue 12) behind the same interface.
 *
 * <p>Thread-safe: the image and leader are published through volatile fields.
 */
public final class MetadataFollower implements LoopHandler<MetadataFollower.Event>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataFollower.class);

    /** Record bytes asked for per fetch. */
    static final int FETCH_MAX_BYTES = 1 << 20;
    /** How long a voter holds a fetch that has nothing new. */
    static final int FETCH_MAX_WAIT_MS = 500;
    /** The largest answer read: a whole snapshot plus a fetch's records. */
    static final int MAX_RESPONSE_BYTES = MetadataSnapshotFiles.MAX_SNAPSHOT_BYTES + 2 * FETCH_MAX_BYTES;

    /** The seam to the voters: one FetchMetadata exchange, answered later. */
    public interface Fetches extends AutoCloseable {
        CompletableFuture<FetchMetadataCodec.Response> fetch(ControllerQuorumConfig.Voter voter,
                                                             FetchMetadataCodec.Request request);

        @Override
        void close();
    }

    /** What the loop takes. */
    sealed interface Event permits FetchNow, Answer {
    }

    /** Start following: the first fetch. */
    private record FetchNow() implements Event {
    }

    /** A fetch's answer, or why there is none. */
    private record Answer(ControllerQuorumConfig.Voter voter, FetchMetadataCodec.Response response, Throwable error)
        implements Event {
    }

    private final ControllerQuorumConfig config;
    private final List<ControllerQuorumConfig.Voter> voters;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Fetches fetches;
    private final EventLoop<Event> loop;
    private final LoopStarter starter;
    private AutoCloseable running;
    private volatile MetadataImage image;
    private volatile int leaderId = -1;
    private volatile Runnable onUpdate = () -> { };
    // the loop's only
    private long nextOffset;
    private int next;
    private int failures;

    /** A follower on a thread of its own, fetching over blocking sockets. */
    public MetadataFollower(int nodeId, String clusterId, ControllerQuorumConfig config) {
        this(clusterId, config, Clock.system(), blockingFetches(nodeId, config), LoopStarter.threads());
    }

    /** @param starter runs the loop: a thread of its own, or a simulation's scheduler */
    public MetadataFollower(String clusterId, ControllerQuorumConfig config, Clock clock, Fetches fetches,
                            LoopStarter starter) {
        if (config.isLocal()) {
            throw new IllegalArgumentException("a metadata follower needs " + ControllerQuorumConfig.VOTERS);
        }
        this.config = config;
        this.voters = new ArrayList<>(config.voters().values());
        this.image = MetadataImage.empty(clusterId);
        this.fetches = fetches;
        this.starter = starter;
        this.loop = new EventLoop<>("varve-metadata-follower", 4, clock, this);
    }

    /** Starts following; {@code onUpdate} runs on the follower's loop after each new image and must not block. */
    public void start(Runnable onUpdate) {
        this.onUpdate = onUpdate;
        running = starter.start(loop);
        loop.offer(new FetchNow());
    }

    /** Waits until a fetch found nothing more committed (the broker's image is current), at most {@code timeoutMs}. */
    public boolean awaitCaughtUp(long timeoutMs) throws InterruptedException {
        return caughtUp.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Whether a fetch found nothing more committed yet (any thread). */
    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** The image of every committed record fetched so far. */
    public MetadataImage image() {
        return image;
    }

    /** The active controller the voters named last, or -1. */
    public int leaderId() {
        return leaderId;
    }

    @Override
    public void onCommand(Event event, long nowNs) {
        if (event instanceof Answer answer) {
            onAnswer(answer, nowNs);
        } else {
            sendFetch();
        }
    }

    private void onAnswer(Answer answer, long nowNs) {
        if (answer.error() != null) {
            onFailure(answer.voter(), answer.error(), nowNs);
        } else if (answer.response().errorCode() != Errors.NONE.code) {
            onFailure(answer.voter(), new IOException("voter " + answer.voter().id() + " answered "
                + Errors.forCode(answer.response().errorCode())), nowNs);
        } else {
            try {
                apply(answer.response());
            } catch (CorruptMetadataException e) {
                onFailure(answer.voter(), e, nowNs);
                return;
            }
            failures = 0;
            ControllerQuorumConfig.Voter leader = config.voters().get(answer.response().leaderId());
            if (leader != null) {
                next = voters.indexOf(leader); // the leader's committed point is the freshest
            }
            sendFetch();
        }
    }

    private void onFailure(ControllerQuorumConfig.Voter voter, Throwable error, long nowNs) {
        LOG.debug("Fetching metadata from voter {} failed: {}", voter.id(), error.toString());
        next++;
        long backoffMs = QuorumThreads.RETRY_BACKOFF.termMs(failures++);
        loop.schedule(nowNs + TimeUnit.MILLISECONDS.toNanos(backoffMs), timeNs -> sendFetch());
    }

    private void sendFetch() {
        ControllerQuorumConfig.Voter voter = voters.get(Math.floorMod(next, voters.size()));
        FetchMetadataCodec.Request request = new FetchMetadataCodec.Request(nextOffset, FETCH_MAX_BYTES, FETCH_MAX_WAIT_MS);
        fetches.fetch(voter, request).whenComplete((response, error) -> loop.offer(new Answer(voter, response, error)));
    }

    /** Applies one answer: the snapshot first when there is one, then the records in order. */
    void apply(FetchMetadataCodec.Response response) {
        MetadataImage base = image;
        if (response.snapshot() != null) {
            MetadataImage snapshot = MetadataSnapshotFiles.payloadImage(response.snapshot());
            if (!snapshot.clusterId().equals(base.clusterId())) {
                throw new CorruptMetadataException("a snapshot of cluster " + snapshot.clusterId() + ", not " + base.clusterId());
            }
            base = snapshot;
        }
        MetadataDelta delta = new MetadataDelta(base);
        for (FetchMetadataCodec.OffsetRecord r : response.records()) {
            if (r.offset() > base.lastAppliedOffset()) {
                delta.replay(r.record(), r.offset());
            }
        }
        MetadataImage nextImage = response.records().isEmpty() ? base : delta.apply();
        nextOffset = Math.max(nextOffset, response.nextOffset());
        leaderId = response.leaderId();
        if (nextImage != image) {
            image = nextImage;
            onUpdate.run();
        }
        if (response.records().isEmpty() && response.snapshot() == null) {
            caughtUp.countDown();
        }
    }

    /** Stops the loop (bounded wait) and the fetches. */
    @Override
    public void close() {
        fetches.close(); // first: a long-poll in flight ends now
        AutoCloseable r = running;
        if (r != null) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.warn("Stopping the metadata follower failed", e);
            }
        }
    }

    /**
     * The seam over blocking sockets: each fetch is one connection and one framed exchange on an I/O
     * thread of its own ({@code varve-metadata-fetch-<id>}); close ends a fetch in flight by closing its socket.
     */
    public static Fetches blockingFetches(int nodeId, ControllerQuorumConfig config) {
        String clientId = "varve-broker-" + nodeId;
        ExecutorService io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "varve-metadata-fetch-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        return new Fetches() {
            private volatile Socket socket;
            private volatile boolean closed;
            private int correlationId;

            @Override
            public CompletableFuture<FetchMetadataCodec.Response> fetch(ControllerQuorumConfig.Voter voter,
                                                                        FetchMetadataCodec.Request request) {
                CompletableFuture<FetchMetadataCodec.Response> result = new CompletableFuture<>();
                try {
                    io.execute(() -> {
                        try {
                            result.complete(exchange(voter, request));
                        } catch (IOException | MalformedMessageException | CorruptMetadataException e) {
                            result.completeExceptionally(e);
                        } catch (RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    result.completeExceptionally(new IOException("the metadata follower stopped", e));
                }
                return result;
            }

            private FetchMetadataCodec.Response exchange(ControllerQuorumConfig.Voter voter,
                                                         FetchMetadataCodec.Request request) throws IOException {
                int id = ++correlationId;
                ByteBuffer frame = InternalFrames.request(InternalApiKey.FETCH_METADATA, id, clientId,
                    w -> FetchMetadataCodec.writeRequest(request, w));
                try (Socket s = new Socket()) {
                    socket = s;
                    if (closed) {
                        throw new IOException("closed");
                    }
                    s.setSoTimeout(FETCH_MAX_WAIT_MS + config.requestTimeoutMs());
                    s.connect(new InetSocketAddress(voter.host(), voter.port()), config.requestTimeoutMs());
                    ProtocolReader reader = QuorumThreads.exchange(s, frame, MAX_RESPONSE_BYTES);
                    if (InternalFrames.readResponseHeader(reader) != id) {
                        throw new MalformedMessageException("response to another request");
                    }
                    return FetchMetadataCodec.readResponse(reader);
                } finally {
                    socket = null;
                }
            }

            @Override
            public void close() {
                closed = true;
                io.shutdown();
                Socket s = socket;
                if (s != null) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        LOG.debug("Closing the metadata fetch socket: {}", e.toString());
                    }
                }
                try {
                    io.awaitTermination(QuorumThreads.STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
