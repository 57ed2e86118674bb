package io.varve.broker.controller;

import io.varve.broker.loop.EventLoop;
import io.varve.broker.loop.LoopHandler;
import io.varve.broker.loop.LoopStarter;
import io.varve.common.Clock;
import io.varve.raft.controller.Controller;
import io.varve.raft.controller.ControllerProposal;
import io.varve.raft.controller.ControllerReply;
import io.varve.raft.controller.CreatePartitionsResult;
import io.varve.raft.controller.CreateTopicResult;
import io.varve.raft.controller.DeleteTopicResult;
import io.varve.raft.controller.NewPartitions;
import io.varve.raft.controller.NewTopic;
import io.varve.raft.controller.ProducerIdBlock;
import io.varve.raft.controller.TopicRef;
import io.varve.raft.log.AppendOutcome;
import io.varve.raft.metadata.MetadataImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's Singular Update Queue: one {@link EventLoop} owns the {@link Controller} and runs
 * commands in arrival order from a bounded queue, plus the timers of the active controller (leases).
 * A command that writes ({@link #propose}) is decided against the image, its records are proposed to
 * the quorum, and the loop goes on; when the quorum hands back their outcome (the commit event), the
 * loop applies them, publishes the new image to the node's {@link MetadataPublisher} (the broker role
 * opens or deletes logs to match), and only then completes the command's future, so a client that
 * created a topic can produce to it at once. One proposal is in flight at a time: the commands that
 * arrive meanwhile wait, in order, to be decided against an image that holds it.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; a full queue fails the command
 * with {@link ControllerBusyException} instead of blocking an event loop.
 */
public final class ControllerService implements ControllerChannel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerService.class);

    /** Commands waiting for the controller loop; beyond this, callers are told to retry. */
    public static final int MAX_QUEUED_COMMANDS = 1024;
    /** The longest wait for a proposal's outcome before it is answered as unknown (a backstop). */
    static final long PROPOSAL_TIMEOUT_MS = 60_000;

    private final Controller controller;
    private final MetadataPublisher images;
    private final IntSupplier activeController;
    private final EventLoop<Command> loop;
    private final AutoCloseable running;
    private final AtomicBoolean catchUpQueued = new AtomicBoolean();
    /** Outcomes handed back by the quorum (at most one per flight), taken at the end of a turn. */
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    /** Commands that came while a proposal was in flight: decided once it finished (loop only). */
    private final Deque<Command> held = new ArrayDeque<>();
    /** The proposal whose outcome the loop waits for, or null (loop only). */
    private Flight<?> inFlight;
    private MetadataImage published;
    private volatile LongConsumer commitListener = nanos -> { };
    private volatile ForwardingControllerChannel forwarding;
    private volatile Forwarder forwarder;

    /**
     * Where commands go when this node's controller is not the active one: producer-id allocation
     * (InitProducerId reaches any broker), topic creation (CreateTopics, auto-creation on Metadata),
     * and DeleteTopics and CreatePartitions (a client sends them to the controller Metadata names,
     * but a stale metadata cache, or a tool bootstrapped from one broker, reaches any node).
     */
    public interface Forwarder {
        /** Whether this node's controller is the active one (commands run here). */
        boolean isActive();

        CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId);

        CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly);

        CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics);

        CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly);
    }

    /** What the loop takes: a command on the controller, a command to propose, or a timer to set up. */
    private sealed interface Command permits Run, Propose, Every {
    }

    /**
     * A command that writes: decided against the image, its records proposed to the quorum, and
     * finished (applied, published, answered) when their outcome comes back, without the loop
     * waiting for the round in between.
     */
    private record Propose<R>(Function<Controller, ControllerProposal<R>> decide, CompletableFuture<R> result)
        implements Command {
    }

    /** The one proposal in flight, and when it started (the commit timer). */
    private record Flight<R>(Propose<R> command, ControllerProposal<R> proposal, long startNs) {
    }

    /** A proposal's outcome, handed back from the quorum's thread. */
    private record Outcome(Flight<?> flight, AppendOutcome outcome) {
    }

    /** A command on the controller, and the caller's future. */
    private record Run<R>(Function<Controller, ControllerReply<R>> body, CompletableFuture<R> result) implements Command {
    }

    /** A task to run every {@code periodNs} from now on. */
    private record Every(long periodNs, BiConsumer<Controller, Long> task) implements Command {
    }

    /**
     * A controller of a one-voter quorum: it is always the active controller.
     *
     * @param publisher called on the controller loop with each new image, in order
     */
    public ControllerService(Controller controller, int nodeId, Consumer<MetadataImage> publisher) {
        this(controller, () -> nodeId, publisher);
    }

    /**
     * A controller on its own thread, on the system clock.
     *
     * @param activeController the id of the active controller as this node knows it, or -1
     * @param publisher        called on the controller loop with each new image, in order
     */
    public ControllerService(Controller controller, IntSupplier activeController, Consumer<MetadataImage> publisher) {
        this(controller, activeController, asPublisher(controller, publisher), Clock.system(), LoopStarter.threads());
    }

    /**
     * @param activeController the id of the active controller as this node knows it, or -1
     * @param images           the node's image home: every image this controller applies is published there
     * @param clock            the loop's clock: the time of each command and timer
     * @param starter          runs the loop: a thread of its own, or a simulation's scheduler
     */
    public ControllerService(Controller controller, IntSupplier activeController, MetadataPublisher images, Clock clock,
                             LoopStarter starter) {
        this.controller = controller;
        this.activeController = activeController;
        this.images = images;
        this.published = controller.image();
        images.accept(published);
        this.loop = new EventLoop<>("varve-controller", MAX_QUEUED_COMMANDS, clock, new Handler());
        this.running = starter.start(loop);
    }

    /** Wraps a plain consumer as this service's own publisher (tests that watch the images themselves). */
    private static MetadataPublisher asPublisher(Controller controller, Consumer<MetadataImage> consumer) {
        if (consumer instanceof MetadataPublisher p) {
            return p;
        }
        MetadataPublisher p = new MetadataPublisher(controller.image());
        boolean[] current = {true};
        p.subscribe(image -> {
            if (current[0]) {
                current[0] = false; // the consumer is told of changes only, not of the image it started from
            } else {
                consumer.accept(image);
            }
        });
        return p;
    }

    /** Sends commands that must reach the active controller through {@code forwarder} while this node is not it. */
    public void forwardTo(Forwarder forwarder) {
        this.forwarding = new ForwardingControllerChannel(forwarder, images, activeController);
        this.forwarder = forwarder;
    }

    /** The channel to use for a command now: the forwarding one while another voter is active, else null (run here). */
    private ForwardingControllerChannel remote() {
        Forwarder f = forwarder;
        return f != null && !f.isActive() ? forwarding : null;
    }

    @Override
    public CompletableFuture<ProducerIdBlock> allocateProducerIds(int nodeId) {
        ForwardingControllerChannel remote = remote();
        return remote != null ? remote.allocateProducerIds(nodeId) : propose(c -> c.decideAllocateProducerIds(nodeId));
    }

    @Override
    public CompletableFuture<List<CreateTopicResult>> createTopics(List<NewTopic> topics, boolean validateOnly) {
        ForwardingControllerChannel remote = remote();
        return remote != null ? remote.createTopics(topics, validateOnly)
            : propose(c -> c.decideCreateTopics(topics, validateOnly));
    }

    @Override
    public CompletableFuture<List<DeleteTopicResult>> deleteTopics(List<TopicRef> topics) {
        ForwardingControllerChannel remote = remote();
        return remote != null ? remote.deleteTopics(topics) : propose(c -> c.decideDeleteTopics(topics));
    }

    @Override
    public CompletableFuture<List<CreatePartitionsResult>> createPartitions(List<NewPartitions> topics, boolean validateOnly) {
        ForwardingControllerChannel remote = remote();
        return remote != null ? remote.createPartitions(topics, validateOnly)
            : propose(c -> c.decideCreatePartitions(topics, validateOnly));
    }

    /** The active controller's node id as this node knows it, or -1 while there is none. */
    @Override
    public int activeControllerId() {
        return activeController.getAsInt();
    }

    /**
     * Asks the controller loop to apply records committed by the quorum (another leader's, or ones
     * this node's Raft log learned) and publish the image. Coalesced: at most one waits in the queue.
     * Never blocks; safe from the Raft loop.
     */
    public void requestCatchUp() {
        if (catchUpQueued.compareAndSet(false, true)) {
            submit(c -> {
                catchUpQueued.set(false);
                return new ControllerReply<>(null, c.catchUp());
            }).exceptionally(e -> {
                catchUpQueued.set(false);
                return null;
            });
        }
    }

    /** The last image published. */
    @Override
    public MetadataImage image() {
        return images.image();
    }

    /**
     * Runs {@code command} on the controller loop; the future completes with its response after
     * the resulting image has been published. A command that writes blocks the loop for its whole
     * quorum round this way: commands that write go through {@link #propose}.
     */
    public <R> CompletableFuture<R> submit(Function<Controller, ControllerReply<R>> command) {
        CompletableFuture<R> result = new CompletableFuture<>();
        offer(new Run<>(command, result), result);
        return result;
    }

    /**
     * Decides {@code decide} on the controller loop and proposes its records without waiting for
     * them: the loop goes on (timers, catch-ups) while the quorum commits, and the command is applied
     * on the commit event, its image published, then its future completed. Commands that arrive
     * meanwhile are decided after it, in order (one proposal in flight: each is decided against every
     * record before it).
     */
    public <R> CompletableFuture<R> propose(Function<Controller, ControllerProposal<R>> decide) {
        CompletableFuture<R> result = new CompletableFuture<>();
        offer(new Propose<>(decide, result), result);
        return result;
    }

    private void offer(Command command, CompletableFuture<?> result) {
        if (!loop.offer(command)) {
            result.completeExceptionally(loop.isClosed() ? new IllegalStateException("the controller stopped")
                : new ControllerBusyException(MAX_QUEUED_COMMANDS));
        }
    }

    /**
     * Runs {@code task} on the controller loop every {@code periodMs}, with the controller and the
     * loop's time in milliseconds; the image it leaves is published. The active controller's lease
     * timer. Call once the service is built; the task runs until close.
     */
    public void every(long periodMs, BiConsumer<Controller, Long> task) {
        if (!loop.offer(new Every(TimeUnit.MILLISECONDS.toNanos(periodMs), task))) {
            throw new IllegalStateException("the controller loop refused a timer: " + loop);
        }
    }

    /** Sets who is told how long each command that committed metadata records took (the commit timer). */
    public void onCommit(LongConsumer listener) {
        this.commitListener = Objects.requireNonNull(listener, "listener");
    }

    private void publish(MetadataImage image) {
        if (image != published) {
            images.accept(image); // a subscriber that fails leaves the image unpublished: the next command retries it
            published = image;
        }
    }

    /** The loop's side: each command decides against everything committed, whoever committed it. */
    private final class Handler implements LoopHandler<Command> {
        @Override
        public void onCommand(Command command, long nowNs) {
            if (command instanceof Every e) {
                startTimer(e, nowNs);
            } else if (inFlight != null) {
                if (held.size() >= MAX_QUEUED_COMMANDS) {
                    fail(command, new ControllerBusyException(MAX_QUEUED_COMMANDS));
                } else {
                    held.addLast(command);
                }
            } else {
                execute(command, nowNs);
            }
        }

        private void execute(Command command, long nowNs) {
            if (command instanceof Run<?> r) {
                run(r);
            } else if (command instanceof Propose<?> p) {
                decide(p, nowNs);
            }
        }

        private void startTimer(Every e, long nowNs) {
            loop.every(nowNs, e.periodNs(), timeNs -> {
                if (inFlight != null) {
                    return; // decided against an image without the records in flight: wait for the next tick
                }
                try {
                    e.task().accept(controller, TimeUnit.NANOSECONDS.toMillis(timeNs));
                    publish(controller.image());
                } catch (RuntimeException failure) {
                    LOG.error("A controller timer failed a turn", failure);
                }
            });
        }

        private <R> void run(Run<R> command) {
            try {
                publish(controller.catchUp());
                long startNs = System.nanoTime();
                ControllerReply<R> reply = command.body().apply(controller);
                if (reply.image() != published) {
                    commitListener.accept(System.nanoTime() - startNs); // records committed
                }
                publish(reply.image());
                command.result().complete(reply.response());
            } catch (RuntimeException | Error e) {
                LOG.error("Controller command failed", e);
                command.result().completeExceptionally(e);
            }
        }

        private <R> void decide(Propose<R> command, long nowNs) {
            try {
                publish(controller.catchUp());
                ControllerProposal<R> proposal = command.decide().apply(controller);
                if (proposal.isReady()) {
                    publish(proposal.reply().image());
                    command.result().complete(proposal.reply().response());
                    return;
                }
                Flight<R> flight = new Flight<>(command, proposal, System.nanoTime());
                inFlight = flight;
                controller.propose(proposal, outcome -> {
                    outcomes.add(new Outcome(flight, outcome));
                    loop.wake();
                });
                // A backstop: the quorum answers every proposal (Raft expires it at its request timeout).
                loop.schedule(nowNs + TimeUnit.MILLISECONDS.toNanos(PROPOSAL_TIMEOUT_MS), timeNs -> {
                    if (inFlight == flight) {
                        LOG.warn("No outcome for a proposal within {} ms; answering as not committed", PROPOSAL_TIMEOUT_MS);
                        finish(flight, AppendOutcome.notCommitted(AppendOutcome.Status.NOT_LEADER,
                            "no outcome in time; the outcome is unknown"));
                    }
                });
            } catch (RuntimeException | Error e) {
                LOG.error("Controller command failed", e);
                inFlight = null;
                command.result().completeExceptionally(e);
            }
        }

        private <R> void finish(Flight<R> flight, AppendOutcome outcome) {
            inFlight = null;
            try {
                ControllerReply<R> reply = controller.finish(flight.proposal(), outcome);
                if (outcome.isCommitted()) {
                    commitListener.accept(System.nanoTime() - flight.startNs());
                }
                publish(reply.image());
                flight.command().result().complete(reply.response());
            } catch (RuntimeException | Error e) {
                LOG.error("Finishing a controller command failed", e);
                flight.command().result().completeExceptionally(e);
            }
        }

        /** Takes the outcome handed back, if any, then decides the commands held meanwhile. */
        @Override
        public int onTurnEnd(long nowNs) {
            int work = 0;
            Outcome o;
            while ((o = outcomes.poll()) != null) {
                if (o.flight() == inFlight) {
                    finish(o.flight(), o.outcome());
                    work++;
                } // else: the backstop already answered it
            }
            while (inFlight == null && !held.isEmpty() && work < EventLoop.MAX_COMMANDS_PER_TURN) {
                execute(held.pollFirst(), nowNs);
                work++;
            }
            return work;
        }

        @Override
        public boolean hasPendingWork() {
            return !outcomes.isEmpty() || (inFlight == null && !held.isEmpty());
        }

        @Override
        public void onUnhandled(Command command) {
            fail(command, new IllegalStateException("the controller stopped"));
        }

        @Override
        public void onClose() {
            Flight<?> flight = inFlight;
            inFlight = null;
            if (flight != null) {
                flight.command().result().completeExceptionally(new IllegalStateException("the controller stopped"));
            }
            Command c;
            while ((c = held.pollFirst()) != null) {
                fail(c, new IllegalStateException("the controller stopped"));
            }
        }

        private void fail(Command command, RuntimeException why) {
            if (command instanceof Run<?> r) {
                r.result().completeExceptionally(why);
            } else if (command instanceof Propose<?> p) {
                p.result().completeExceptionally(why);
            }
        }
    }

    /** Stops the loop after its current command; commands still queued fail. The owner closes the controller. */
    @Override
    public void close() {
        try {
            running.close();
        } catch (Exception e) {
            LOG.warn("Stopping the controller loop failed", e);
        }
    }

    /** The controller's queue is full: the caller should answer with a retriable error. */
    public static final class ControllerBusyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ControllerBusyException(int limit) {
            super("the controller has " + limit + " commands queued", null, false, false);
        }
    }
}
