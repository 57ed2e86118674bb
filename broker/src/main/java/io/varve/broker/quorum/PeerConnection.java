package io.varve.broker.quorum;

import io.varve.raft.rpc.InternalFrames;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound connection to another voter's controller listener (Single-Socket Channel): a bounded
 * queue of request frames and one thread that connects, writes each frame and reads its
 * acknowledgment, in order. When the peer is unreachable the frames are dropped (Raft retries by
 * itself) and the thread reconnects with exponential backoff from 50 ms to 1 s.
 *
 * <p>Thread-safe: {@link #send} from any thread.
 */
final class PeerConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerConnection.class);

    static final int MAX_QUEUED_FRAMES = 1024;
    /** Acknowledgments are a few bytes; a larger frame means the peer is not a Varve controller. */
    private static final int MAX_RESPONSE_BYTES = 1024;

    private final int peerId;
    private final InetSocketAddress address;
    private final int timeoutMs;
    private final BlockingQueue<ByteBuffer> frames = new ArrayBlockingQueue<>(MAX_QUEUED_FRAMES);
    private final Thread thread;
    private volatile boolean running = true;
    private Socket socket;
    private long dropped;

    PeerConnection(int localId, int peerId, InetSocketAddress address, int timeoutMs) {
        this.peerId = peerId;
        this.address = address;
        this.timeoutMs = timeoutMs;
        this.thread = new Thread(this::run, "varve-raft-" + localId + "-to-" + peerId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues a whole frame; false (dropped) when the queue is full. */
    boolean send(ByteBuffer frame) {
        return frames.offer(frame);
    }

    private void run() {
        int failures = 0;
        while (running) {
            ByteBuffer frame;
            try {
                frame = frames.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (frame == null) {
                continue;
            }
            try {
                if (socket == null) {
                    socket = connect();
                }
                exchange(socket, frame);
                failures = 0;
            } catch (IOException | RuntimeException e) {
                closeSocket();
                dropped += 1 + frames.size();
                frames.clear();
                LOG.debug("Voter {} at {} unreachable ({}); {} messages dropped so far", peerId, address, e.toString(), dropped);
                if (!QuorumThreads.pause(QuorumThreads.RETRY_BACKOFF.termMs(failures++)) || !running) {
                    return;
                }
            }
        }
        closeSocket();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(timeoutMs);
            s.connect(address, timeoutMs);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void exchange(Socket s, ByteBuffer frame) throws IOException {
        InternalFrames.readResponseHeader(QuorumThreads.exchange(s, frame, MAX_RESPONSE_BYTES));
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                LOG.debug("Closing the connection to voter {} failed", peerId, e);
            }
            socket = null;
        }
    }

    @Override
    public void close() {
        running = false;
        QuorumThreads.stop(thread);
    }
}
