package io.varve.testkit.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varve.client.admin.NewTopic;
import io.varve.client.admin.VarveAdmin;
import io.varve.testkit.EmbeddedVarve;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VarveAdmin} against a Varve node. */
class VarveAdminAgainstVarveTest extends VarveAdminContract {

    @TempDir
    static Path dir;
    static EmbeddedVarve varve;

    @BeforeAll
    static void startVarve() throws Exception {
        varve = EmbeddedVarve.start(dir);
    }

    @AfterAll
    static void stopVarve() {
        varve.close();
    }

    @Override
    String bootstrapServers() {
        return varve.bootstrapServers();
    }

    @Test
    void carriesOnAcrossARestartOfTheNode() throws Exception {
        await(admin.createTopics(List.of(NewTopic.of("durable", 2))).all());
        varve.restart();
        // The admin's connection died with the node: the next calls reconnect, retrying within the timeout.
        assertTrue(await(admin.listTopics()).contains("durable"));
        assertEquals(2, awaitDescription("durable", 2).partitions().size());
        await(admin.deleteTopics(List.of("durable")).all());
    }
}
