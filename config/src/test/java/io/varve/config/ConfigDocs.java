package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The one check behind every module's configuration doc test: docs/configuration.md carries each
 * definition's current {@link ConfigDef#markdownTable()} verbatim, so a property added, renamed or
 * re-documented in code fails the build until the page follows (STYLE: a change comes with the docs
 * page it changes). Shipped in varve-config's test-jar.
 */
public final class ConfigDocs {

    /** docs/configuration.md as seen from a module: surefire runs with the module directory as working directory. */
    public static final Path CONFIGURATION_MD = Path.of("..", "docs", "configuration.md");

    private ConfigDocs() {
    }

    /** Asserts that {@link #CONFIGURATION_MD} carries the table of each of {@code defs} verbatim. */
    public static void assertTablesInDoc(ConfigDef... defs) throws IOException {
        assertTablesInDoc(CONFIGURATION_MD, List.of(defs));
    }

    /** Asserts that {@code doc} carries the table of each of {@code defs} verbatim (line endings aside). */
    public static void assertTablesInDoc(Path doc, List<ConfigDef> defs) throws IOException {
        assertTrue(Files.isRegularFile(doc), "missing " + doc.toAbsolutePath().normalize());
        String text = Files.readString(doc, StandardCharsets.UTF_8).replace("\r\n", "\n");
        for (ConfigDef def : defs) {
            assertTrue(text.contains(def.markdownTable()),
                () -> doc.normalize() + " is out of date for \"" + def.title() + "\"; replace its table with:\n" + def.markdownTable());
        }
    }
}
