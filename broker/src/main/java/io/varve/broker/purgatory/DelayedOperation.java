package io.varve.broker.purgatory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request that waits for a condition or a deadline, whichever comes first: an {@code acks=all}
 * produce waiting for the high-water mark, a fetch waiting for {@code min.bytes}.
 *
 * <p>Contract for subclasses:
 * <ul>
 *   <li>{@link #tryComplete()} checks whether the operation can finish now and, if so, calls
 *       {@link #forceComplete()} and returns its result. The purgatory calls it under this
 *       operation's lock, so two calls never overlap; it must be short and must not block.</li>
 *   <li>{@link #onComplete()} runs exactly once, whichever way the operation ends (condition met,
 *       expired, or forced from outside): that is where the response is sent.</li>
 *   <li>{@link #onExpiration()} runs after {@code onComplete()} when, and only when, the deadline
 *       ended the operation (for metrics).</li>
 * </ul>
 * Thread-safe: completion is decided by one compare-and-set.
 */
public abstract class DelayedOperation {

    private static final Runnable DONE = () -> { };

    private final long delayMs;
    private final AtomicBoolean completed = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    /** The purgatory's completion hook, or DONE once completed. */
    private final AtomicReference<Runnable> onDone = new AtomicReference<>();
    /** The expiry timer, set by the purgatory once watched. */
    volatile DelayScheduler.Cancellable timeout;

    protected DelayedOperation(long delayMs) {
        if (delayMs < 0) {
            throw new IllegalArgumentException("delayMs " + delayMs);
        }
        this.delayMs = delayMs;
    }

    /** How long after being watched the operation expires. */
    public final long delayMs() {
        return delayMs;
    }

    /** Checks the condition; when met, calls {@link #forceComplete()} and returns its result. */
    public abstract boolean tryComplete();

    /** Sends the outcome. Runs exactly once. */
    protected abstract void onComplete();

    /** Called after {@link #onComplete()} when the deadline ended the operation. */
    protected abstract void onExpiration();

    /**
     * Completes the operation now, if nobody did before. Returns true for the one caller that
     * completed it (and ran {@link #onComplete()}), false for everyone else.
     */
    public final boolean forceComplete() {
        if (!completed.compareAndSet(false, true)) {
            return false;
        }
        Runnable hook = onDone.getAndSet(DONE);
        if (hook != null) {
            hook.run();
        }
        onComplete();
        return true;
    }

    public final boolean isCompleted() {
        return completed.get();
    }

    /** {@link #tryComplete()} under this operation's lock, so subclasses need no locking of their own. */
    final boolean safeTryComplete() {
        lock.lock();
        try {
            return !isCompleted() && tryComplete();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the purgatory's timer. */
    final void expire() {
        if (forceComplete()) {
            onExpiration();
        }
    }

    /**
     * Installs the purgatory's hook, run once at completion. Returns false when the operation is
     * already complete (the hook will never run).
     */
    final boolean attach(Runnable hook) {
        return onDone.compareAndSet(null, hook);
    }
}
