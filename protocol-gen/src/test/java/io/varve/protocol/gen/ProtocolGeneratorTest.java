package io.varve.protocol.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator refuses every construct it does not know, naming the file and the field, and writes
 * what it knows. Kafka's own definitions are covered by the protocol module's oracle test.
 */
class ProtocolGeneratorTest {

    private static final String HEADER = "// a comment, as Kafka's files start with\n";

    private static String message(String fields) {
        return HEADER + "{ \"apiKey\": 99, \"type\": \"request\", \"name\": \"ToyRequest\", \"validVersions\": \"0-3\","
                + " \"flexibleVersions\": \"2+\", \"fields\": [ " + fields + " ] }";
    }

    private static SchemaException refused(String json) {
        return assertThrows(SchemaException.class, () -> MessageSpec.parse(json, "ToyRequest.json"));
    }

    @Test
    void anUnknownFieldKeyIsRefusedWithFileAndField() {
        SchemaException e = refused(message(
                "{ \"name\": \"Count\", \"type\": \"int32\", \"versions\": \"0+\", \"compressed\": true }"));
        assertTrue(e.getMessage().contains("ToyRequest.json"), e.getMessage());
        assertTrue(e.getMessage().contains("field Count"), e.getMessage());
        assertTrue(e.getMessage().contains("compressed"), e.getMessage());
    }

    @Test
    void anUnknownTypeIsRefused() {
        SchemaException e = refused(message("{ \"name\": \"Big\", \"type\": \"int128\", \"versions\": \"0+\" }"));
        assertTrue(e.getMessage().contains("field Big") && e.getMessage().contains("int128"), e.getMessage());
    }

    @Test
    void anUnknownTopLevelKeyOrMessageTypeIsRefused() {
        assertTrue(refused(message("").replace("\"apiKey\": 99,", "\"apiKey\": 99, \"compat\": 1,"))
                .getMessage().contains("compat"));
        assertTrue(refused(message("").replace("\"request\"", "\"event\"")).getMessage().contains("event"));
    }

    @Test
    void inconsistentVersionsNullabilityTagsAndDefaultsAreRefused() {
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"int32\", \"versions\": \"3-1\" }"))
                .getMessage().contains("empty version range"));
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"int32\", \"versions\": \"0+\", \"nullableVersions\": \"0+\" }"))
                .getMessage().contains("cannot be nullable"));
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"int32\", \"versions\": \"2+\", \"tag\": 0 }"))
                .getMessage().contains("tag and taggedVersions"));
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"int8\", \"versions\": \"0+\", \"default\": \"300\" }"))
                .getMessage().contains("out of range"));
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"string\", \"versions\": \"0+\", \"nullableVersions\": \"1+\", \"default\": \"null\" }"))
                .getMessage().contains("default null"));
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"[]Missing\", \"versions\": \"0+\" }"))
                .getMessage().contains("unknown struct type Missing"));
        assertTrue(refused(message("{ \"name\": \"A\", \"type\": \"int32\", \"versions\": \"0+\" },"
                + " { \"name\": \"A\", \"type\": \"int32\", \"versions\": \"0+\" }")).getMessage().contains("duplicate"));
        assertTrue(refused(message("{ \"name\": \"Class\", \"type\": \"int32\", \"versions\": \"0+\" }"))
                .getMessage().contains("clashes"));
    }

    @Test
    void malformedJsonIsRefusedWithALine() {
        SchemaException e = assertThrows(SchemaException.class, () -> MessageSpec.parse(HEADER + "{ \"name\": }", "Bad.json"));
        assertTrue(e.getMessage().startsWith("Bad.json:2:"), e.getMessage());
    }

    @Test
    void theCommandLineFailsOnABadDefinitionAndWritesNothingForIt(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("ToyRequest.json"), message("{ \"name\": \"X\", \"type\": \"int128\", \"versions\": \"0+\" }"));
        SchemaException e = assertThrows(SchemaException.class,
                () -> ProtocolGenerator.main(new String[] {dir.resolve("out").toString(), in.toString()}));
        assertTrue(e.getMessage().contains("ToyRequest.json") && e.getMessage().contains("field X"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out/io/varve/protocol/generated/ToyRequest.java")));
    }

    @Test
    void aSmallDefinitionPairGeneratesRecordsAndTheTable(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("ToyRequest.json"), message(
                "{ \"name\": \"Count\", \"type\": \"int32\", \"versions\": \"0+\", \"default\": \"-1\", \"about\": \"How <many>.\" },"
                + " { \"name\": \"Items\", \"type\": \"[]Item\", \"versions\": \"1+\", \"fields\": ["
                + "   { \"name\": \"Key\", \"type\": \"string\", \"versions\": \"1+\", \"mapKey\": true } ] },"
                + " { \"name\": \"Note\", \"type\": \"string\", \"versions\": \"2+\", \"taggedVersions\": \"2+\", \"tag\": 0,"
                + "   \"nullableVersions\": \"2+\", \"default\": \"null\" }"));
        Files.writeString(in.resolve("ToyResponse.json"), message("").replace("Request", "Response")
                .replace("\"request\"", "\"response\""));
        int written = ProtocolGenerator.generate(dir.resolve("out"), List.of(in, dir.resolve("absent")));
        assertEquals(4, written, "two messages, ApiListener, ApiMessageType");
        String source = Files.readString(dir.resolve("out/io/varve/protocol/generated/ToyRequest.java"));
        assertTrue(source.contains("public record ToyRequest(int count, List<Item> items, String note) implements GeneratedMessage"),
                source);
        assertTrue(source.contains("@param count How &lt;many&gt;. (versions 0+, default -1)"), source);
        assertTrue(source.contains("private int count = -1;"), source);
        assertTrue(source.contains("case 0 -> {"), "tag 0 is read: " + source);
        assertTrue(source.contains("public record Item(String key)"), source);
        // a second run rewrites nothing unchanged (incremental builds) and removes what has no definition
        Path generated = dir.resolve("out/io/varve/protocol/generated/ToyRequest.java");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(generated, old);
        Path stale = Files.writeString(dir.resolve("out/io/varve/protocol/generated/GoneRequest.java"), "//");
        assertEquals(4, ProtocolGenerator.generate(dir.resolve("out"), List.of(in)));
        assertEquals(old, Files.getLastModifiedTime(generated));
        assertFalse(Files.exists(stale));
        String table = Files.readString(dir.resolve("out/io/varve/protocol/generated/ApiMessageType.java"));
        assertTrue(table.contains("TOY(99, \"Toy\", ToyRequest.class, ToyResponse.class,\n            0, 3, 2, 2, false"), table);
    }

    @Test
    void twoDefinitionsOfOneNameAcrossInputsAreRefused(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.writeString(a.resolve("ToyRequest.json"), message(""));
        Files.writeString(b.resolve("ToyRequest.json"), message(""));
        SchemaException e = assertThrows(SchemaException.class, () -> ProtocolGenerator.parseAll(List.of(a, b)));
        assertTrue(e.getMessage().contains("already defined"), e.getMessage());
    }

    @Test
    void versionRangesParseAndPrintAsTheDefinitionsWriteThem() {
        assertEquals(new Versions((short) 3, Versions.MAX), Versions.parse("3+", "t"));
        assertEquals(new Versions((short) 1, (short) 5), Versions.parse("1-5", "t"));
        assertEquals(new Versions((short) 4, (short) 4), Versions.parse("4", "t"));
        assertTrue(Versions.parse("none", "t").isEmpty());
        assertEquals("version >= 4", Versions.parse("4+", "t").condition("version", Versions.parse("0-13", "t")));
        assertEquals("true", Versions.parse("0+", "t").condition("version", Versions.parse("2-5", "t")));
        assertEquals("false", Versions.parse("0-1", "t").condition("version", Versions.parse("2-5", "t")));
        assertEquals("version >= 8 && version <= 10", Versions.parse("8-10", "t").condition("version", Versions.parse("0-13", "t")));
        assertEquals("version < 4", Versions.parse("4+", "t").absentCondition("version", Versions.parse("0-13", "t")));
        assertEquals("version < 8 || version > 10",
                Versions.parse("8-10", "t").absentCondition("version", Versions.parse("0-13", "t")));
        assertEquals("false", Versions.parse("0+", "t").absentCondition("version", Versions.parse("2-5", "t")));
        assertEquals("true", Versions.parse("7+", "t").absentCondition("version", Versions.parse("2-5", "t")));
        assertThrows(SchemaException.class, () -> Versions.parse("x+", "t"));
    }
}
