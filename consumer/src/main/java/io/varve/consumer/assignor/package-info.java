/**
 * Partition assignors: the leader of a consumer group runs one to split the subscribed topics'
 * partitions among the members. The names are Kafka's ({@code range}, {@code roundrobin},
 * {@code cooperative-sticky}) and so are the results where Kafka's are deterministic, so a group
 * may mix Varve and Kafka consumers. Pure functions of their input (the sticky one keeps the last
 * generation it saw); no I/O, no threads, no clocks.
 */
package io.varve.consumer.assignor;
