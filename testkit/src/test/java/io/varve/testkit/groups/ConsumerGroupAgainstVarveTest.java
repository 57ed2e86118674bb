package io.varve.testkit.groups;

import io.varve.testkit.EmbeddedVarve;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The consumer group contract against an embedded Varve node and its group coordinator. */
class ConsumerGroupAgainstVarveTest extends ConsumerGroupContract {

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
