package io.varve.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The controller gauges read the bound status; elections are the terms it moved through. */
class ControllerMetricsTest {

    private static final class Status implements RaftStatus {
        long term;
        int leader = -1;

        @Override
        public boolean isActiveController() {
            return leader == 1;
        }

        @Override
        public int leaderId() {
            return leader;
        }

        @Override
        public long term() {
            return term;
        }

        @Override
        public long lastAppliedOffset() {
            return 41;
        }
    }

    @Test
    void electionsCountTheTermsSeenSinceBindingNotTheTermsBeforeARestart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ControllerMetrics metrics = new ControllerMetrics(registry);
        Status status = new Status();
        status.term = 7; // persisted terms from before this process started
        metrics.bind(status);
        assertEquals(0.0, registry.get(ControllerMetrics.ELECTIONS).functionCounter().count());

        status.term = 9;
        status.leader = 1;
        assertEquals(2.0, registry.get(ControllerMetrics.ELECTIONS).functionCounter().count());
        assertEquals(1.0, registry.get(ControllerMetrics.ACTIVE).gauge().value());
        assertEquals(9.0, registry.get(ControllerMetrics.TERM).gauge().value());
        assertEquals(1.0, registry.get(ControllerMetrics.LEADER_ID).gauge().value());
        assertEquals(41.0, registry.get(ControllerMetrics.LAST_APPLIED_OFFSET).gauge().value());
    }

    @Test
    void anUnboundControllerReadsNotActiveAndNoLeader() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new ControllerMetrics(registry);
        assertEquals(0.0, registry.get(ControllerMetrics.ACTIVE).gauge().value());
        assertEquals(-1.0, registry.get(ControllerMetrics.LEADER_ID).gauge().value());
        assertEquals(0.0, registry.get(ControllerMetrics.ELECTIONS).functionCounter().count());
    }
}
