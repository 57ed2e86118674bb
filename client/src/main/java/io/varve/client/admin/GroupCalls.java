package io.varve.client.admin;

import io.varve.client.NetworkClient;
import io.varve.client.Node;
import io.varve.client.RequestBuilder;
import io.varve.client.group.ConsumerProtocol;
import io.varve.client.requests.FindCoordinators;
import io.varve.client.requests.OffsetFetches;
import io.varve.common.TopicPartition;
import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.generated.DeleteGroupsRequest;
import io.varve.protocol.generated.DeleteGroupsResponse;
import io.varve.protocol.generated.DescribeGroupsRequest;
import io.varve.protocol.generated.DescribeGroupsResponse;
import io.varve.protocol.generated.FindCoordinatorResponse;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ListGroupsRequest;
import io.varve.protocol.generated.ListGroupsResponse;
import io.varve.protocol.generated.MetadataResponse;
import io.varve.protocol.generated.OffsetCommitRequest;
import io.varve.protocol.generated.OffsetCommitResponse;
import io.varve.protocol.generated.OffsetFetchResponse;
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
                List<CompletableFuture<GeneratedMessage>> answers = new ArrayList<>();
                for (MetadataResponse.MetadataResponseBroker b : m.brokers()) {
                    answers.add(client.send(new Node(b.nodeId(), b.host(), b.port()), ListGroupsRequest.builder().build(),
                        deadlines.requestTimeoutMs(deadlineMs)));
                }
                return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
                    Map<String, GroupListing> out = new TreeMap<>();
                    for (CompletableFuture<GeneratedMessage> f : answers) {
                        ListGroupsResponse r = (ListGroupsResponse) f.join();
                        check(r.errorCode(), "list groups");
                        r.groups().forEach(g -> out.put(g.groupId(), new GroupListing(g.groupId(), g.protocolType(), g.groupState())));
                    }
                    return List.copyOf(out.values());
                });
            }));
    }

    CompletableFuture<GroupDescription> describe(String groupId) {
        DescribeGroupsRequest request = DescribeGroupsRequest.builder().groups(List.of(groupId)).build();
        return atCoordinator("describe group " + groupId, groupId, ApiKey.DESCRIBE_GROUPS, v -> request, response -> {
            DescribeGroupsResponse.DescribedGroup g = ((DescribeGroupsResponse) response).groups().get(0);
            check(g.errorCode(), groupId);
            List<GroupDescription.Member> members = new ArrayList<>();
            for (DescribeGroupsResponse.DescribedGroupMember m : g.members()) {
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
        return atCoordinator("list offsets of group " + groupId, groupId, ApiKey.OFFSET_FETCH,
                OffsetFetches.request(groupId, null), response -> {
            Map<TopicPartition, Long> out = new TreeMap<>();
            OffsetFetches.GroupOffsets g = OffsetFetches.offsets((OffsetFetchResponse) response);
            check(g.errorCode(), groupId);
            for (OffsetFetches.Committed p : g.partitions()) {
                check(p.errorCode(), p.topic() + "-" + p.partition());
                if (p.offset() >= 0) {
                    out.put(new TopicPartition(p.topic(), p.partition()), p.offset());
                }
            }
            return Collections.unmodifiableMap(out);
        });
    }

    CompletableFuture<Void> alterOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        Map<String, List<OffsetCommitRequest.OffsetCommitRequestPartition>> byTopic = new TreeMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset < 0) {
                throw new IllegalArgumentException("offset of " + tp + " must be >= 0: " + offset);
            }
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(
                OffsetCommitRequest.OffsetCommitRequestPartition.builder().partitionIndex(tp.partition())
                    .committedOffset(offset).committedMetadata("").build());
        });
        List<OffsetCommitRequest.OffsetCommitRequestTopic> topics = new ArrayList<>();
        byTopic.forEach((t, ps) -> topics.add(OffsetCommitRequest.OffsetCommitRequestTopic.builder().name(t).partitions(ps).build()));
        // Generation -1 and no member: a commit from outside the group, accepted only while it is empty.
        OffsetCommitRequest request = OffsetCommitRequest.builder().groupId(groupId).generationIdOrMemberEpoch(-1)
            .memberId("").topics(topics).build();
        return atCoordinator("alter offsets of group " + groupId, groupId, ApiKey.OFFSET_COMMIT, v -> request, response -> {
            for (OffsetCommitResponse.OffsetCommitResponseTopic t : ((OffsetCommitResponse) response).topics()) {
                for (OffsetCommitResponse.OffsetCommitResponsePartition p : t.partitions()) {
                    check(p.errorCode(), "group " + groupId + " " + t.name() + "-" + p.partitionIndex());
                }
            }
            return null;
        });
    }

    CompletableFuture<Void> delete(String groupId) {
        DeleteGroupsRequest request = new DeleteGroupsRequest(List.of(groupId));
        return atCoordinator("delete group " + groupId, groupId, ApiKey.DELETE_GROUPS, v -> request, response -> {
            for (DeleteGroupsResponse.DeletableGroupResult r : ((DeleteGroupsResponse) response).results()) {
                check(r.errorCode(), "group " + r.groupId());
            }
            return null;
        });
    }

    /** Finds the coordinator of {@code groupId} and sends it {@code request}; the whole pair is retried. */
    private <T> CompletableFuture<T> atCoordinator(String what, String groupId, ApiKey apiKey, RequestBuilder request,
            Function<GeneratedMessage, T> handle) {
        long deadlineMs = deadlines.deadlineMs();
        RequestBuilder find = FindCoordinators.request(FindCoordinators.KEY_TYPE_GROUP, groupId);
        return retrier.run(what, deadlineMs, attempt -> client.send(metadata.anyNode(), ApiKey.FIND_COORDINATOR, find,
                deadlines.requestTimeoutMs(deadlineMs))
            .thenCompose(response -> {
                FindCoordinators.Coordinator c = FindCoordinators.coordinator((FindCoordinatorResponse) response);
                check(c.errorCode(), "find coordinator of " + groupId);
                return client.send(new Node(c.nodeId(), c.host(), c.port()), apiKey, request,
                    deadlines.requestTimeoutMs(deadlineMs));
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
