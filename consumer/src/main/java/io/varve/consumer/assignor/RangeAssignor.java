package io.varve.consumer.assignor;

import io.varve.common.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kafka's {@code range}: topic by topic, the members subscribed to it (in {@link
 * PartitionAssignor.Member} order) get consecutive ranges of its partitions; the first
 * {@code partitions % members} get one extra. Members subscribed to the same topics get the same
 * partition numbers of each, which suits joins of co-partitioned topics. Eager only. Stateless.
 */
public final class RangeAssignor implements PartitionAssignor {

    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, Collection<Member> members) {
        Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        Map<String, List<Member>> membersPerTopic = new TreeMap<>();
        members.stream().sorted().forEach(m -> {
            out.put(m.memberId(), new ArrayList<>());
            m.subscription().topics().forEach(t -> membersPerTopic.computeIfAbsent(t, k -> new ArrayList<>()).add(m));
        });
        membersPerTopic.forEach((topic, subscribed) -> {
            Integer partitions = partitionsPerTopic.get(topic);
            if (partitions == null) {
                return;
            }
            int per = partitions / subscribed.size();
            int extra = partitions % subscribed.size();
            for (int i = 0; i < subscribed.size(); i++) {
                int start = per * i + Math.min(i, extra);
                int length = per + (i < extra ? 1 : 0);
                List<TopicPartition> mine = out.get(subscribed.get(i).memberId());
                for (int p = start; p < start + length; p++) {
                    mine.add(new TopicPartition(topic, p));
                }
            }
        });
        return out;
    }
}
