package io.varve.broker.quorum;

import io.varve.broker.network.FrameHandler;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.rpc.AllocateProducerIdsCodec;
import io.varve.raft.rpc.AlterPartitionCodec;
import io.varve.raft.rpc.BrokerHeartbeatCodec;
import io.varve.raft.rpc.CreatePartitionsCodec;
import io.varve.raft.rpc.CreateTopicsCodec;
import io.varve.raft.rpc.DeleteTopicsCodec;
import io.varve.raft.rpc.FetchMetadataCodec;
import io.varve.raft.rpc.InternalFrames;
import io.varve.raft.rpc.RaftMessageCodec;
import io.varve.raft.rpc.RegisterBrokerCodec;
import io.varve.raft.controller.TopicRef;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Serves the controller listener: Raft messages go to the {@link RaftDriver}'s bounded queue (a full
 * queue or a message not addressed to this node is acknowledged with an error and dropped; Raft
 * resends), broker registrations, heartbeats, forwarded producer-id allocations and topic commands
 * (creation, deletion, new partitions) and leaders' ISR changes (AlterPartition) go to the controller
 * ({@link BrokerRpcs}), and metadata fetches of brokers that are not voters (State Watch) to the
 * {@link MetadataFetchService}. Thread-safe.
 */
public final class ControllerRpcService implements FrameHandler {

    private final int nodeId;
    private final Set<Integer> voters;
    private final RaftDriver driver;
    private final BrokerRpcs brokers;
    /** State Watch: brokers that are not voters follow the committed metadata log through it. */
    private final MetadataFetchService fetches;

    /** What answers brokers' registrations and heartbeats: the controller, when this node is active. */
    public interface BrokerRpcs {
        CompletableFuture<RegisterBrokerCodec.Response> register(RegisterBrokerCodec.Request request);

        CompletableFuture<BrokerHeartbeatCodec.Response> heartbeat(BrokerHeartbeatCodec.Request request);

        CompletableFuture<AllocateProducerIdsCodec.Response> allocateProducerIds(int nodeId);

        CompletableFuture<CreateTopicsCodec.Response> createTopics(CreateTopicsCodec.Request request);

        CompletableFuture<DeleteTopicsCodec.Response> deleteTopics(List<TopicRef> topics);

        CompletableFuture<CreatePartitionsCodec.Response> createPartitions(CreatePartitionsCodec.Request request);

        CompletableFuture<AlterPartitionCodec.Response> alterPartition(AlterPartitionCodec.Request request);
    }

    ControllerRpcService(int nodeId, Set<Integer> voters, RaftDriver driver, BrokerRpcs brokers, MetadataFetchService fetches) {
        this.fetches = fetches;
        this.nodeId = nodeId;
        this.voters = Set.copyOf(voters);
        this.driver = driver;
        this.brokers = brokers;
    }

    @Override
    public void onFrame(ByteBuffer body, Consumer<ByteBuffer> reply) {
        ProtocolReader reader = new ProtocolReader(body);
        InternalFrames.Header header = InternalFrames.readRequestHeader(reader);
        switch (header.apiKey()) {
            case RAFT_MESSAGE -> {
                RaftMessage m = RaftMessageCodec.read(reader);
                if (m.to() != nodeId || !voters.contains(m.from())) {
                    throw new MalformedMessageException("raft message from " + m.from() + " to " + m.to()
                        + " reached node " + nodeId);
                }
                Errors error = driver.offer(m) ? Errors.NONE : Errors.REQUEST_TIMED_OUT;
                reply.accept(InternalFrames.response(header.correlationId(), w -> RaftMessageCodec.writeAck(error.code, w)));
            }
            case REGISTER_BROKER -> {
                RegisterBrokerCodec.Request request = RegisterBrokerCodec.readRequest(reader);
                brokers.register(request).whenComplete((response, error) -> {
                    RegisterBrokerCodec.Response r = error == null ? response : new RegisterBrokerCodec.Response(
                        Errors.UNKNOWN_SERVER_ERROR.code, String.valueOf(error), -1, driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> RegisterBrokerCodec.write(r, w)));
                });
            }
            case BROKER_HEARTBEAT -> {
                BrokerHeartbeatCodec.Request request = BrokerHeartbeatCodec.readRequest(reader);
                brokers.heartbeat(request).whenComplete((response, error) -> {
                    BrokerHeartbeatCodec.Response r = error == null ? response : new BrokerHeartbeatCodec.Response(
                        Errors.UNKNOWN_SERVER_ERROR.code, true, false, driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> BrokerHeartbeatCodec.write(r, w)));
                });
            }
            case ALLOCATE_PRODUCER_IDS -> {
                int broker = AllocateProducerIdsCodec.readRequest(reader);
                brokers.allocateProducerIds(broker).whenComplete((response, error) -> {
                    AllocateProducerIdsCodec.Response r = error == null ? response : new AllocateProducerIdsCodec.Response(
                        Errors.UNKNOWN_SERVER_ERROR.code, -1, 0, driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> AllocateProducerIdsCodec.write(r, w)));
                });
            }
            case FETCH_METADATA -> {
                FetchMetadataCodec.Request request = FetchMetadataCodec.readRequest(reader);
                fetches.fetch(request).whenComplete((response, error) -> {
                    FetchMetadataCodec.Response r = error == null ? response : new FetchMetadataCodec.Response(
                        Errors.UNKNOWN_SERVER_ERROR.code, driver.status().leaderId(), request.fromOffset(), null, List.of());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> FetchMetadataCodec.write(r, w)));
                });
            }
            case CREATE_TOPICS -> {
                CreateTopicsCodec.Request request = CreateTopicsCodec.readRequest(reader);
                brokers.createTopics(request).whenComplete((response, error) -> {
                    CreateTopicsCodec.Response r = error == null ? response
                        : ActiveController.failAll(request, Errors.UNKNOWN_SERVER_ERROR, String.valueOf(error), driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> CreateTopicsCodec.write(r, w)));
                });
            }
            case DELETE_TOPICS -> {
                List<TopicRef> topics = DeleteTopicsCodec.readRequest(reader);
                brokers.deleteTopics(topics).whenComplete((response, error) -> {
                    DeleteTopicsCodec.Response r = error == null ? response
                        : ActiveController.failAll(topics, Errors.UNKNOWN_SERVER_ERROR, String.valueOf(error), driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> DeleteTopicsCodec.write(r, w)));
                });
            }
            case CREATE_PARTITIONS -> {
                CreatePartitionsCodec.Request request = CreatePartitionsCodec.readRequest(reader);
                brokers.createPartitions(request).whenComplete((response, error) -> {
                    CreatePartitionsCodec.Response r = error == null ? response
                        : ActiveController.failAll(request, Errors.UNKNOWN_SERVER_ERROR, String.valueOf(error), driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> CreatePartitionsCodec.write(r, w)));
                });
            }
            case ALTER_PARTITION -> {
                AlterPartitionCodec.Request request = AlterPartitionCodec.readRequest(reader);
                brokers.alterPartition(request).whenComplete((response, error) -> {
                    AlterPartitionCodec.Response r = error == null ? response
                        : new AlterPartitionCodec.Response(Errors.UNKNOWN_SERVER_ERROR.code, driver.status().leaderId());
                    reply.accept(InternalFrames.response(header.correlationId(), w -> AlterPartitionCodec.write(r, w)));
                });
            }
        }
    }
}
