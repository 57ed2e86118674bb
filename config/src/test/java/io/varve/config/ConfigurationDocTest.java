package io.varve.config;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the operator's reference: it must carry each definition's current table
 * verbatim, so a property added, renamed or re-documented in code fails the build until the page
 * follows (STYLE: a change comes with the docs page it changes). The other modules check their own
 * definitions with the same {@link ConfigDocs}.
 */
class ConfigurationDocTest {

    private static final List<ConfigDef> DEFS = List.of(BrokerConfig.DEF, ControllerQuorumConfig.DEF, StorageConfig.DEF,
        LogConfig.DEF, ClientConfig.DEF, MetricsConfig.DEF);

    @Test
    void docCarriesEveryDefinitionsTableVerbatim() throws IOException {
        ConfigDocs.assertTablesInDoc(ConfigDocs.CONFIGURATION_MD, DEFS);
    }
}
