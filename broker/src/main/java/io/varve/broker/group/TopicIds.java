package io.varve.broker.group;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchRequest;
import io.varve.protocol.generated.OffsetFetchResponse;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;

/**
 * OffsetCommit and OffsetFetch v10 name topics by id (KIP-848): the coordinator keeps offsets by topic
 * name, so ids are resolved against the published metadata image on the way in, and names turned back
 * into ids on the way out. An id the image does not know is answered with {@code UNKNOWN_TOPIC_ID},
 * as Kafka does. Stateless.
 */
final class TopicIds {

    private TopicIds() {
    }

    /** The request with each topic's name filled in from its id ("" where the id is unknown). */
    static OffsetCommitRequest named(OffsetCommitRequest request, MetadataImage image) {
        List<OffsetCommitRequest.OffsetCommitRequestTopic> topics = new ArrayList<>(request.topics().size());
        for (OffsetCommitRequest.OffsetCommitRequestTopic t : request.topics()) {
            TopicImage topic = image.topic(t.topicId());
            topics.add(new OffsetCommitRequest.OffsetCommitRequestTopic(topic == null ? "" : topic.name(), t.topicId(),
                t.partitions()));
        }
        return request.toBuilder().topics(topics).build();
    }

    /** The answer to a {@link #named} request: topics by id, unknown ids with UNKNOWN_TOPIC_ID. */
    static OffsetCommitResponse byId(OffsetCommitResponse response, OffsetCommitRequest named) {
        if (response.topics().size() != named.topics().size()) {
            return response; // an error answer for the whole request
        }
        List<OffsetCommitResponse.OffsetCommitResponseTopic> topics = new ArrayList<>(response.topics().size());
        for (int i = 0; i < response.topics().size(); i++) {
            OffsetCommitResponse.OffsetCommitResponseTopic t = response.topics().get(i);
            if (!named.topics().get(i).name().isEmpty()) {
                topics.add(t);
                continue;
            }
            List<OffsetCommitResponse.OffsetCommitResponsePartition> ps = new ArrayList<>(t.partitions().size());
            for (OffsetCommitResponse.OffsetCommitResponsePartition p : t.partitions()) {
                ps.add(new OffsetCommitResponse.OffsetCommitResponsePartition(p.partitionIndex(),
                    Errors.UNKNOWN_TOPIC_ID.code));
            }
            topics.add(new OffsetCommitResponse.OffsetCommitResponseTopic(t.name(), t.topicId(), ps));
        }
        return new OffsetCommitResponse(response.throttleTimeMs(), topics);
    }

    /** One OffsetFetch v10 group with its topics' names filled in from their ids; unknown ids left out. */
    static OffsetFetchRequest.OffsetFetchRequestGroup named(OffsetFetchRequest.OffsetFetchRequestGroup group,
                                                             MetadataImage image) {
        if (group.topics() == null) {
            return group;
        }
        List<OffsetFetchRequest.OffsetFetchRequestTopics> topics = new ArrayList<>(group.topics().size());
        for (OffsetFetchRequest.OffsetFetchRequestTopics t : group.topics()) {
            TopicImage topic = image.topic(t.topicId());
            if (topic != null) {
                topics.add(new OffsetFetchRequest.OffsetFetchRequestTopics(topic.name(), t.topicId(),
                    t.partitionIndexes()));
            }
        }
        return group.toBuilder().topics(topics).build();
    }

    /**
     * The answer for one group by topic id: known topics get their id, a topic no longer in the image is
     * left out, and each id asked for that the image does not know answers UNKNOWN_TOPIC_ID.
     */
    static OffsetFetchResponse.OffsetFetchResponseGroup byId(OffsetFetchResponse.OffsetFetchResponseGroup answer,
                                                              OffsetFetchRequest.OffsetFetchRequestGroup asked,
                                                              MetadataImage image) {
        List<OffsetFetchResponse.OffsetFetchResponseTopics> topics = new ArrayList<>(answer.topics().size());
        for (OffsetFetchResponse.OffsetFetchResponseTopics t : answer.topics()) {
            TopicImage topic = image.topic(t.name());
            if (topic != null) {
                topics.add(new OffsetFetchResponse.OffsetFetchResponseTopics(t.name(), topic.topicId(),
                    t.partitions()));
            }
        }
        if (asked.topics() != null) {
            for (OffsetFetchRequest.OffsetFetchRequestTopics t : asked.topics()) {
                if (image.topic(t.topicId()) == null) {
                    List<OffsetFetchResponse.OffsetFetchResponsePartitions> ps = new ArrayList<>();
                    for (int p : t.partitionIndexes()) {
                        ps.add(new OffsetFetchResponse.OffsetFetchResponsePartitions(p, -1L, -1, "",
                            Errors.UNKNOWN_TOPIC_ID.code));
                    }
                    topics.add(new OffsetFetchResponse.OffsetFetchResponseTopics("", t.topicId(), ps));
                }
            }
        }
        return new OffsetFetchResponse.OffsetFetchResponseGroup(answer.groupId(), topics, answer.errorCode());
    }
}
