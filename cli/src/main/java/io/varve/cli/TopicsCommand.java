package io.varve.cli;

import io.varve.client.admin.AdminException;
import io.varve.client.admin.NewTopic;
import io.varve.client.admin.TopicDescription;
import io.varve.client.admin.VarveAdmin;
import io.varve.config.ConfigException;
import io.varve.protocol.Errors;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * {@code varve topics create|list|describe|delete}: topic administration through
 * {@link VarveAdmin}, against Varve or any Kafka broker. {@link #run} is the whole command: it
 * writes to the streams it is given and returns the exit status (0 done, 1 the operation failed,
 * with the broker's error, 2 bad usage), so tests run it in-process without {@code System.exit}.
 *
 * <p>Not thread-safe; one call runs one command.
 */
public final class TopicsCommand {

    /** Exit status: done. */
    public static final int OK = 0;
    /** Exit status: the broker refused, or could not be reached within the timeout. */
    public static final int FAILED = 1;
    /** Exit status: the command line is not valid. */
    public static final int USAGE = 2;

    /** Slack over the admin's own timeout before the command stops waiting for it. */
    private static final long GRACE_MS = 5_000L;

    private final PrintStream out;
    private final long waitMs;

    private TopicsCommand(PrintStream out, long timeoutMs) {
        this.out = out;
        this.waitMs = timeoutMs + GRACE_MS;
    }

    /** Runs {@code varve topics <args>}, writing results to {@code out} and errors and usage to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        TopicsArgs parsed = TopicsArgs.parse(args);
        if (parsed.error() != null) {
            err.println("varve topics: " + parsed.error());
            err.print(TopicsArgs.USAGE);
            return USAGE;
        }
        if (parsed.help()) {
            out.print(TopicsArgs.USAGE);
            return OK;
        }
        VarveAdmin admin;
        try {
            admin = new VarveAdmin(Map.of("bootstrap.servers", parsed.bootstrapServer(),
                "default.api.timeout.ms", String.valueOf(parsed.timeoutMs()),
                "request.timeout.ms", String.valueOf(Math.min(parsed.timeoutMs(), 30_000L)),
                "client.id", "varve-topics"));
        } catch (ConfigException e) {
            err.println("varve topics: " + e.getMessage());
            err.print(TopicsArgs.USAGE);
            return USAGE;
        }
        try (admin) {
            return new TopicsCommand(out, parsed.timeoutMs()).execute(admin, parsed);
        } catch (AdminException e) {
            err.println("Error: " + describe(e));
            return FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Error: interrupted");
            return FAILED;
        }
    }

    private int execute(VarveAdmin admin, TopicsArgs a) throws InterruptedException {
        switch (a.action()) {
            case "create" -> {
                NewTopic topic = new NewTopic(a.topic(), a.partitions(), a.replicationFactor(), a.configs());
                await(admin.createTopics(List.of(topic)).get(a.topic()));
                out.println("Created topic " + a.topic() + ".");
            }
            case "delete" -> {
                await(admin.deleteTopics(List.of(a.topic())).get(a.topic()));
                out.println("Deleted topic " + a.topic() + ".");
            }
            case "list" -> await(admin.listTopics()).forEach(out::println);
            case "describe" -> {
                List<String> topics = a.topic() != null ? List.of(a.topic()) : List.copyOf(await(admin.listTopics()));
                Map<String, TopicDescription> described = await(admin.describeTopics(topics));
                for (String name : topics) {
                    print(described.get(name), await(admin.describeTopicConfigOverrides(name)));
                }
            }
            default -> throw new IllegalStateException("parsed an unknown action: " + a.action());
        }
        return OK;
    }

    private void print(TopicDescription t, Map<String, String> overrides) {
        int replicationFactor = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
        String configs = overrides.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
        out.println("Topic: " + t.name() + "\tTopicId: " + t.topicId() + "\tPartitionCount: " + t.partitions().size()
            + "\tReplicationFactor: " + replicationFactor + "\tConfigs: " + configs);
        for (TopicDescription.PartitionDescription p : t.partitions()) {
            out.println("\tTopic: " + t.name() + "\tPartition: " + p.partition()
                + "\tLeader: " + (p.leaderId() < 0 ? "none" : p.leaderId())
                + "\tReplicas: " + join(p.replicas()) + "\tIsr: " + join(p.isr()));
        }
    }

    private static String join(List<Integer> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** The message, and the Kafka error's name when the message does not already say it. */
    private static String describe(AdminException e) {
        String message = e.getMessage();
        Errors error = e.error();
        return message.contains(error.name()) ? message : message + " (" + error.name() + ")";
    }

    /**
     * The future's value; its {@link AdminException} is rethrown as is. The admin fails the future at
     * its own timeout; the wait here is bounded too, in case it does not.
     */
    private <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AdminException(Errors.REQUEST_TIMED_OUT, "no answer within " + waitMs + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AdminException a) {
                throw a;
            }
            throw new AdminException(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(e.getCause()), e.getCause());
        }
    }
}
