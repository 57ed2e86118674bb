package io.varve.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.varve.protocol.Errors;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.HeartbeatRequest;
import io.varve.protocol.generated.HeartbeatResponse;
import io.varve.protocol.generated.LeaveGroupRequest;
import io.varve.protocol.generated.LeaveGroupResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat rules, driven by {@link HeartbeatThread#tick} with a manual clock (the thread's own
 * ticks read the same clock, which only the test moves, so they add nothing).
 */
class HeartbeatThreadTest {

    private final FakeNetwork net = new FakeNetwork(1);
    private final List<GeneratedMessage> sent = new CopyOnWriteArrayList<>();
    private volatile Errors answer = Errors.NONE;

    private HeartbeatThread heartbeat(Map<String, Object> extra) {
        net.groupHandler = r -> {
            sent.add(r);
            return r instanceof HeartbeatRequest ? HeartbeatResponse.builder().errorCode(answer.code).build()
                : LeaveGroupResponse.builder().build();
        };
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put("bootstrap.servers", "127.0.0.1:9092");
        props.put("group.id", "g");
        props.put("heartbeat.interval.ms", "1000");
        props.put("max.poll.interval.ms", "10000");
        return new HeartbeatThread(net, net.clock, ConsumerConfig.from(props), "");
    }

    private long heartbeats() {
        return sent.stream().filter(HeartbeatRequest.class::isInstance).count();
    }

    @Test
    void beatsEveryIntervalOnlyWhileRunning() {
        try (HeartbeatThread h = heartbeat(Map.of())) {
            h.tick(net.clock.nanoTime());
            assertEquals(0, heartbeats(), "paused until a generation is joined");
            h.resume(net.node, 3, "m-1");
            h.tick(net.clock.nanoTime());
            assertEquals(0, heartbeats(), "the first beat waits one interval");
            net.clock.advanceMs(1_000);
            h.tick(net.clock.nanoTime());
            assertEquals(1, heartbeats());
            HeartbeatRequest beat = (HeartbeatRequest) sent.get(0);
            assertEquals(3, beat.generationId());
            assertEquals("m-1", beat.memberId());
            net.clock.advanceMs(500);
            h.tick(net.clock.nanoTime());
            assertEquals(1, heartbeats());
            h.pause();
            net.clock.advanceMs(5_000);
            h.tick(net.clock.nanoTime());
            assertEquals(1, heartbeats());
            assertNull(h.takeError());
        }
    }

    @Test
    void anErrorStopsTheBeatsAndIsReportedOnce() {
        try (HeartbeatThread h = heartbeat(Map.of())) {
            h.resume(net.node, 1, "m-1");
            answer = Errors.REBALANCE_IN_PROGRESS;
            net.clock.advanceMs(1_000);
            h.tick(net.clock.nanoTime());
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.takeError());
            assertNull(h.takeError());
            net.clock.advanceMs(1_000);
            h.tick(net.clock.nanoTime());
            assertEquals(1, heartbeats());
        }
    }

    @Test
    void pastMaxPollIntervalADynamicMemberLeavesAndAStaticOneOnlyStops() {
        try (HeartbeatThread h = heartbeat(Map.of())) {
            h.resume(net.node, 1, "m-1");
            h.onPoll(net.clock.nanoTime());
            net.clock.advanceMs(10_001);
            h.tick(net.clock.nanoTime());
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.takeError());
            assertEquals("m-1", ((LeaveGroupRequest) sent.get(sent.size() - 1)).members().get(0).memberId());
        }
        sent.clear();
        try (HeartbeatThread h = heartbeat(Map.of("group.instance.id", "i-1"))) {
            h.resume(net.node, 1, "m-2");
            h.onPoll(net.clock.nanoTime());
            net.clock.advanceMs(10_001);
            h.tick(net.clock.nanoTime());
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.takeError());
            assertEquals(0, sent.stream().filter(LeaveGroupRequest.class::isInstance).count());
        }
    }
}
