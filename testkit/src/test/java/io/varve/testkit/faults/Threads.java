package io.varve.testkit.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping the client threads of a fault test, bounded. */
final class Threads {

    private Threads() {
    }

    /**
     * Waits up to {@code bound} in all for {@code threads} to finish (their owner has told them to stop),
     * then interrupts any still running and waits up to 10 s more for each.
     */
    static void joinOrInterrupt(List<Thread> threads, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }
}
