package io.varve.client.requests;

import io.varve.client.RequestBuilder;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OffsetFetch for one group at every version the client implements (v2 and up: the first where a
 * null topic list means every partition). Below v8 the request names one group in top-level fields
 * and the answer lists its topics at the top level; from v8 both go through a list of groups
 * (KIP-709). The topic id fields of v10 are not used: the client asks by name at v8-9. Stateless.
 */
public final class OffsetFetches {

    private OffsetFetches() {
    }

    /** One partition's committed offset, or its error. */
    public record Committed(String topic, int partition, long offset, int leaderEpoch, String metadata, short errorCode) {
    }

    /** The answer for the group: its error and its partitions. */
    public record GroupOffsets(short errorCode, List<Committed> partitions) {
    }

    /**
     * A request for the committed offsets of {@code groupId}.
     *
     * @param partitions the partitions wanted, by topic; null for every partition the group committed
     */
    public static RequestBuilder request(String groupId, Map<String, List<Integer>> partitions) {
        return request(groupId, partitions, false);
    }

    /**
     * As {@link #request(String, Map)}, asking from v7 that offsets of pending transactions be
     * waited for ({@code requireStable}). Below v7 the flag does not exist and is dropped: such a
     * broker predates transactional offset commits being held back (KIP-447).
     */
    public static RequestBuilder request(String groupId, Map<String, List<Integer>> partitions, boolean requireStable) {
        return version -> {
            boolean stable = requireStable && version >= 7;
            if (version >= 8) {
                List<OffsetFetchRequest.OffsetFetchRequestTopics> topics = partitions == null ? null
                    : partitions.entrySet().stream().map(e -> OffsetFetchRequest.OffsetFetchRequestTopics.builder()
                        .name(e.getKey()).partitionIndexes(List.copyOf(e.getValue())).build()).toList();
                return OffsetFetchRequest.builder().groups(List.of(OffsetFetchRequest.OffsetFetchRequestGroup.builder()
                    .groupId(groupId).topics(topics).build())).requireStable(stable).build();
            }
            List<OffsetFetchRequest.OffsetFetchRequestTopic> topics = partitions == null ? null
                : partitions.entrySet().stream().map(e -> OffsetFetchRequest.OffsetFetchRequestTopic.builder()
                    .name(e.getKey()).partitionIndexes(List.copyOf(e.getValue())).build()).toList();
            return OffsetFetchRequest.builder().groupId(groupId).topics(topics).requireStable(stable).build();
        };
    }

    /**
     * The group's offsets in an answer to {@link #request}: from {@code groups} when the answer is v8+
     * (it then always holds the one group asked for), else from the top-level fields.
     */
    public static GroupOffsets offsets(OffsetFetchResponse response) {
        List<Committed> out = new ArrayList<>();
        if (!response.groups().isEmpty()) {
            OffsetFetchResponse.OffsetFetchResponseGroup g = response.groups().get(0);
            for (OffsetFetchResponse.OffsetFetchResponseTopics t : g.topics()) {
                for (OffsetFetchResponse.OffsetFetchResponsePartitions p : t.partitions()) {
                    out.add(new Committed(t.name(), p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(),
                        p.metadata(), p.errorCode()));
                }
            }
            return new GroupOffsets(g.errorCode(), out);
        }
        for (OffsetFetchResponse.OffsetFetchResponseTopic t : response.topics()) {
            for (OffsetFetchResponse.OffsetFetchResponsePartition p : t.partitions()) {
                out.add(new Committed(t.name(), p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(),
                    p.metadata(), p.errorCode()));
            }
        }
        return new GroupOffsets(response.errorCode(), out);
    }
}
