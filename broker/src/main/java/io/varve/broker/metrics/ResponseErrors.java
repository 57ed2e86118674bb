package io.varve.broker.metrics;

import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.CreatePartitionsResponse;
import io.varve.protocol.generated.CreateTopicsResponse;
import io.varve.protocol.generated.DeleteTopicsResponse;
import io.varve.protocol.generated.DescribeClusterResponse;
import io.varve.protocol.generated.DescribeConfigsResponse;
import io.varve.protocol.generated.FetchResponse;
import io.varve.protocol.generated.InitProducerIdResponse;
import io.varve.protocol.generated.ListOffsetsResponse;
import io.varve.protocol.generated.MetadataResponse;
import io.varve.protocol.generated.ProduceResponse;

/**
 * Walks a response and reports every error code in it, top-level and per topic or partition, as
 * Kafka's {@code ErrorsPerSec} counts them: a Produce to three partitions that fails on one reports
 * {@code NONE} twice and the error once. Allocates nothing. Stateless; thread-safe.
 */
final class ResponseErrors {

    /** Receives one error code. */
    @FunctionalInterface
    interface Sink {
        void onError(short code);
    }

    private ResponseErrors() {
    }

    /** Reports each error code of {@code response}; an API this class does not know reports nothing. */
    static void forEach(GeneratedMessage response, Sink sink) {
        if (response instanceof ProduceResponse r) {
            for (ProduceResponse.TopicProduceResponse t : r.responses()) {
                for (ProduceResponse.PartitionProduceResponse p : t.partitionResponses()) {
                    sink.onError(p.errorCode());
                }
            }
        } else if (response instanceof FetchResponse r) {
            sink.onError(r.errorCode());
            for (FetchResponse.FetchableTopicResponse t : r.responses()) {
                for (FetchResponse.PartitionData p : t.partitions()) {
                    sink.onError(p.errorCode());
                }
            }
        } else if (response instanceof ListOffsetsResponse r) {
            for (ListOffsetsResponse.ListOffsetsTopicResponse t : r.topics()) {
                for (ListOffsetsResponse.ListOffsetsPartitionResponse p : t.partitions()) {
                    sink.onError(p.errorCode());
                }
            }
        } else if (response instanceof MetadataResponse r) {
            sink.onError(r.errorCode());
            for (MetadataResponse.MetadataResponseTopic t : r.topics()) {
                sink.onError(t.errorCode());
            }
        } else {
            forEachAdmin(response, sink);
        }
    }

    private static void forEachAdmin(GeneratedMessage response, Sink sink) {
        if (response instanceof CreateTopicsResponse r) {
            r.topics().forEach(t -> sink.onError(t.errorCode()));
        } else if (response instanceof DeleteTopicsResponse r) {
            r.responses().forEach(t -> sink.onError(t.errorCode()));
        } else if (response instanceof CreatePartitionsResponse r) {
            r.results().forEach(t -> sink.onError(t.errorCode()));
        } else if (response instanceof DescribeConfigsResponse r) {
            r.results().forEach(t -> sink.onError(t.errorCode()));
        } else if (response instanceof InitProducerIdResponse r) {
            sink.onError(r.errorCode());
        } else if (response instanceof DescribeClusterResponse r) {
            sink.onError(r.errorCode());
        } else if (response instanceof ApiVersionsResponse r) {
            sink.onError(r.errorCode());
        }
    }
}
