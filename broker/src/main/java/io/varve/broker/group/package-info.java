/**
 * The group coordinator: Kafka's classic group protocol (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) and committed offsets, kept in the internal topic {@code __consumer_offsets}.
 *
 * <p>{@link io.varve.broker.group.GroupCoordinator} is the pure core: single-threaded, time passed in,
 * persistence through {@link io.varve.broker.group.GroupLog}. {@link io.varve.broker.group.GroupCoordinatorService}
 * is its Singular Update Queue in the broker: one thread, a bounded queue, the offsets topic's
 * partitions loaded and unloaded as this broker gains and loses their leadership. Only the service
 * touches threads; the core touches no sockets, files or clocks.
 */
package io.varve.broker.group;
