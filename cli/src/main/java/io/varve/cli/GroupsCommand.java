package io.varve.cli;

import io.varve.client.admin.AdminException;
import io.varve.client.admin.GroupDescription;
import io.varve.client.admin.ListedOffset;
import io.varve.client.admin.OffsetSpec;
import io.varve.client.admin.TopicDescription;
import io.varve.client.admin.VarveAdmin;
import io.varve.common.TopicPartition;
import io.varve.config.ConfigException;
import io.varve.protocol.Errors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code varve groups list|describe|reset-offsets|delete}: consumer group administration through
 * {@link VarveAdmin}, against Varve or any Kafka broker, in the manner of Kafka's
 * {@code kafka-consumer-groups.sh}. {@code describe} prints one line per partition with the group's
 * committed offset, the log end offset, the lag and the member that owns it; {@code reset-offsets}
 * prints the plan and applies it only with {@code --execute} (the group must have no members).
 * Exit status 0 done, 1 the operation failed (with the broker's error), 2 bad usage.
 *
 * <p>Not thread-safe; one call runs one command.
 */
public final class GroupsCommand {

    static final String USAGE = """
        usage: varve groups <action> [--bootstrap-server HOST:PORT] [--timeout-ms MS]
          list                                       every group, with its state
          describe --group G                         per partition: committed offset, log end, lag, owner
          reset-offsets --group G --topic T (--to-earliest | --to-latest | --to-offset N) [--execute]
                                                     print the new offsets; set them with --execute (group must be empty)
          delete --group G                           delete an empty group and its offsets
        """;

    private static final long GRACE_MS = 5_000L;
    private static final Set<String> WITH_VALUE = Set.of("--bootstrap-server", "--timeout-ms", "--group", "--topic", "--to-offset");
    private static final Set<String> FLAGS = Set.of("--to-earliest", "--to-latest", "--execute", "--help");

    private final PrintStream out;
    private final long waitMs;

    private GroupsCommand(PrintStream out, long timeoutMs) {
        this.out = out;
        this.waitMs = timeoutMs + GRACE_MS;
    }

    /** Runs {@code varve groups <args>}, writing results to {@code out} and errors and usage to {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? TopicsCommand.USAGE : TopicsCommand.OK;
        }
        String action = args[0];
        Args a;
        try {
            a = Args.parse(Arrays.copyOfRange(args, 1, args.length), WITH_VALUE, FLAGS);
            checkUsage(action, a);
        } catch (Args.UsageException e) {
            err.println("varve groups: " + e.getMessage());
            err.print(USAGE);
            return TopicsCommand.USAGE;
        }
        long timeoutMs = a.getLong("--timeout-ms", 30_000L);
        VarveAdmin admin;
        try {
            admin = new VarveAdmin(Map.of("bootstrap.servers", a.get("--bootstrap-server", Varve.DEFAULT_BOOTSTRAP),
                "default.api.timeout.ms", String.valueOf(timeoutMs),
                "request.timeout.ms", String.valueOf(Math.min(timeoutMs, 30_000L)),
                "client.id", "varve-groups"));
        } catch (ConfigException e) {
            err.println("varve groups: " + e.getMessage());
            err.print(USAGE);
            return TopicsCommand.USAGE;
        }
        try (admin) {
            new GroupsCommand(out, timeoutMs).execute(admin, action, a);
            return TopicsCommand.OK;
        } catch (AdminException e) {
            String message = e.getMessage();
            err.println("Error: " + (message.contains(e.error().name()) ? message : message + " (" + e.error().name() + ")"));
            return TopicsCommand.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("Error: interrupted");
            return TopicsCommand.FAILED;
        }
    }

    private static void checkUsage(String action, Args a) {
        switch (action) {
            case "list":
                break;
            case "describe":
            case "delete":
                a.required("--group");
                break;
            case "reset-offsets":
                a.required("--group");
                a.required("--topic");
                int targets = (a.has("--to-earliest") ? 1 : 0) + (a.has("--to-latest") ? 1 : 0) + (a.has("--to-offset") ? 1 : 0);
                if (targets != 1) {
                    throw new Args.UsageException("reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset");
                }
                if (a.has("--to-offset") && a.getLong("--to-offset", -1) < 0) {
                    throw new Args.UsageException("--to-offset must be >= 0");
                }
                break;
            default:
                throw new Args.UsageException("unknown action " + action);
        }
        if (a.getLong("--timeout-ms", 30_000L) <= 0) {
            throw new Args.UsageException("--timeout-ms must be positive");
        }
    }

    private void execute(VarveAdmin admin, String action, Args a) throws InterruptedException {
        switch (action) {
            case "list" -> await(admin.listGroups()).forEach(g -> out.println(g.groupId() + "\t" + g.state()));
            case "describe" -> describe(admin, a.required("--group"));
            case "reset-offsets" -> reset(admin, a);
            case "delete" -> {
                String group = a.required("--group");
                await(admin.deleteGroup(group));
                out.println("Deleted group " + group + ".");
            }
            default -> throw new IllegalStateException("checked an unknown action: " + action);
        }
    }

    private void describe(VarveAdmin admin, String group) throws InterruptedException {
        GroupDescription d = await(admin.describeGroup(group));
        Map<TopicPartition, Long> committed = await(admin.listGroupOffsets(group));
        Map<TopicPartition, GroupDescription.Member> owners = new TreeMap<>();
        d.members().forEach(m -> m.assignment().forEach(tp -> owners.put(tp, m)));
        Set<TopicPartition> partitions = new TreeSet<>(committed.keySet());
        partitions.addAll(owners.keySet());
        Map<TopicPartition, Long> ends = logEnds(admin, partitions);
        out.println("Group " + group + " is " + d.state() + " (" + d.members().size() + " members, assignor "
            + (d.protocol().isEmpty() ? "none" : d.protocol()) + ")");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"});
        for (TopicPartition tp : partitions) {
            Long current = committed.get(tp);
            Long end = ends.get(tp);
            GroupDescription.Member m = owners.get(tp);
            rows.add(new String[] {group, tp.topic(), String.valueOf(tp.partition()), current == null ? "-" : current.toString(),
                end == null ? "-" : end.toString(), current == null || end == null ? "-" : String.valueOf(Math.max(0, end - current)),
                m == null ? "-" : m.memberId(), m == null ? "-" : m.host(), m == null ? "-" : m.clientId()});
        }
        printTable(rows);
    }

    private Map<TopicPartition, Long> logEnds(VarveAdmin admin, Set<TopicPartition> partitions) throws InterruptedException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.LATEST));
        Map<TopicPartition, Long> out = new TreeMap<>();
        await(admin.listOffsets(specs)).forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    private void reset(VarveAdmin admin, Args a) throws InterruptedException {
        String group = a.required("--group");
        String topic = a.required("--topic");
        TopicDescription t = await(admin.describeTopics(List.of(topic))).get(topic);
        Map<TopicPartition, Long> target = new TreeMap<>();
        if (a.has("--to-offset")) {
            long offset = a.getLong("--to-offset", 0);
            t.partitions().forEach(p -> target.put(new TopicPartition(topic, p.partition()), offset));
        } else {
            Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
            OffsetSpec spec = a.has("--to-earliest") ? OffsetSpec.EARLIEST : OffsetSpec.LATEST;
            t.partitions().forEach(p -> specs.put(new TopicPartition(topic, p.partition()), spec));
            Map<TopicPartition, ListedOffset> found = await(admin.listOffsets(specs));
            found.forEach((tp, o) -> target.put(tp, o.offset()));
        }
        out.println("GROUP\tTOPIC\tPARTITION\tNEW-OFFSET");
        target.forEach((tp, offset) -> out.println(group + "\t" + tp.topic() + "\t" + tp.partition() + "\t" + offset));
        if (a.has("--execute")) {
            await(admin.alterGroupOffsets(group, target));
            out.println("Reset the offsets of group " + group + " on " + topic + ".");
        } else {
            out.println("Dry run: nothing changed; add --execute to apply.");
        }
    }

    private void printTable(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AdminException(Errors.REQUEST_TIMED_OUT, "no answer within " + waitMs + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AdminException ae) {
                throw ae;
            }
            throw new AdminException(Errors.UNKNOWN_SERVER_ERROR, String.valueOf(e.getCause()), e.getCause());
        }
    }
}
