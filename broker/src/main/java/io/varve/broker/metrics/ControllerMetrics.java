package io.varve.broker.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The controller quorum's metrics: whether this node is the active controller, the leader id, the
 * term and the last applied metadata offset (gauges read from the bound {@link RaftStatus} at scrape
 * time), the latency of committing metadata records (a timer the quorum driver feeds through
 * {@link #onCommit}) and the elections this node saw: every Raft term is one election, so the
 * counter is the number of terms the bound status has moved through since it was bound.
 * Until a status is bound the gauges read "not active, no leader".
 *
 * <p>Thread-safe.
 */
public final class ControllerMetrics {

    static final String ACTIVE = "varve.controller.active";
    static final String LEADER_ID = "varve.controller.leader.id";
    static final String TERM = "varve.controller.term";
    static final String LAST_APPLIED_OFFSET = "varve.controller.last.applied.offset";
    static final String COMMIT_TIME = "varve.controller.commit.time";
    static final String ELECTIONS = "varve.controller.elections";

    private static final RaftStatus UNBOUND = new RaftStatus() {
        @Override
        public boolean isActiveController() {
            return false;
        }

        @Override
        public int leaderId() {
            return -1;
        }

        @Override
        public long term() {
            return 0;
        }

        @Override
        public long lastAppliedOffset() {
            return -1;
        }
    };

    private final Timer commitTime;
    private volatile RaftStatus status = UNBOUND;
    /** The term when {@link #status} was bound: elections count from there. */
    private volatile long termAtBind;

    public ControllerMetrics(MeterRegistry registry) {
        Gauge.builder(ACTIVE, this, m -> m.status.isActiveController() ? 1 : 0)
            .description("1 when this node is the active controller, else 0").register(registry);
        Gauge.builder(LEADER_ID, this, m -> m.status.leaderId())
            .description("Node id of the controller quorum's leader; -1 when unknown").register(registry);
        Gauge.builder(TERM, this, m -> m.status.term())
            .description("Current Raft term of the controller quorum").register(registry);
        Gauge.builder(LAST_APPLIED_OFFSET, this, m -> m.status.lastAppliedOffset())
            .description("Offset of the last metadata record applied to this node's image").register(registry);
        this.commitTime = Timer.builder(COMMIT_TIME)
            .description("Time to commit a batch of metadata records (append to the quorum until committed)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
        FunctionCounter.builder(ELECTIONS, this, ControllerMetrics::electionsSeen)
            .description("Leader elections (Raft terms) this node took part in or learned of since it started")
            .register(registry);
    }

    /** Binds the quorum whose state the gauges read; a later call replaces the earlier one. */
    public void bind(RaftStatus status) {
        this.termAtBind = Objects.requireNonNull(status, "status").term();
        this.status = status;
    }

    /** A metadata commit took {@code durationNs}. */
    public void onCommit(long durationNs) {
        commitTime.record(durationNs, TimeUnit.NANOSECONDS);
    }

    private double electionsSeen() {
        return Math.max(0, status.term() - termAtBind);
    }
}
