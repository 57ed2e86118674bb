package io.varve.broker.quorum;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State Watch: how a broker that is not a voter ({@code process.roles=broker} in a multi-voter
 * cluster) follows the committed metadata log. One thread long-polls a voter's controller listener
 * with {@link FetchMetadataCodec} (the active controller first, when a voter names it), applies the
 * records, or the snapshot a voter sends when the broker's offset was compacted away, to its own
 * {@link MetadataImage}, and calls {@code onUpdate} after each change.
 *
 * <p>It keeps no log: its image is its only state, and each new one goes to the node's
 * {@code MetadataPublisher} (the image's one home), which the broker role reads. A broker-only node
 * has no controller at all: commands go to the active controller through the forwarder.
 *
 * <p>Thread-safe: the image and leader are published through volatile fields.
 */
public final class MetadataFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetadataFollower.class);

    /** Record bytes asked for per fetch. */
    static final int FETCH_MAX_BYTES = 1 << 20;
    /** How long a voter holds a fetch that has nothing new. */
    static final int FETCH_MAX_WAIT_MS = 500;
    /** The largest answer read: a whole snapshot plus a fetch's records. */
    static final int MAX_RESPONSE_BYTES = MetadataSnapshotFiles.MAX_SNAPSHOT_BYTES + 2 * FETCH_MAX_BYTES;

    private final ControllerQuorumConfig config;
    private final String clientId;
    private final List<ControllerQuorumConfig.Voter> voters;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile MetadataImage image;
    private volatile int leaderId = -1;
    private volatile boolean running = true;
    private volatile Socket socket;
    private volatile Runnable onUpdate = () -> { };
    private long nextOffset;
    private int correlationId;
    private int next;

    public MetadataFollower(int nodeId, String clusterId, ControllerQuorumConfig config) {
        if (config.isLocal()) {
            throw new IllegalArgumentException("a metadata follower needs " + ControllerQuorumConfig.VOTERS);
        }
        this.config = config;
        this.clientId = "varve-broker-" + nodeId;
        this.voters = new ArrayList<>(config.voters().values());
        this.image = MetadataImage.empty(clusterId);
        this.thread = new Thread(this::run, "varve-metadata-follower-" + nodeId);
        this.thread.setDaemon(true);
    }

    /** Starts following; {@code onUpdate} runs on the follower's thread after each new image and must not block. */
    public void start(Runnable onUpdate) {
        this.onUpdate = onUpdate;
        thread.start();
    }

    /** Waits until a fetch found nothing more committed (the broker's image is current), at most {@code timeoutMs}. */
    public boolean awaitCaughtUp(long timeoutMs) throws InterruptedException {
        return caughtUp.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The image of every committed record fetched so far. */
    public MetadataImage image() {
        return image;
    }

    /** The active controller the voters named last, or -1. */
    public int leaderId() {
        return leaderId;
    }

    private void run() {
        int failures = 0;
        while (running) {
            ControllerQuorumConfig.Voter voter = voters.get(Math.floorMod(next, voters.size()));
            try {
                FetchMetadataCodec.Response response = fetch(voter);
                if (response.errorCode() != Errors.NONE.code) {
                    throw new IOException("voter " + voter.id() + " answered " + Errors.forCode(response.errorCode()));
                }
                apply(response);
                failures = 0;
                ControllerQuorumConfig.Voter leader = config.voters().get(response.leaderId());
                if (leader != null) {
                    next = voters.indexOf(leader); // the leader's committed point is the freshest
                }
            } catch (IOException | MalformedMessageException | CorruptMetadataException e) {
                if (!running) {
                    return;
                }
                LOG.debug("Fetching metadata from voter {} failed: {}", voter.id(), e.toString());
                next++;
                if (!QuorumThreads.pause(QuorumThreads.RETRY_BACKOFF.termMs(failures++))) {
                    return;
                }
            }
        }
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

    private FetchMetadataCodec.Response fetch(ControllerQuorumConfig.Voter voter) throws IOException {
        int id = ++correlationId;
        FetchMetadataCodec.Request request = new FetchMetadataCodec.Request(nextOffset, FETCH_MAX_BYTES, FETCH_MAX_WAIT_MS);
        ByteBuffer frame = InternalFrames.request(InternalApiKey.FETCH_METADATA, id, clientId,
            w -> FetchMetadataCodec.writeRequest(request, w));
        try (Socket s = new Socket()) {
            socket = s;
            if (!running) {
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

    /** Stops the thread (bounded wait). */
    @Override
    public void close() {
        running = false;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("Closing the metadata fetch socket: {}", e.toString());
            }
        }
        QuorumThreads.stop(thread);
    }
}
