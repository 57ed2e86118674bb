package io.varve.raft.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A Raft voter as a pure state machine (etcd-raft style). It never does I/O: every call may produce
 * work, collected with {@link #ready()} and acknowledged with {@link #advance(Ready)} once the
 * driver has done it.
 *
 * <h2>Persist before send</h2>
 * The driver must do a {@link Ready} in its order: persist the hard state, install the snapshot,
 * truncate and append the entries, fsync, and only then send the messages, apply up to the commit
 * index, and call {@link #advance}. A vote (§5.2), a follower's acknowledgment (§5.3) and a
 * leader's own match index must never be seen by another node before they are durable here: the
 * node only counts its own entries towards a commit once {@link #advance} said they are durable.
 * Readies are done one after another: call {@link #advance} with a Ready before calling
 * {@link #ready()} again. {@link #step}, {@link #tick} and {@link #propose} may be called in between;
 * their work goes into the next Ready. Apply {@link Ready#commitIndex()} even when the Ready
 * {@link Ready#isEmpty() is empty} (see {@link #hasReady()}). When a Ready carries a
 * {@link Ready#snapshot() snapshot}, the driver restores its state machine from
 * {@link Ready#snapshotData()} before applying entries after it. On restart the node is committed up
 * to its log's snapshot; the driver restores the state machine from that snapshot and applies the
 * rest as the commit index moves.
 *
 * <h2>What it implements</h2>
 * Leader election with randomized timeouts in [t, 2t) from the node's seeded {@link Random},
 * pre-vote (a partitioned node does not bump terms), check-quorum (a leader that has not heard from a
 * majority within an election timeout steps down) and leader stickiness (a node that heard from a
 * leader within an election timeout refuses votes); votes only for up-to-date logs (§5.4.1); a no-op
 * entry at the start of each term; commit only by counting replicas of the current term's entries
 * (§5.4.2); batching ({@code maxAppendBytes}) and pipelining ({@code maxInflightAppends}); fast
 * backup by the follower's hint; snapshot install for followers behind the leader's first index (§7).
 * One class per role ({@link FollowerState}, {@link PreCandidateState}, {@link CandidateState},
 * {@link LeaderState}); this class holds what all roles share and the rules between them.
 *
 * <p>Not thread-safe: one thread drives a node.
 */
public final class RaftNode {

    private final RaftConfig config;
    private final Rules rules;
    private final Random random;
    private final RaftLog log;
    private final RaftLogView durableLog;
    private final List<RaftMessage> outbox = new ArrayList<>();
    private final long electionTimeoutNs;
    private final long heartbeatIntervalNs;
    /** The voters in id order: iteration order must not depend on hashing, so that runs replay exactly. */
    private final List<Integer> voters;

    private int term;
    private int votedFor;
    private HardState lastHardState;
    private long commitIndex;
    private long lastReadyCommitIndex;
    private RaftStatus lastReadyStatus;
    private RoleState state;
    private boolean readyOutstanding;
    /** The latest time the driver passed in. */
    private long lastNowNs;

    /**
     * A node restarting from its durable state.
     *
     * @param config    settings
     * @param hardState the term and vote last persisted
     * @param log       the durable log (after any snapshot)
     * @param random    this node's seeded random: election timeouts
     * @param nowNs     the time now
     */
    public RaftNode(RaftConfig config, HardState hardState, RaftLogView log, Random random, long nowNs) {
        this(config, hardState, log, random, nowNs, Rules.RAFT);
    }

    /** A node that follows {@code rules}: tests plant bugs through this constructor. */
    RaftNode(RaftConfig config, HardState hardState, RaftLogView log, Random random, long nowNs, Rules rules) {
        this.config = Objects.requireNonNull(config, "config");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.random = Objects.requireNonNull(random, "random");
        this.durableLog = Objects.requireNonNull(log, "log");
        this.log = new RaftLog(log);
        this.voters = config.voters().stream().sorted().toList();
        this.electionTimeoutNs = config.electionTimeoutMs() * 1_000_000L;
        this.heartbeatIntervalNs = config.heartbeatIntervalMs() * 1_000_000L;
        this.term = hardState.term();
        this.votedFor = hardState.votedFor();
        this.lastHardState = hardState;
        this.lastNowNs = nowNs;
        this.commitIndex = log.snapshot().lastIndex();
        this.lastReadyCommitIndex = commitIndex;
        this.state = new FollowerState(RaftStatus.NO_LEADER, nextElectionDeadline(nowNs), Long.MIN_VALUE);
        this.lastReadyStatus = status();
        if (isSoleVoter()) {
            campaign(false, nowNs);
        }
    }

    // ------------------------------------------------------------------ public API

    /** Handles a message from another node. */
    public void step(RaftMessage message, long nowNs) {
        lastNowNs = nowNs;
        if (message.to() != config.nodeId() || message.from() == config.nodeId()) {
            return;
        }
        if (message.term() > term) {
            if (!onHigherTerm(message, nowNs)) {
                return;
            }
        } else if (message.term() < term) {
            onLowerTerm(message);
            return;
        }
        dispatch(message, nowNs);
    }

    /** Moves time forward: elections, heartbeats, check-quorum. */
    public void tick(long nowNs) {
        lastNowNs = nowNs;
        if (state instanceof LeaderState leader) {
            if (!leader.tick(nowNs)) {
                becomeFollower(term, RaftStatus.NO_LEADER, nowNs);
            }
        } else if (state instanceof FollowerState follower) {
            if (nowNs >= follower.electionDeadlineNs() && isVoter()) {
                campaign(true, nowNs);
            }
        } else if (state instanceof ElectionState election && nowNs >= election.electionDeadlineNs()) {
            campaign(true, nowNs);
        }
    }

    /** Appends {@code data} as a new entry when this node leads. */
    public ProposeResult propose(byte[] data, long nowNs) {
        lastNowNs = nowNs;
        if (!(state instanceof LeaderState leader)) {
            return new ProposeResult(false, -1, -1, state.leaderId());
        }
        RaftEntry entry = new RaftEntry(log.lastIndex() + 1, term, data.clone());
        log.append(entry);
        leader.broadcastAppend(nowNs, false);
        return new ProposeResult(true, entry.index(), term, config.nodeId());
    }

    /** Whether {@link #ready()} has anything: work to do, a new commit index or a new role/term/leader. */
    public boolean hasReady() {
        return !outbox.isEmpty() || log.hasWorkToHandOut() || !currentHardState().equals(lastHardState)
            || commitIndex != lastReadyCommitIndex || !status().equals(lastReadyStatus);
    }

    /**
     * The work produced since the last Ready; its parts are empty when there is none.
     *
     * @throws IllegalStateException when the previous Ready was not {@link #advance advanced}
     */
    public Ready ready() {
        if (readyOutstanding) {
            throw new IllegalStateException("advance the previous Ready first");
        }
        HardState hardState = currentHardState();
        HardState toPersist = hardState.equals(lastHardState) ? null : persistable(hardState);
        lastHardState = hardState;
        SnapshotMeta snapshot = log.pendingSnapshot();
        byte[] snapshotData = log.pendingSnapshotData();
        long truncateAfter = log.pendingTruncateAfter();
        List<RaftEntry> entries = log.entriesToPersist();
        log.handedOut();
        List<RaftMessage> messages = List.copyOf(outbox);
        outbox.clear();
        lastReadyCommitIndex = commitIndex;
        lastReadyStatus = status();
        readyOutstanding = true;
        return new Ready(toPersist, snapshot, snapshotData, truncateAfter, entries, messages, commitIndex,
            lastReadyStatus);
    }

    /** Tells the node that {@code ready} was done: its entries are durable, its messages sent. */
    public void advance(Ready ready) {
        readyOutstanding = false;
        if (ready.snapshot() != null) {
            log.snapshotInstalled(ready.snapshot());
        }
        if (!ready.entries().isEmpty()) {
            RaftEntry last = ready.entries().get(ready.entries().size() - 1);
            log.stableTo(last.index(), last.term());
        }
        if (state instanceof LeaderState leader && maybeCommit()) {
            leader.broadcastAppend(lastNowNs, true);
        }
    }

    /**
     * Tells the node the state machine took a snapshot at {@code meta} (at or below the commit index);
     * the driver already truncated the log below it. A leader reads the new first index from the log
     * and sends the snapshot to followers that need entries below it.
     *
     * @throws IllegalStateException when {@code meta} is past the commit index
     */
    public void onSnapshotTaken(SnapshotMeta meta) {
        if (meta.lastIndex() > commitIndex) {
            throw new IllegalStateException("snapshot at " + meta.lastIndex() + " is past the commit index " + commitIndex);
        }
    }

    public RaftStatus status() {
        return new RaftStatus(config.nodeId(), state.role(), term, state.leaderId(), commitIndex);
    }

    /** Whether this node is the leader of its current term. */
    public boolean isLeader() {
        return state instanceof LeaderState;
    }

    // ------------------------------------------------------------------ term rules (§5.1)

    /** A message from a higher term. Returns whether to go on handling it. */
    private boolean onHigherTerm(RaftMessage message, long nowNs) {
        if (message instanceof RaftMessage.VoteRequest request) {
            if (inLease(nowNs)) {
                return false; // leader stickiness: a leader is alive, ignore the disruptor
            }
            if (request.preVote()) {
                return true; // a pre-vote changes no term
            }
            becomeFollower(message.term(), RaftStatus.NO_LEADER, nowNs);
            return true;
        }
        if (message instanceof RaftMessage.VoteResponse response && response.preVote() && response.granted()) {
            return true; // a granted pre-vote carries the asked term, not the voter's
        }
        boolean fromLeader = message instanceof RaftMessage.AppendRequest || message instanceof RaftMessage.SnapshotRequest;
        becomeFollower(message.term(), fromLeader ? message.from() : RaftStatus.NO_LEADER, nowNs);
        return true;
    }

    /** A message from a lower term: tell a stale leader or pre-candidate our term, drop the rest. */
    private void onLowerTerm(RaftMessage message) {
        if (message instanceof RaftMessage.AppendRequest || message instanceof RaftMessage.SnapshotRequest) {
            send(new RaftMessage.AppendResponse(config.nodeId(), message.from(), term, false, log.lastIndex()));
        } else if (message instanceof RaftMessage.VoteRequest request && request.preVote()) {
            send(new RaftMessage.VoteResponse(config.nodeId(), message.from(), term, true, false));
        }
    }

    private void dispatch(RaftMessage message, long nowNs) {
        if (message instanceof RaftMessage.VoteRequest request) {
            onVoteRequest(request, nowNs);
        } else if (message instanceof RaftMessage.VoteResponse response) {
            onVoteResponse(response, nowNs);
        } else if (message instanceof RaftMessage.AppendRequest request) {
            follow(request.from(), nowNs).onAppend(this, request);
        } else if (message instanceof RaftMessage.SnapshotRequest request) {
            follow(request.from(), nowNs).onSnapshot(this, request);
        } else if (message instanceof RaftMessage.AppendResponse response) {
            if (state instanceof LeaderState leader) {
                leader.onAppendResponse(response, nowNs);
            }
        } else if (message instanceof RaftMessage.SnapshotResponse response && state instanceof LeaderState leader) {
            leader.onSnapshotResponse(response, nowNs);
        }
    }

    /** The leader of this term spoke: be its follower and restart the election timer. */
    private FollowerReplication follow(int leaderId, long nowNs) {
        if (state instanceof LeaderState) {
            throw new IllegalStateException("two leaders in term " + term + ": " + config.nodeId() + " and " + leaderId);
        }
        if (!(state instanceof FollowerState)) {
            becomeFollower(term, leaderId, nowNs);
        }
        ((FollowerState) state).onLeaderContact(leaderId, nowNs, nextElectionDeadline(nowNs));
        return FollowerReplication.INSTANCE;
    }

    // ------------------------------------------------------------------ elections (§5.2, §5.4.1)

    private void onVoteRequest(RaftMessage.VoteRequest request, long nowNs) {
        boolean voteAvailable = votedFor == HardState.NO_VOTE || !rules.follows(Rules.Rule.ONE_VOTE_PER_TERM); // §5.2
        boolean canVote = votedFor == request.from()
            || voteAvailable && state.leaderId() == RaftStatus.NO_LEADER
            || request.preVote() && request.term() > term;
        boolean upToDate = !rules.follows(Rules.Rule.CHECK_LOG_UP_TO_DATE) || request.lastLogTerm() > log.lastTerm()
            || request.lastLogTerm() == log.lastTerm() && request.lastLogIndex() >= log.lastIndex();
        boolean grant = canVote && upToDate && !(state instanceof LeaderState);
        if (grant && !request.preVote()) {
            votedFor = request.from();
            if (state instanceof FollowerState follower) {
                follower.restartTimer(nextElectionDeadline(nowNs));
            }
        }
        int answerTerm = grant && request.preVote() ? request.term() : term;
        send(new RaftMessage.VoteResponse(config.nodeId(), request.from(), answerTerm, request.preVote(), grant));
    }

    private void onVoteResponse(RaftMessage.VoteResponse response, long nowNs) {
        if (!(state instanceof ElectionState election) || election.preVote() != response.preVote()) {
            return;
        }
        if (response.preVote() && response.term() != election.electionTerm()) {
            return;
        }
        switch (election.record(response.from(), response.granted(), config.voters())) {
            case WON -> {
                if (election.preVote()) {
                    campaign(false, nowNs);
                } else {
                    becomeLeader(nowNs);
                }
            }
            case LOST -> becomeFollower(term, RaftStatus.NO_LEADER, nowNs);
            case PENDING -> { }
        }
    }

    /** Starts a pre-vote, or (after winning one, or as the sole voter) a real election. */
    private void campaign(boolean preVote, long nowNs) {
        if (preVote && !isSoleVoter()) {
            state = new PreCandidateState(config.nodeId(), term + 1, nextElectionDeadline(nowNs));
            requestVotes(true, term + 1);
            return;
        }
        term += 1;
        votedFor = config.nodeId();
        CandidateState candidate = new CandidateState(config.nodeId(), term, nextElectionDeadline(nowNs));
        state = candidate;
        if (candidate.result(config.voters()) == MajorityQuorum.VoteResult.WON) {
            becomeLeader(nowNs);
            return;
        }
        requestVotes(false, term);
    }

    private void requestVotes(boolean preVote, int electionTerm) {
        for (int voter : voters) {
            if (voter != config.nodeId()) {
                send(new RaftMessage.VoteRequest(config.nodeId(), voter, electionTerm, preVote, log.lastIndex(),
                    log.lastTerm()));
            }
        }
    }

    private void becomeLeader(long nowNs) {
        if (!(state instanceof CandidateState)) {
            throw new IllegalStateException("only a candidate becomes leader, not a " + state.role());
        }
        LeaderState leader = new LeaderState(this, nowNs);
        state = leader;
        log.append(new RaftEntry(log.lastIndex() + 1, term, new byte[0])); // no-op: commits earlier terms' entries
        leader.broadcastAppend(nowNs, true);
    }

    private void becomeFollower(int newTerm, int leaderId, long nowNs) {
        if (newTerm > term) {
            term = newTerm;
            votedFor = HardState.NO_VOTE;
        }
        state = new FollowerState(leaderId, nextElectionDeadline(nowNs), leaderId == RaftStatus.NO_LEADER ? Long.MIN_VALUE : nowNs);
    }

    private boolean inLease(long nowNs) {
        if (state instanceof LeaderState) {
            return true; // it steps down by check-quorum when it has no majority
        }
        return state instanceof FollowerState follower && follower.inLease(nowNs, electionTimeoutNs);
    }

    private long nextElectionDeadline(long nowNs) {
        return nowNs + electionTimeoutNs + (long) (random.nextDouble() * electionTimeoutNs);
    }

    // ------------------------------------------------------------------ commit (§5.3, §5.4.2)

    /** Leader: advances the commit index to what a majority holds. Returns whether it moved. */
    boolean maybeCommit() {
        LeaderState leader = (LeaderState) state;
        long quorumIndex = MajorityQuorum.committedIndex(config.voters(), leader::matchIndex);
        if (quorumIndex <= commitIndex) {
            return false;
        }
        if (rules.follows(Rules.Rule.COMMIT_ONLY_CURRENT_TERM) && log.termAt(quorumIndex) != term) {
            return false; // §5.4.2: earlier terms' entries commit only under one of this term
        }
        commitIndex = quorumIndex;
        return true;
    }

    /** Follower: the leader says entries up to {@code index} are committed. */
    void commitTo(long index) {
        if (index > commitIndex || index < commitIndex && !rules.follows(Rules.Rule.COMMIT_INDEX_ONLY_FORWARD)) {
            if (index > log.lastIndex()) {
                throw new IllegalStateException("commit " + index + " past the last index " + log.lastIndex());
            }
            commitIndex = index;
        }
    }

    // ------------------------------------------------------------------ shared with the role classes

    RaftConfig config() {
        return config;
    }

    List<Integer> voters() {
        return voters;
    }

    Rules rules() {
        return rules;
    }

    RaftLog log() {
        return log;
    }

    int term() {
        return term;
    }

    long commitIndex() {
        return commitIndex;
    }

    long electionTimeoutNs() {
        return electionTimeoutNs;
    }

    long heartbeatIntervalNs() {
        return heartbeatIntervalNs;
    }

    byte[] durableSnapshotData() {
        return durableLog.snapshotData();
    }

    void send(RaftMessage message) {
        outbox.add(message);
    }

    private HardState currentHardState() {
        return new HardState(term, votedFor);
    }

    /** What goes to disk: the whole hard state, unless a planted fault forgets the vote. */
    private HardState persistable(HardState hardState) {
        if (rules.follows(Rules.Rule.PERSIST_VOTE)) {
            return hardState;
        }
        return new HardState(hardState.term(), HardState.NO_VOTE);
    }

    private boolean isVoter() {
        return config.voters().contains(config.nodeId());
    }

    private boolean isSoleVoter() {
        return config.voters().size() == 1 && isVoter();
    }
}
