package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the operator's reference: it must carry each definition's current table
 * verbatim, so a property added, renamed or re-documented in code fails the build until the page
 * follows (STYLE: a change comes with the docs page it changes).
 */
class ConfigurationDocTest {

    /** Surefire runs with the module directory as working directory. */
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    private static final List<ConfigDef> DEFS = List.of(BrokerConfig.DEF, ControllerQuorumConfig.DEF, StorageConfig.DEF,
        LogConfig.DEF, ClientConfig.DEF, MetricsConfig.DEF);

    @Test
    void docCarriesEveryDefinitionsTableVerbatim() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "missing " + DOC.toAbsolutePath().normalize());
        String doc = Files.readString(DOC, StandardCharsets.UTF_8).replace("\r\n", "\n");
        for (ConfigDef def : DEFS) {
            assertTrue(doc.contains(def.markdownTable()),
                () -> DOC.normalize() + " is out of date for \"" + def.title() + "\"; replace its table with:\n" + def.markdownTable());
        }
    }
}
