package io.varve.producer.internals;

import io.varve.common.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code buffer.memory} budget: batch buffers are counted against it when created and returned
 * when their batch is done. A caller that finds too little left waits, in arrival order, until enough
 * is released or its deadline passes; the deadline is read from the injected {@link Clock}, checked at
 * least every {@value #RECHECK_MS} ms, so a test with a manual clock can make a waiter give up.
 *
 * <p>Only bytes are counted: buffers are plain arrays left to the garbage collector, not pooled.
 * Thread-safe.
 */
public final class MemoryLimiter {

    static final long RECHECK_MS = 10L;

    private final long totalBytes;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private long availableBytes;
    private int waiters;

    public MemoryLimiter(long totalBytes, Clock clock) {
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("buffer memory must be positive: " + totalBytes);
        }
        this.totalBytes = totalBytes;
        this.availableBytes = totalBytes;
        this.clock = clock;
    }

    /**
     * Takes {@code bytes} from the budget, waiting until {@code deadlineNs} (clock time) for them.
     *
     * @return true when taken; false when the deadline passed first (nothing taken)
     * @throws IllegalArgumentException when {@code bytes} exceeds the whole budget: it could never be granted
     * @throws InterruptedException     when the waiting thread is interrupted (nothing taken)
     */
    public boolean reserve(long bytes, long deadlineNs) throws InterruptedException {
        if (bytes > totalBytes || bytes < 0) {
            throw new IllegalArgumentException(bytes + " bytes can never fit in a budget of " + totalBytes);
        }
        lock.lockInterruptibly();
        try {
            waiters++;
            try {
                while (availableBytes < bytes) {
                    long leftNs = deadlineNs - clock.nanoTime();
                    if (leftNs <= 0) {
                        return false;
                    }
                    released.await(Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(RECHECK_MS)), TimeUnit.NANOSECONDS);
                }
            } finally {
                waiters--;
            }
            availableBytes -= bytes;
            if (availableBytes > 0 && waiters > 0) {
                released.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns {@code bytes} to the budget and wakes the waiters. */
    public void release(long bytes) {
        lock.lock();
        try {
            availableBytes += bytes;
            if (availableBytes > totalBytes) {
                throw new IllegalStateException("released more than reserved: " + availableBytes + " > " + totalBytes);
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether some thread waits for memory: the sender then sends what it has without lingering. */
    public boolean hasWaiters() {
        lock.lock();
        try {
            return waiters > 0;
        } finally {
            lock.unlock();
        }
    }

    public long availableBytes() {
        lock.lock();
        try {
            return availableBytes;
        } finally {
            lock.unlock();
        }
    }

    public long totalBytes() {
        return totalBytes;
    }
}
