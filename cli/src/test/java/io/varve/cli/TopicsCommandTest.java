package io.varve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.testkit.EmbeddedVarve;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code varve topics} run in-process against an embedded Varve node: output and exit statuses. */
class TopicsCommandTest {

    @TempDir
    static Path dir;
    static EmbeddedVarve varve;

    @BeforeAll
    static void start() throws Exception {
        varve = EmbeddedVarve.start(dir);
    }

    @AfterAll
    static void stop() {
        varve.close();
    }

    /** One run of the command: its exit status and what it wrote. */
    record Run(int status, String out, String err) {
    }

    static Run varve(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Varve.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Run topics(String... args) {
        List<String> all = new ArrayList<>(List.of("topics"));
        all.addAll(List.of(args));
        all.addAll(List.of("--bootstrap-server", varve.bootstrapServers()));
        return varve(all.toArray(String[]::new));
    }

    @Test
    void createsListsDescribesAndDeletesATopic() {
        Run created = topics("create", "--topic", "orders", "--partitions", "3", "--replication-factor", "1",
            "--config", "retention.ms=3600000", "--config", "segment.bytes=1048576");
        assertEquals(0, created.status(), created.err());
        assertEquals("Created topic orders.\n", created.out());

        Run list = topics("list");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().lines().anyMatch("orders"::equals), list.out());

        Run describe = topics("describe", "--topic", "orders");
        assertEquals(0, describe.status(), describe.err());
        List<String> lines = describe.out().lines().toList();
        assertEquals(4, lines.size(), describe.out());
        assertTrue(Pattern.matches("Topic: orders\tTopicId: [0-9a-f-]{36}\tPartitionCount: 3\tReplicationFactor: 1\t"
            + "Configs: retention.ms=3600000,segment.bytes=1048576", lines.get(0)), lines.get(0));
        for (int p = 0; p < 3; p++) {
            assertEquals("\tTopic: orders\tPartition: " + p + "\tLeader: 1\tReplicas: 1\tIsr: 1", lines.get(p + 1));
        }

        Run deleted = topics("delete", "--topic", "orders");
        assertEquals(0, deleted.status(), deleted.err());
        assertEquals("Deleted topic orders.\n", deleted.out());
        assertFalse(topics("list").out().lines().anyMatch("orders"::equals));
    }

    @Test
    void describesEveryTopicWithoutATopicAndUsesBrokerDefaults() {
        assertEquals(0, topics("create", "--topic", "alpha").status());
        assertEquals(0, topics("create", "--topic", "beta", "--partitions=2").status());
        Run describe = topics("describe");
        assertEquals(0, describe.status(), describe.err());
        assertTrue(describe.out().contains("Topic: alpha\tTopicId: "), describe.out());
        assertTrue(describe.out().contains("PartitionCount: 1\tReplicationFactor: 1\tConfigs: \n"), describe.out());
        assertTrue(describe.out().contains("\tTopic: beta\tPartition: 1\tLeader: 1"), describe.out());
    }

    @Test
    void failedOperationsExitWithOneAndTheBrokersError() {
        assertEquals(0, topics("create", "--topic", "taken").status());
        Run again = topics("create", "--topic", "taken");
        assertEquals(1, again.status());
        assertTrue(again.err().startsWith("Error: ") && again.err().contains("TOPIC_ALREADY_EXISTS"), again.err());
        assertEquals("", again.out());

        Run missing = topics("delete", "--topic", "missing");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("UNKNOWN_TOPIC_OR_PARTITION"), missing.err());

        Run describeMissing = topics("describe", "--topic", "missing");
        assertEquals(1, describeMissing.status());
        assertTrue(describeMissing.err().contains("UNKNOWN_TOPIC_OR_PARTITION"), describeMissing.err());

        Run badConfig = topics("create", "--topic", "bad-config", "--config", "retention.ms=soon");
        assertEquals(1, badConfig.status());
        assertTrue(badConfig.err().contains("INVALID_CONFIG"), badConfig.err());

        Run badName = topics("create", "--topic", "bad/name");
        assertEquals(1, badName.status());
        assertTrue(badName.err().contains("INVALID_TOPIC_EXCEPTION"), badName.err());
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeout() throws Exception {
        String dead;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            dead = "127.0.0.1:" + s.getLocalPort();
        }
        Run run = varve("topics", "list", "--bootstrap-server", dead, "--timeout-ms", "300");
        assertEquals(1, run.status());
        assertTrue(run.err().contains("REQUEST_TIMED_OUT"), run.err());
    }

    @Test
    void badUsageExitsWithTwoAndTheUsage() {
        String[][] bad = {
            {"topics"},
            {"topics", "rename"},
            {"topics", "create"},
            {"topics", "delete"},
            {"topics", "create", "--topic", "t", "--partitions", "zero"},
            {"topics", "create", "--topic", "t", "--partitions", "0"},
            {"topics", "create", "--topic", "t", "--config", "novalue"},
            {"topics", "list", "--partitions", "3"},
            {"topics", "list", "--topic", "t"},
            {"topics", "list", "--bogus", "1"},
            {"topics", "list", "--bogus"},
            {"topics", "describe", "--topic"},
            {"topics", "list", "extra"},
            {"topics", "list", "--bootstrap-server", "no-port"},
            {"nonsense"},
            {},
        };
        for (String[] args : bad) {
            Run run = varve(args);
            assertEquals(2, run.status(), () -> String.join(" ", args) + " -> " + run.err());
            assertTrue(run.err().contains("usage: varve"), () -> String.join(" ", args) + " -> " + run.err());
            assertEquals("", run.out());
        }
    }

    @Test
    void badUsageSaysWhatIsWrongFirst() {
        assertTrue(varve("topics", "list", "--bogus").err().startsWith("varve topics: unknown option --bogus\n"));
        assertTrue(varve("topics", "create").err().startsWith("varve topics: create needs --topic\n"));
        assertTrue(varve("topics", "create", "--topic", "t", "--partitions", "-3").err()
            .startsWith("varve topics: --partitions must be a positive number, got '-3'\n"));
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        Run topicsHelp = varve("topics", "--help");
        assertEquals(0, topicsHelp.status());
        assertTrue(topicsHelp.out().contains("usage: varve topics <action>"));
        Run help = varve("help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("topics create|list|describe|delete"));
    }
}
