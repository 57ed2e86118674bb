package io.varve.broker;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node or a role opened, closed in reverse order of opening: each part starts after what it
 * depends on, so it stops before it. A part that fails to close is logged and the rest still close.
 *
 * <p>Not thread-safe: the owner's start and (synchronized) close.
 */
final class Closer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    /** Registers {@code part}, to be closed before everything registered earlier; returns it. */
    <T extends AutoCloseable> T push(T part) {
        parts.push(part);
        return part;
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            AutoCloseable c = parts.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.error("Closing {} failed", c, e);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
