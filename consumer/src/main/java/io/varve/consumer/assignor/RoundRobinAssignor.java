package io.varve.consumer.assignor;

import io.varve.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's {@code roundrobin}: all partitions of all subscribed topics, sorted by topic then
 * partition, dealt in turn to the members (in {@link PartitionAssignor.Member} order), skipping a
 * member not subscribed to the partition's topic. Balanced to within one partition when every member
 * subscribes to the same topics. Eager only. Stateless.
 */
public final class RoundRobinAssignor implements PartitionAssignor {

    public static final String NAME = "roundrobin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Collection<Member> members) {
        List<Member> sorted = members.stream().sorted().toList();
        Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        sorted.forEach(m -> out.put(m.memberId(), new ArrayList<>()));
        if (sorted.isEmpty()) {
            return out;
        }
        int next = 0;
        for (TopicPartition tp : PartitionAssignor.allPartitionsSorted(partitionsPerTopic, sorted)) {
            // Some member subscribes to tp's topic (that is how it got into the list): the loop ends.
            while (!sorted.get(next).subscription().topics().contains(tp.topic())) {
                next = (next + 1) % sorted.size();
            }
            out.get(sorted.get(next).memberId()).add(tp);
            next = (next + 1) % sorted.size();
        }
        return out;
    }
}
