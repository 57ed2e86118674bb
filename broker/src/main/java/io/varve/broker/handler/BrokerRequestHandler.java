package io.varve.broker.handler;

import io.varve.broker.controller.ControllerChannel;
import io.varve.broker.controller.ControllerService;
import io.varve.broker.metrics.TopicTraffic;
import io.varve.broker.group.GroupCoordinatorService;
import io.varve.broker.network.RequestContext;
import io.varve.broker.network.RequestHandler;
import io.varve.broker.network.ResponseCallback;
import io.varve.broker.purgatory.DelayedOperationPurgatory;
import io.varve.broker.replica.ReplicaManager;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.ErrorResponses;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.CreatePartitionsRequest;
import io.varve.protocol.generated.CreateTopicsRequest;
import io.varve.protocol.generated.DeleteTopicsRequest;
import io.varve.protocol.generated.DescribeClusterRequest;
import io.varve.protocol.generated.DescribeClusterResponse;
import io.varve.protocol.generated.DescribeConfigsRequest;
import io.varve.protocol.generated.FetchRequest;
import io.varve.protocol.generated.InitProducerIdRequest;
import io.varve.protocol.generated.ListOffsetsRequest;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.raft.metadata.MetadataImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's thin dispatcher: one handler per API, each answering through the callback, at once
 * or when its future completes. A handler failure becomes an error response for the whole request
 * (retriable {@code REQUEST_TIMED_OUT} when the controller's queue is full), never a dropped one.
 * Thread-safe.
 */
public final class BrokerRequestHandler implements RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRequestHandler.class);

    private final int nodeId;
    private final ControllerChannel controller;
    private final ProduceHandler produce;
    private final FetchHandler fetch;
    private final ListOffsetsHandler listOffsets;
    private final MetadataHandler metadata;
    private final AdminHandler admin;
    private final ProducerIdManager producerIds;
    private final GroupCoordinatorService groups;

    public BrokerRequestHandler(int nodeId, ControllerChannel controller, ReplicaManager replicas,
                                DelayedOperationPurgatory<TopicPartition> fetchPurgatory,
                                DelayedOperationPurgatory<TopicPartition> producePurgatory, Map<String, ?> brokerProps,
                                boolean autoCreateTopics, int fetchMaxBytes, TopicTraffic traffic,
                                GroupCoordinatorService groups) {
        this.nodeId = nodeId;
        this.controller = controller;
        this.produce = new ProduceHandler(replicas, producePurgatory, traffic);
        this.fetch = new FetchHandler(replicas, fetchPurgatory, fetchMaxBytes, traffic);
        this.listOffsets = new ListOffsetsHandler(replicas);
        this.metadata = new MetadataHandler(controller, nodeId, autoCreateTopics);
        this.admin = new AdminHandler(controller, brokerProps, nodeId);
        this.producerIds = new ProducerIdManager(controller, nodeId);
        this.groups = groups;
    }

    @Override
    public void handle(RequestContext context, GeneratedMessage request, ResponseCallback done) {
        switch (context.apiKey()) {
            case PRODUCE -> produce.handle(context, (ProduceRequest) request, done);
            case FETCH -> fetch.handle(context, (FetchRequest) request, done);
            case LIST_OFFSETS -> done.respond(listOffsets.handle((ListOffsetsRequest) request, context.apiVersion()));
            case METADATA -> answer(context, request, metadata.handle((MetadataRequest) request, context.apiVersion()), done);
            case CREATE_TOPICS -> answer(context, request, admin.createTopics((CreateTopicsRequest) request), done);
            case DELETE_TOPICS -> answer(context, request, admin.deleteTopics((DeleteTopicsRequest) request, context.apiVersion()), done);
            case CREATE_PARTITIONS -> answer(context, request, admin.createPartitions((CreatePartitionsRequest) request), done);
            case DESCRIBE_CONFIGS -> done.respond(admin.describeConfigs((DescribeConfigsRequest) request));
            case INIT_PRODUCER_ID -> answer(context, request, producerIds.handle((InitProducerIdRequest) request), done);
            case DESCRIBE_CLUSTER -> done.respond(metadata.describeCluster((DescribeClusterRequest) request));
            case API_VERSIONS -> done.respond(ApiKey.apiVersionsResponse(Errors.NONE));
            case FIND_COORDINATOR, JOIN_GROUP, SYNC_GROUP, HEARTBEAT, LEAVE_GROUP, OFFSET_COMMIT, OFFSET_FETCH,
                LIST_GROUPS, DESCRIBE_GROUPS, DELETE_GROUPS -> groups.handle(context, request, done);
        }
    }

    private static void answer(RequestContext context, GeneratedMessage request,
                               CompletableFuture<? extends GeneratedMessage> response, ResponseCallback done) {
        response.whenComplete((r, error) -> {
            if (error == null) {
                done.respond(r);
                return;
            }
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            boolean busy = cause instanceof ControllerService.ControllerBusyException;
            if (!busy) {
                LOG.error("Answering {} failed", context.apiKey(), cause);
            }
            done.respond(ErrorResponses.of(request, context.apiVersion(),
                busy ? Errors.REQUEST_TIMED_OUT : Errors.UNKNOWN_SERVER_ERROR));
        });
    }
}
