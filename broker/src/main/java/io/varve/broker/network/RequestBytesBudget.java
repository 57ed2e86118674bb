package io.varve.broker.network;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bytes of request frames one group of listeners holds ({@code queued.max.request.bytes}): what the
 * {@link FrameDecoder}s of its connections have received and not yet handed on, that is frames partly
 * received and whole frames held back while their connection is paused. It allocates nothing; decoders
 * report what they hold and ask whether they may read on.
 *
 * <p>While the total is at or above the maximum, a connection holding bytes stops being read and waits
 * ({@link #await}) until bytes are freed. Frames partly received could then fill the budget with no one
 * able to finish: so one connection at a time may take the <em>overdraft</em> and read on to the end of
 * its frame, which frees its bytes once handled. The total therefore stays below the maximum plus one
 * frame ({@code socket.request.max.bytes}) plus one socket read per connection (a decoder learns it is
 * over only after the read that took it there).
 *
 * <p>Thread-safe: every event loop of the group reports here; waiters are woken on their own loops.
 */
final class RequestBytesBudget {

    private final long maxBytes;
    private final NetworkMetrics metrics;
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicReference<Object> overdraftOwner = new AtomicReference<>();
    private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    /** Someone waiting for room: {@link #wake} must be cheap and may be called from any thread, repeatedly. */
    interface Waiter {
        void wake();
    }

    /**
     * @param maxBytes the bound, or {@code Long.MAX_VALUE} for none (never pauses)
     */
    RequestBytesBudget(long maxBytes, NetworkMetrics metrics) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.metrics = metrics;
    }

    /** A budget from {@code queued.max.request.bytes}: -1 is unbounded. */
    static RequestBytesBudget of(long queuedMaxRequestBytes, NetworkMetrics metrics) {
        return new RequestBytesBudget(queuedMaxRequestBytes < 0 ? Long.MAX_VALUE : queuedMaxRequestBytes, metrics);
    }

    /** A decoder now holds {@code delta} more bytes (negative: fewer). Freed bytes wake the waiters when there is room. */
    void add(long delta) {
        if (delta == 0) {
            return;
        }
        long held = heldBytes.addAndGet(delta);
        metrics.onQueuedRequestBytes(delta);
        if (delta > 0) {
            peakBytes.accumulateAndGet(held, Math::max);
        } else if (held < maxBytes) {
            wakeAll();
        }
    }

    /** Whether a connection may read more without the overdraft. */
    boolean hasRoom() {
        return heldBytes.get() < maxBytes;
    }

    /** Takes the overdraft for {@code owner}, or confirms that it holds it; false while another holds it. */
    boolean tryOverdraft(Object owner) {
        return overdraftOwner.compareAndSet(null, owner) || overdraftOwner.get() == owner;
    }

    /** {@code owner} finished its frame or closed: the overdraft goes to whoever asks next. */
    void releaseOverdraft(Object owner) {
        if (overdraftOwner.compareAndSet(owner, null)) {
            wakeAll();
        }
    }

    /**
     * Wakes {@code waiter} once there is room, or, when {@code wantsOverdraft}, once the overdraft is free.
     * Checks again after queueing, so a release between the caller's check and this call is not lost.
     */
    void await(Waiter waiter, boolean wantsOverdraft) {
        waiters.add(waiter);
        if (hasRoom() || wantsOverdraft && overdraftOwner.get() == null) {
            wakeAll();
        }
    }

    /** {@code waiter} closed: it needs no waking. */
    void cancel(Waiter waiter) {
        waiters.remove(waiter);
    }

    private void wakeAll() {
        Waiter w;
        while ((w = waiters.poll()) != null) {
            w.wake();
        }
    }

    long heldBytes() {
        return heldBytes.get();
    }

    /** The most bytes held at once since this budget was made. */
    long peakBytes() {
        return peakBytes.get();
    }
}
