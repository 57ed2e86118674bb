package io.varve.broker.quorum;

import io.varve.client.ExponentialBackoff;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.raft.rpc.InternalFrames;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * What the quorum's own threads (peer connections, metadata follower, controller client, broker
 * lifecycle, active controller) share: one retry backoff, an interruptible pause, a bounded stop,
 * and one framed request/response over a blocking socket.
 *
 * <p>Stateless and thread-safe.
 */
final class QuorumThreads {

    /** Retries after a failed exchange: 50 ms doubling to 1 s, no jitter (a handful of voters, not a herd). */
    static final ExponentialBackoff RETRY_BACKOFF = new ExponentialBackoff(50, 1000, ExponentialBackoff.DEFAULT_MULTIPLIER, 0.0);
    /** How long {@link #stop} waits for a thread to end. */
    static final long STOP_TIMEOUT_MS = 5000;

    private QuorumThreads() {
    }

    /** Sleeps {@code ms}; false when interrupted (the interrupt is consumed: the caller is ending its thread). */
    static boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Interrupts {@code thread} and waits for it up to {@link #STOP_TIMEOUT_MS}; false, with the
     * caller's interrupt restored, when the caller is interrupted while waiting.
     */
    static boolean stop(Thread thread) {
        thread.interrupt();
        try {
            thread.join(STOP_TIMEOUT_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes one request frame and reads one size-prefixed response of at most
     * {@code maxResponseBytes}; the reader returned stands at the response header.
     */
    static ProtocolReader exchange(Socket socket, ByteBuffer frame, int maxResponseBytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[InternalFrames.checkedSize(in.readInt(), maxResponseBytes)];
        in.readFully(body);
        return new ProtocolReader(ByteBuffer.wrap(body));
    }
}
