package io.varve.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code varve server [--config FILE] [--override name=value]...}: what the arguments turn into. */
class VarveMainTest {

    @TempDir
    Path dir;

    private Path config(String... lines) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void noArgumentsIsTheEmbeddedDefault() throws Exception {
        assertEquals(Map.of(), VarveMain.parse(new String[0]));
    }

    @Test
    void aConfigFileIsReadAsPropertiesWithValuesTrimmed() throws Exception {
        Path file = config("# a comment", "node.id = 3", "log.dirs=/data/varve   ", "listeners=PLAINTEXT://:9092");

        Map<String, String> props = VarveMain.parse(new String[] {"--config", file.toString()});

        assertEquals(Map.of("node.id", "3", "log.dirs", "/data/varve", "listeners", "PLAINTEXT://:9092"), props);
    }

    @Test
    void overridesApplyInOrderAfterTheFile() throws Exception {
        Path file = config("node.id=3", "log.dirs=/data/varve");

        Map<String, String> props = VarveMain.parse(new String[] {"--config", file.toString(),
            "--override", "node.id=4", "--override", " num.network.threads = 2 ", "--override", "node.id=5"});

        assertEquals(Map.of("node.id", "5", "log.dirs", "/data/varve", "num.network.threads", "2"), props);
    }

    @Test
    void anOverrideValueMayHoldEqualsSignsAndBeEmpty() throws Exception {
        Map<String, String> props = VarveMain.parse(new String[] {"--override", "a=b=c", "--override", "empty="});

        assertEquals(Map.of("a", "b=c", "empty", ""), props);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--override|novalue", "--override|=value", "--override", "--config", "--bogus",
        "server.properties", "--override|a=b|stray"})
    void badArgumentsAreRefusedWithAMessage(String joined) {
        String[] args = joined.split("\\|");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VarveMain.parse(args));

        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void aMissingConfigFileIsAnIoError() {
        String missing = dir.resolve("missing.properties").toString();

        assertThrows(NoSuchFileException.class, () -> VarveMain.parse(new String[] {"--config", missing}));
    }
}
