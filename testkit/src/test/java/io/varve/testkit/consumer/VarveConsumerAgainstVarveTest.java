package io.varve.testkit.consumer;

import io.varve.testkit.EmbeddedVarve;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The consumer contract against an embedded Varve node. */
class VarveConsumerAgainstVarveTest extends ConsumerEndToEndContract {

    @TempDir
    static Path dir;
    private EmbeddedVarve varve;

    @Override
    String startBroker() throws Exception {
        varve = EmbeddedVarve.start(dir);
        return varve.bootstrapServers();
    }

    @Override
    void stopBroker() {
        if (varve != null) {
            varve.close();
        }
    }
}
