package io.varve.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The shared doc check passes on a page that carries the table and fails, naming the table, on one that does not. */
class ConfigDocsTest {

    private static final ConfigDef DEF = new ConfigDef("Widgets")
        .define("widget.count", ConfigDef.Type.INT, 3, "widgets", 1L, 10L, "how many widgets");

    @TempDir
    Path dir;

    @Test
    void acceptsAPageCarryingTheTableWithWindowsLineEndings() throws IOException {
        Path doc = dir.resolve("configuration.md");
        Files.writeString(doc, ("# Config\n\n" + DEF.markdownTable() + "\nmore\n").replace("\n", "\r\n"), StandardCharsets.UTF_8);
        ConfigDocs.assertTablesInDoc(doc, List.of(DEF));
    }

    @Test
    void refusesAStaleTableAndAMissingPage() throws IOException {
        Path doc = dir.resolve("configuration.md");
        Files.writeString(doc, DEF.markdownTable().replace("how many widgets", "how many gadgets"), StandardCharsets.UTF_8);
        AssertionFailedError stale = assertThrows(AssertionFailedError.class, () -> ConfigDocs.assertTablesInDoc(doc, List.of(DEF)));
        assertTrue(stale.getMessage().contains("\"Widgets\""), stale.getMessage());
        assertTrue(stale.getMessage().contains("how many widgets"), stale.getMessage());
        assertThrows(AssertionFailedError.class, () -> ConfigDocs.assertTablesInDoc(dir.resolve("absent.md"), List.of(DEF)));
    }
}
