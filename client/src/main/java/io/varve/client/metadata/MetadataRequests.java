package io.varve.client.metadata;

import io.varve.client.RequestBuilder;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.MetadataRequest.MetadataRequestTopic;
import java.util.Collection;
import java.util.List;

/**
 * Builds Metadata requests for every version the client implements (v4 and up: the first with
 * {@code allowAutoTopicCreation}). Topics are named; the topic id field is left at its default
 * (zero), which every version accepts. Below v10 the answer carries no topic ids (they read as zero).
 * Stateless.
 */
public final class MetadataRequests {

    private MetadataRequests() {
    }

    /**
     * A request for {@code topics} (null: every topic; empty: the brokers only).
     *
     * @param allowAutoTopicCreation whether the broker may create a missing topic
     */
    public static RequestBuilder forTopics(Collection<String> topics, boolean allowAutoTopicCreation) {
        List<MetadataRequestTopic> wire = topics == null ? null
            : topics.stream().map(t -> MetadataRequestTopic.builder().name(t).build()).toList();
        MetadataRequest request = MetadataRequest.builder()
            .topics(wire)
            .allowAutoTopicCreation(allowAutoTopicCreation)
            .build();
        return version -> request;
    }
}
