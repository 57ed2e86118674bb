package io.varve.raft.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.ManualClock;
import io.varve.raft.metadata.BrokerRegistration;
import io.varve.raft.metadata.MetadataImage;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.MetadataSnapshot;
import io.varve.raft.metadata.PartitionImage;
import io.varve.raft.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random command sequences against a {@link Controller} on a manual clock. After every command:
 * <ul>
 *   <li>Replay: applying the committed records to an empty image on a second node gives an image equal
 *       to the controller's (the metadata is a deterministic function of the log).</li>
 *   <li>Snapshot: {@link MetadataSnapshot} written and read back gives an equal image, and the snapshot
 *       plus the records after it gives the final image.</li>
 *   <li>Leadership: every leader is an active broker in the partition's ISR; ISRs are non-empty subsets
 *       of the replicas; leader epochs never go back.</li>
 * </ul>
 */
class ControllerReplayPropertyTest {

    private static final int SESSION_MS = 1000;
    private static final int BROKERS = 5;

    @Property(tries = 150)
    void everyCommandSequenceReplaysSnapshotsAndElectsOnlyLiveInSyncLeaders(
        @ForAll @Size(max = 60) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> ops,
        @ForAll long seed, @ForAll boolean unclean) {
        ManualClock clock = new ManualClock();
        MemoryQuorum quorum = new MemoryQuorum();
        ControllerConfig config = ControllerConfig.from(Map.of(ControllerConfig.BROKER_SESSION_TIMEOUT_MS, SESSION_MS,
            ControllerConfig.UNCLEAN_LEADER_ELECTION_ENABLE, unclean));
        Controller controller = new Controller(quorum, "c", config, new Random(seed));
        Map<Integer, Long> epochs = new HashMap<>();
        Map<String, Integer> leaderEpochs = new HashMap<>();
        MetadataImage snapshotImage = null;
        byte[] snapshot = null;
        int topics = 0;
        for (int op : ops) {
            int broker = 1 + (op >>> 4) % BROKERS;
            long now = clock.monotonicMs();
            switch (op % 10) {
                case 0, 1 -> {
                    RegisterBrokerResult r = controller.registerBroker(broker, "h" + broker, 9092,
                        (op >>> 8) % 2 == 0 ? null : "rack-" + broker % 3, now).response();
                    epochs.put(broker, r.brokerEpoch());
                }
                case 2, 3 -> {
                    if (epochs.containsKey(broker)) {
                        controller.brokerHeartbeat(broker, epochs.get(broker), now, (op >>> 8) % 5 == 0);
                    }
                }
                case 4 -> {
                    clock.advanceMs((op >>> 8) % (2 * SESSION_MS));
                    controller.tick(clock.monotonicMs());
                }
                case 5, 6 -> controller.createTopics(List.of(new NewTopic("t" + topics++, 1 + (op >>> 8) % 4,
                    (short) (1 + (op >>> 12) % 3), Map.of())), false);
                case 7 -> controller.createPartitions(List.of(new NewPartitions("t" + (op >>> 8) % Math.max(1, topics),
                    2 + (op >>> 12) % 6)), false);
                case 8 -> controller.deleteTopics(List.of(TopicRef.byName("t" + (op >>> 8) % Math.max(1, topics))));
                default -> {
                    snapshotImage = controller.image();
                    snapshot = MetadataSnapshot.write(snapshotImage);
                    controller.allocateProducerIds(broker);
                }
            }
            MetadataImage image = controller.image();
            assertEquals(image, Controller.replay(quorum, MetadataImage.empty("c")), "replay on a second node");
            assertEquals(image, MetadataSnapshot.read(MetadataSnapshot.write(image)), "snapshot round trip");
            checkLeadership(image, leaderEpochs);
        }
        if (snapshot != null) {
            MetadataImage restored = MetadataSnapshot.read(snapshot);
            assertEquals(snapshotImage, restored);
            assertEquals(controller.image(), Controller.replay(quorum, restored), "snapshot + the log after it");
        }
    }

    private static void checkLeadership(MetadataImage image, Map<String, Integer> leaderEpochs) {
        for (TopicImage topic : image.topicsByName().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                int[] isr = p.isr();
                int[] replicas = p.replicas();
                assertTrue(isr.length > 0, p::toString);
                assertTrue(Arrays.stream(isr).allMatch(p::isReplica), p::toString);
                if (p.leader() != PartitionImage.NO_LEADER) {
                    BrokerRegistration leader = image.broker(p.leader());
                    assertTrue(leader != null && leader.isActive(), () -> "leader not active: " + p + " " + leader);
                    assertTrue(Arrays.stream(isr).anyMatch(id -> id == p.leader()), p::toString);
                }
                String key = topic.topicId() + "-" + p.partitionIndex();
                Integer previous = leaderEpochs.put(key, p.leaderEpoch());
                assertTrue(previous == null || previous <= p.leaderEpoch(), "leader epoch went back: " + p);
                assertEquals(replicas.length, Arrays.stream(replicas).distinct().count(), p::toString);
            }
        }
    }

    @Property(tries = 200)
    void snapshotRecordsRebuildAnyImageBuiltFromRecords(@ForAll @Size(max = 30) List<@IntRange(min = 0) Integer> ops) {
        // Images built straight from records (fenced, unfenced, draining brokers; configs; producer ids).
        List<MetadataRecord> records = new ArrayList<>();
        Map<Integer, Long> epochs = new HashMap<>();
        long offset = 0;
        long nextProducerId = 0;
        for (int op : ops) {
            int node = (op >>> 3) % 4;
            switch (op % 6) {
                case 0 -> {
                    records.add(new MetadataRecord.RegisterBroker(node, "h" + node, 1 + op % 60_000,
                        op % 2 == 0 ? null : "r" + op % 3));
                    epochs.put(node, offset);
                }
                case 1 -> records.add(epochs.containsKey(node)
                    ? new MetadataRecord.UnfenceBroker(node, epochs.get(node)) : new MetadataRecord.ProducerIds(0, ++nextProducerId));
                case 2 -> records.add(epochs.containsKey(node)
                    ? new MetadataRecord.FenceBroker(node, epochs.get(node)) : new MetadataRecord.ProducerIds(0, ++nextProducerId));
                case 3 -> records.add(epochs.containsKey(node)
                    ? new MetadataRecord.BrokerControlledShutdown(node, epochs.get(node))
                    : new MetadataRecord.Config(io.varve.raft.metadata.ConfigResourceType.BROKER, "" + node, "k", "v" + op));
                case 4 -> records.add(new MetadataRecord.Config(io.varve.raft.metadata.ConfigResourceType.BROKER, "",
                    "k" + op % 3, op % 5 == 0 ? null : "v"));
                default -> {
                    nextProducerId += 1 + op % 1000;
                    records.add(new MetadataRecord.ProducerIds(node, nextProducerId));
                }
            }
            offset++;
        }
        MemoryQuorum quorum = new MemoryQuorum();
        if (!records.isEmpty()) {
            quorum.append(records);
        }
        MetadataImage image = Controller.replay(quorum, MetadataImage.empty("cluster-\u00e9"));
        assertEquals(image, MetadataSnapshot.read(MetadataSnapshot.write(image)));
        assertEquals(image, MetadataSnapshot.fromRecords("cluster-\u00e9", image.lastAppliedOffset(),
            MetadataSnapshot.records(image)));
    }
}
