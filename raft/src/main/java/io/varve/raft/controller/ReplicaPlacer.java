package io.varve.raft.controller;

import io.varve.raft.metadata.BrokerRegistration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replica placement over the active (unfenced, not shutting down) brokers, rack-aware when every broker
 * has a rack, like Kafka's rack-aware assignment.
 *
 * <p>The brokers are put in a ring: rack-alternated when rack-aware (racks in name order, then the first
 * broker of each rack, the second of each rack, ...; brokers of a rack in id order), else in ascending
 * id order. Partition {@code k} of a placement starting at {@code start} is led by the broker at ring
 * position {@code start + k}, so leaders rotate evenly over the brokers (their counts differ by at most
 * one). Its followers are the next brokers around the ring whose rack no replica of the partition has
 * yet; once every rack holds one, the racks count again from empty. So the replicas of a partition are
 * on distinct racks whenever there are at least as many racks as replicas. When only some brokers have
 * a rack, placement is rack-unaware (Kafka refuses such a cluster; Varve places anyway).
 *
 * <p>Immutable and thread-safe.
 */
final class ReplicaPlacer {

    private final int[] ring;
    private final String[] racks;
    private final int rackCount;

    /** @param brokers the brokers to place on, each once */
    ReplicaPlacer(List<BrokerRegistration> brokers) {
        boolean rackAware = !brokers.isEmpty() && brokers.stream().allMatch(b -> b.rack() != null);
        Map<String, List<Integer>> byRack = new TreeMap<>();
        for (BrokerRegistration b : brokers) {
            byRack.computeIfAbsent(rackAware ? b.rack() : "", r -> new ArrayList<>()).add(b.nodeId());
        }
        byRack.values().forEach(ids -> ids.sort(Integer::compare));
        this.ring = new int[brokers.size()];
        this.racks = new String[brokers.size()];
        this.rackCount = byRack.size();
        int position = 0;
        for (int round = 0; position < ring.length; round++) {
            for (Map.Entry<String, List<Integer>> rack : byRack.entrySet()) {
                if (round < rack.getValue().size()) {
                    ring[position] = rack.getValue().get(round);
                    racks[position] = rack.getKey();
                    position++;
                }
            }
        }
    }

    /** Brokers that replicas may be placed on. */
    int brokerCount() {
        return ring.length;
    }

    /**
     * The replicas of one partition, its leader first.
     *
     * @param start             the ring position of the placement's first leader (any int; taken modulo)
     * @param k                 the partition's position in the placement, &ge; 0
     * @param replicationFactor replicas wanted, 1 to {@link #brokerCount()}
     */
    int[] place(int start, int k, int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > ring.length) {
            throw new IllegalArgumentException("cannot place " + replicationFactor + " replicas on "
                + ring.length + " brokers");
        }
        int n = ring.length;
        int first = (int) Math.floorMod((long) start + k, (long) n);
        int[] replicas = new int[replicationFactor];
        boolean[] chosen = new boolean[n];
        Set<String> usedRacks = new HashSet<>();
        for (int r = 0; r < replicationFactor; r++) {
            if (usedRacks.size() == rackCount) {
                usedRacks.clear();
            }
            int pick = -1;
            int fallback = -1;
            for (int step = 0; step < n && pick < 0; step++) {
                int at = (first + step) % n;
                if (!chosen[at]) {
                    fallback = fallback < 0 ? at : fallback;
                    pick = usedRacks.contains(racks[at]) ? -1 : at;
                }
            }
            pick = pick < 0 ? fallback : pick;
            chosen[pick] = true;
            usedRacks.add(racks[pick]);
            replicas[r] = ring[pick];
        }
        return replicas;
    }
}
