package io.varve.raft.controller;

/**
 * Round-robin replica placement: partition number {@code k} of a placement starting at
 * {@code cursor} gets the brokers at positions {@code cursor + k, cursor + k + 1, ...} (modulo the
 * broker count) of the broker ids in ascending order. The first replica is the preferred leader, so
 * leaders rotate over the brokers as well as replicas. The cursor is the count of partitions placed
 * before, cluster-wide, so successive topics continue the rotation instead of all starting at the
 * lowest broker id.
 *
 * <p>Stateless and thread-safe.
 */
final class ReplicaPlacer {

    private ReplicaPlacer() {
    }

    /**
     * The replicas of one partition.
     *
     * @param brokerIds         registered broker ids, ascending, at least {@code replicationFactor} of them
     * @param cursor            partitions placed before this one, cluster-wide
     * @param replicationFactor replicas wanted, &ge; 1
     */
    static int[] place(int[] brokerIds, long cursor, int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > brokerIds.length) {
            throw new IllegalArgumentException("cannot place " + replicationFactor + " replicas on "
                + brokerIds.length + " brokers");
        }
        int first = (int) Math.floorMod(cursor, (long) brokerIds.length);
        int[] replicas = new int[replicationFactor];
        for (int j = 0; j < replicationFactor; j++) {
            replicas[j] = brokerIds[(first + j) % brokerIds.length];
        }
        return replicas;
    }
}
