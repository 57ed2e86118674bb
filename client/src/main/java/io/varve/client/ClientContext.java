package io.varve.client;

import io.netty.channel.EventLoop;
import io.varve.common.Clock;
import io.varve.config.ClientConfig;
import java.util.Random;

/**
 * What every connection of one {@link NetworkClient} shares: the config, the clock, the seeded random
 * source, the reconnect backoff and the one I/O thread. The random source is drawn from the I/O
 * thread only, so a seed replays the same jitter.
 */
record ClientContext(
        ClientConfig config,
        Clock clock,
        Random random,
        ExponentialBackoff reconnectBackoff,
        EventLoop loop,
        NetworkClient client) {

    boolean clientClosed() {
        return client.isClosed();
    }
}
