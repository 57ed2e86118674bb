package io.varve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.common.TopicPartition;
import io.varve.consumer.ByteArrayDeserializer;
import io.varve.consumer.OffsetAndMetadata;
import io.varve.consumer.VarveConsumer;
import io.varve.producer.ProducerRecord;
import io.varve.producer.Serializers;
import io.varve.producer.VarveProducer;
import io.varve.testkit.EmbeddedVarve;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code varve groups} run in-process against an embedded node and its group coordinator. */
class GroupsCommandTest {

    @TempDir
    static Path dir;
    static EmbeddedVarve varve;
    static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        varve = EmbeddedVarve.start(dir);
        bootstrap = varve.bootstrapServers();
    }

    @AfterAll
    static void stop() {
        varve.close();
    }

    record Run(int status, String out, String err) {
    }

    static Run varve(String... args) {
        return varveWithInput("", args);
    }

    @Test
    void describeShowsLagAndResetOffsetsMovesAnEmptyGroup() throws Exception {
        assertEquals(0, varve("topics", "create", "--topic", "lagged", "--partitions", "2", "--bootstrap-server", bootstrap).status());
        // Four records in partition 0, two in partition 1.
        try (VarveProducer<String, String> p = new VarveProducer<>(Map.of("bootstrap.servers", bootstrap),
                Serializers.string(), Serializers.string())) {
            for (int i = 0; i < 6; i++) {
                p.send(new ProducerRecord<>("lagged", i < 4 ? 0 : 1, null, null, "v" + i, List.of())).get(30, TimeUnit.SECONDS);
            }
        }
        // The group commits offset 1 on partition 0 and nothing on partition 1.
        try (VarveConsumer<byte[], byte[]> c = new VarveConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "cli-group",
                "enable.auto.commit", "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(List.of(new TopicPartition("lagged", 0)));
            c.commitSync(Map.of(new TopicPartition("lagged", 0), new OffsetAndMetadata(1)));
        }
        Run list = varve("groups", "list", "--bootstrap-server", bootstrap);
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("cli-group\t")), list.out());

        Run described = varve("groups", "describe", "--group", "cli-group", "--bootstrap-server", bootstrap);
        assertEquals(0, described.status(), described.err());
        List<String> lines = described.out().lines().toList();
        assertTrue(lines.get(1).matches("GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID"), lines.get(1));
        assertEquals(List.of("cli-group", "lagged", "0", "1", "4", "3", "-", "-", "-"), List.of(lines.get(2).split(" +")));

        Run dryRun = varve("groups", "reset-offsets", "--group", "cli-group", "--topic", "lagged", "--to-earliest",
            "--bootstrap-server", bootstrap);
        assertEquals(0, dryRun.status(), dryRun.err());
        assertTrue(dryRun.out().contains("cli-group\tlagged\t0\t0"), dryRun.out());
        assertTrue(dryRun.out().contains("Dry run"), dryRun.out());
        assertTrue(varve("groups", "describe", "--group", "cli-group", "--bootstrap-server", bootstrap).out()
            .lines().anyMatch(l -> l.split(" +").length > 3 && l.split(" +")[3].equals("1")), "a dry run changes nothing");

        Run executed = varve("groups", "reset-offsets", "--group", "cli-group", "--topic", "lagged", "--to-offset", "2", "--execute",
            "--bootstrap-server", bootstrap);
        assertEquals(0, executed.status(), executed.err());
        List<String> after = varve("groups", "describe", "--group", "cli-group", "--bootstrap-server", bootstrap).out().lines().toList();
        assertEquals("2", after.get(2).split(" +")[3]);
        assertEquals("2", after.get(3).split(" +")[3]);

        Run deleted = varve("groups", "delete", "--group", "cli-group", "--bootstrap-server", bootstrap);
        assertEquals(0, deleted.status(), deleted.err());
        Run again = varve("groups", "delete", "--group", "cli-group", "--bootstrap-server", bootstrap);
        assertEquals(1, again.status());
        assertTrue(again.err().contains("GROUP_ID_NOT_FOUND"), again.err());
    }

    @Test
    void badUsageExitsWithTwo() {
        assertEquals(2, varve("groups").status());
        assertEquals(2, varve("groups", "describe").status());
        assertEquals(2, varve("groups", "reset-offsets", "--group", "g", "--topic", "t").status());
        assertEquals(2, varve("groups", "reset-offsets", "--group", "g", "--topic", "t", "--to-earliest", "--to-latest").status());
        assertEquals(2, varve("groups", "frobnicate").status());
        assertEquals(0, varve("groups", "--help").status());
        assertTrue(varve("help").out().contains("groups list|describe|reset-offsets|delete"));
    }

    static Run varveWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Varve.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
