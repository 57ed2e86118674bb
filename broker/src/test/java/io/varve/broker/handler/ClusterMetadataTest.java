package io.varve.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.broker.controller.ControllerService;
import io.varve.common.ManualClock;
import io.varve.protocol.Errors;
import io.varve.protocol.generated.DescribeClusterRequest;
import io.varve.protocol.generated.DescribeClusterResponse;
import io.varve.protocol.generated.InitProducerIdRequest;
import io.varve.protocol.generated.InitProducerIdResponse;
import io.varve.protocol.generated.MetadataRequest;
import io.varve.protocol.generated.MetadataResponse;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerConfig;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.HeartbeatResult;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.RegisterBrokerResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What clients are told about the cluster (issue 11, defect 5): a fenced broker is not offered as a
 * live one by Metadata or DescribeCluster, and InitProducerId never bumps the epoch of an id the
 * client merely names. A real controller decides, on a manual clock: broker 2's lease runs out.
 */
class ClusterMetadataTest {

    private static final int SESSION_TIMEOUT_MS = 9000;

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private Controller controller;
    private ControllerService service;
    private MetadataHandler metadata;

    @BeforeEach
    void open() throws Exception {
        controller = Controller.open(dir, "cluster", ControllerConfig.from(Map.of(
            ControllerConfig.BROKER_SESSION_TIMEOUT_MS, SESSION_TIMEOUT_MS)), clock, new Random(1));
        service = new ControllerService(controller, 1, image -> { });
        metadata = new MetadataHandler(service, 1, false);
        for (int id = 1; id <= 2; id++) {
            int node = id;
            RegisterBrokerResult registered = service.<RegisterBrokerResult>submit(
                c -> c.registerBroker(node, "127.0.0.1", 9000 + node, null, clock.monotonicMs())).get(10, TimeUnit.SECONDS);
            HeartbeatResult beat = service.<HeartbeatResult>submit(
                c -> c.brokerHeartbeat(node, registered.brokerEpoch(), clock.monotonicMs(), false)).get(10, TimeUnit.SECONDS);
            assertEquals(Errors.NONE, beat.error());
        }
        List<CreateTopicResult> created = service.<List<CreateTopicResult>>submit(
            c -> c.createTopics(List.of(new NewTopic("orders", 1, (short) 2, Map.of())), false)).get(10, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, created.get(0).error());
        // Broker 1 heartbeats on; broker 2 does not: its lease runs out and the controller fences it.
        clock.advanceMs(SESSION_TIMEOUT_MS);
        long epoch1 = service.image().broker(1).epoch();
        service.<HeartbeatResult>submit(c -> c.brokerHeartbeat(1, epoch1, clock.monotonicMs(), false)).get(10, TimeUnit.SECONDS);
        service.<Void>submit(c -> c.tick(clock.monotonicMs() + 1)).get(10, TimeUnit.SECONDS);
        assertTrue(service.image().broker(2).fenced());
    }

    @AfterEach
    void close() throws Exception {
        service.close();
        controller.close();
    }

    @Test
    void metadataOffersOnlyLiveBrokersAndListsReplicasOnFencedOnesAsOffline() throws Exception {
        MetadataResponse response = metadata.handle(new MetadataRequest(null, false, false, false), (short) 12).get(10, TimeUnit.SECONDS);

        assertEquals(List.of(1), response.brokers().stream().map(MetadataResponse.MetadataResponseBroker::nodeId).toList());
        MetadataResponse.MetadataResponsePartition partition = response.topics().get(0).partitions().get(0);
        assertEquals(List.of(1, 2), partition.replicaNodes().stream().sorted().toList());
        assertEquals(List.of(2), partition.offlineReplicas());
        assertEquals(1, partition.leaderId(), "the fenced broker's leadership moved");
    }

    @Test
    void aBrokerWithAnOfflineLogDirIsLiveButItsReplicasAreListedOffline() throws Exception {
        long epoch2 = service.image().broker(2).epoch();
        HeartbeatResult beat = service.<HeartbeatResult>submit(
            c -> c.brokerHeartbeat(2, epoch2, clock.monotonicMs(), false, true)).get(10, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, beat.error());

        MetadataResponse response = metadata.handle(new MetadataRequest(null, false, false, false), (short) 12).get(10, TimeUnit.SECONDS);

        assertEquals(List.of(1, 2), response.brokers().stream().map(MetadataResponse.MetadataResponseBroker::nodeId).sorted().toList(),
            "it heartbeats: a live broker");
        MetadataResponse.MetadataResponsePartition partition = response.topics().get(0).partitions().get(0);
        assertEquals(List.of(2), partition.offlineReplicas(), "but its replica cannot serve");
        assertEquals(1, partition.leaderId());
        assertEquals(List.of(1), partition.isrNodes(), "and it did not rejoin the ISR");
    }

    @Test
    void describeClusterLeavesFencedBrokersOutUnlessAskedAndThenMarksThem() {
        DescribeClusterResponse live = metadata.describeCluster(new DescribeClusterRequest(false, (byte) 1, false));
        assertEquals(List.of(1), live.brokers().stream().map(DescribeClusterResponse.DescribeClusterBroker::brokerId).toList());

        DescribeClusterResponse all = metadata.describeCluster(new DescribeClusterRequest(false, (byte) 1, true));
        assertEquals(List.of(false, true), all.brokers().stream()
            .sorted(java.util.Comparator.comparingInt(DescribeClusterResponse.DescribeClusterBroker::brokerId))
            .map(DescribeClusterResponse.DescribeClusterBroker::isFenced).toList());
    }

    @Test
    void initProducerIdNamingAnIdGetsAFreshIdNotABumpedEpochOfAnyIdItNames() throws Exception {
        ProducerIdManager ids = new ProducerIdManager(service, 1);
        InitProducerIdResponse first = ids.handle(InitProducerIdRequest.builder().transactionalId(null).build()).get(10, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code, first.errorCode());

        long madeUp = first.producerId() + 1_000_000;
        InitProducerIdResponse claimed = ids.handle(InitProducerIdRequest.builder().transactionalId(null).producerId(madeUp).producerEpoch((short) 3).build())
            .get(10, TimeUnit.SECONDS);

        assertEquals(Errors.NONE.code, claimed.errorCode());
        assertNotEquals(madeUp, claimed.producerId(), "an id never issued is not adopted");
        assertNotEquals(first.producerId(), claimed.producerId());
        assertEquals(0, claimed.producerEpoch());
    }
}
