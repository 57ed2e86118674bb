package io.varve.client.admin;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.client.group.ConsumerProtocol;
import io.varve.common.TopicPartition;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.message.ApiRequest;
import io.varve.protocol.message.ApiResponse;
import io.varve.protocol.message.DeleteGroupsRequest;
import io.varve.protocol.message.DeleteGroupsResponse;
import io.varve.protocol.message.DescribeGroupsRequest;
import io.varve.protocol.message.DescribeGroupsResponse;
import io.varve.protocol.message.FindCoordinatorRequest;
import io.varve.protocol.message.FindCoordinatorResponse;
import io.varve.protocol.message.ListGroupsRequest;
import io.varve.protocol.message.ListGroupsResponse;
import io.varve.protocol.message.NodeEndpoint;
import io.varve.protocol.message.OffsetCommitRequest;
import io.varve.protocol.message.OffsetCommitResponse;
import io.varve.protocol.message.OffsetFetchRequest;
import io.varve.protocol.message.OffsetFetchResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The admin's consumer-group operations. ListGroups asks every broker (each coordinates some groups)
 * and merges the answers; the others first find the group's coordinator (FindCoordinator) and send
 * to it. Coordinator errors (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS)
 * retry the whole lookup through the {@link Retrier}; other errors fail with {@link AdminException}.
 *
 * <p>Thread-safe, stateless beyond its collaborators.
 */
final class GroupCalls {

    private final NetworkClient client;
    private final AdminMetadata metadata;
    private final Retrier retrier;
    private final Deadlines deadlines;

    GroupCalls(NetworkClient client, AdminMetadata metadata, Retrier retrier, Deadlines deadlines) {
        this.client = client;
        this.metadata = metadata;
        this.retrier = retrier;
        this.deadlines = deadlines;
    }

    CompletableFuture<List<GroupListing>> list() {
        long deadlineMs = deadlines.deadlineMs();
        return retrier.run("list groups", deadlineMs, attempt -> metadata.fetch(List.of(), deadlines.requestTimeoutMs(deadlineMs))
            .thenCompose(m -> {
                List<CompletableFuture<ApiResponse>> answers = new ArrayList<>();
                for (NodeEndpoint b : m.brokers()) {
                    answers.add(client.send(new Node(b.nodeId(), b.host(), b.port()), new ListGroupsRequest(List.of(), List.of()),
                        deadlines.requestTimeoutMs(deadlineMs)));
                }
                return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                    Map<String, GroupListing> out = new TreeMap<>();
                    for (CompletableFuture<ApiResponse> f : answers) {
                        ListGroupsResponse r = (ListGroupsResponse) f.join();
                        check(r.errorCode(), "list groups");
                        r.groups().forEach(g -> out.put(g.groupId(), new GroupListing(g.groupId(), g.protocolType(), g.groupState())));
                    }
                    return List.copyOf(out.values());
                });
            }));
    }

    CompletableFuture<GroupDescription> describe(String groupId) {
        return atCoordinator("describe group " + groupId, groupId, new DescribeGroupsRequest(List.of(groupId), false), response -> {
            DescribeGroupsResponse.DescribedGroup g = ((DescribeGroupsResponse) response).groups().get(0);
            check(g.errorCode(), groupId);
            List<GroupDescription.Member> members = new ArrayList<>();
            for (DescribeGroupsResponse.Member m : g.members()) {
                members.add(new GroupDescription.Member(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    ConsumerProtocol.PROTOCOL_TYPE.equals(g.protocolType()) ? assignment(m.memberAssignment()) : List.of()));
            }
            members.sort(Comparator.comparing(GroupDescription.Member::memberId));
            return new GroupDescription(g.groupId(), g.groupState(), g.protocolType(), g.protocolData(), members);
        });
    }

    private static List<TopicPartition> assignment(byte[] bytes) {
        if (bytes == null) {
            return List.of();
        }
        try {
            List<TopicPartition> tps = new ArrayList<>(ConsumerProtocol.decodeAssignment(ByteBuffer.wrap(bytes)).partitions());
            tps.sort(null);
            return tps;
        } catch (MalformedMessageException e) {
            // A member of a consumer group whose assignment is not in the consumer protocol: show none.
            return List.of();
        }
    }

    CompletableFuture<Map<TopicPartition, Long>> offsets(String groupId) {
        OffsetFetchRequest request = new OffsetFetchRequest(List.of(new OffsetFetchRequest.Group(groupId, null, -1, null)), false);
        return atCoordinator("list offsets of group " + groupId, groupId, request, response -> {
            Map<TopicPartition, Long> out = new TreeMap<>();
            for (OffsetFetchResponse.Group g : ((OffsetFetchResponse) response).groups()) {
                check(g.errorCode(), groupId);
                for (OffsetFetchResponse.Topic t : g.topics()) {
                    for (OffsetFetchResponse.Partition p : t.partitions()) {
                        check(p.errorCode(), t.name() + "-" + p.partitionIndex());
                        if (p.committedOffset() >= 0) {
                            out.put(new TopicPartition(t.name(), p.partitionIndex()), p.committedOffset());
                        }
                    }
                }
            }
            return Collections.unmodifiableMap(out);
        });
    }

    CompletableFuture<Void> alterOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        Map<String, List<OffsetCommitRequest.Partition>> byTopic = new TreeMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset < 0) {
                throw new IllegalArgumentException("offset of " + tp + " must be >= 0: " + offset);
            }
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(new OffsetCommitRequest.Partition(tp.partition(), offset, -1, ""));
        });
        List<OffsetCommitRequest.Topic> topics = new ArrayList<>();
        byTopic.forEach((t, ps) -> topics.add(new OffsetCommitRequest.Topic(t, ps)));
        // Generation -1 and no member: a commit from outside the group, accepted only while it is empty.
        OffsetCommitRequest request = new OffsetCommitRequest(groupId, -1, "", null, topics);
        return atCoordinator("alter offsets of group " + groupId, groupId, request, response -> {
            for (OffsetCommitResponse.Topic t : ((OffsetCommitResponse) response).topics()) {
                for (OffsetCommitResponse.Partition p : t.partitions()) {
                    check(p.errorCode(), "group " + groupId + " " + t.name() + "-" + p.partitionIndex());
                }
            }
            return null;
        });
    }

    CompletableFuture<Void> delete(String groupId) {
        return atCoordinator("delete group " + groupId, groupId, new DeleteGroupsRequest(List.of(groupId)), response -> {
            for (DeleteGroupsResponse.Result r : ((DeleteGroupsResponse) response).results()) {
                check(r.errorCode(), "group " + r.groupId());
            }
            return null;
        });
    }

    /** Finds the coordinator of {@code groupId} and sends it {@code request}; the whole pair is retried. */
    private <T> CompletableFuture<T> atCoordinator(String what, String groupId, ApiRequest request, Function<ApiResponse, T> handle) {
        long deadlineMs = deadlines.deadlineMs();
        FindCoordinatorRequest find = new FindCoordinatorRequest(FindCoordinatorRequest.KEY_TYPE_GROUP, List.of(groupId));
        return retrier.run(what, deadlineMs, attempt -> client.send(metadata.anyNode(), find, deadlines.requestTimeoutMs(deadlineMs))
            .thenCompose(response -> {
                FindCoordinatorResponse.Coordinator c = ((FindCoordinatorResponse) response).coordinators().get(0);
                check(c.errorCode(), "find coordinator of " + groupId);
                return client.send(new Node(c.nodeId(), c.host(), c.port()), request, deadlines.requestTimeoutMs(deadlineMs));
            })
            .thenApply(handle));
    }

    /** Throws {@link Retrier.Retry} for a coordinator error, {@link AdminException} for any other. */
    private static void check(short errorCode, String subject) {
        Errors e = Errors.forCode(errorCode);
        if (e == Errors.NONE) {
            return;
        }
        if (e.retriable) {
            throw new Retrier.Retry(subject + ": " + e);
        }
        throw AdminException.of(errorCode, null, subject);
    }
}
