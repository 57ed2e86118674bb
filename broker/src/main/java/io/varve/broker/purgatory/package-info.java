/**
 * Request Waiting List (the purgatory): requests that cannot be answered yet ({@code acks=all}
 * produce until the high-water mark passes the batch, a long-poll fetch until {@code min.bytes} or
 * {@code max.wait.ms}) wait here, watched under keys such as a partition, and complete when an event
 * on a key ({@link io.varve.broker.purgatory.DelayedOperationPurgatory#checkAndComplete}) makes them
 * completable, or expire through a {@link io.varve.broker.purgatory.DelayScheduler}. No polling.
 *
 * <p>Nothing here knows Netty's channels, the wire format or storage; the real scheduler uses
 * Netty's {@code HashedWheelTimer} only as a timer.
 */
package io.varve.broker.purgatory;
