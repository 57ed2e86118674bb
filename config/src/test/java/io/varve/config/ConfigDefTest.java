package io.varve.config;

import static io.varve.config.ConfigDef.Type.BOOLEAN;
import static io.varve.config.ConfigDef.Type.INT;
import static io.varve.config.ConfigDef.Type.LIST;
import static io.varve.config.ConfigDef.Type.LONG;
import static io.varve.config.ConfigDef.Type.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefTest {

    private static final ConfigDef DEF = new ConfigDef("Test")
        .define("i", INT, 5, "things", 1L, 10L, "an int in [1, 10]")
        .define("l", LONG, 100L, "ms", 0L, null, "a long >= 0")
        .define("b", BOOLEAN, false, null, "a boolean")
        .define("s", STRING, "dflt", null, "a string")
        .define("list", LIST, List.of("a", "b"), "paths", "a list")
        .define("neg", INT, -1, null, null, 0L, "an int <= 0");

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            map.put((String) kv[i], kv[i + 1]);
        }
        return map;
    }

    private static ConfigException invalid(ConfigDef def, Object... kv) {
        return assertThrows(ConfigException.class, () -> def.parse(props(kv)));
    }

    @Test
    void missingPropertiesTakeTheirDefaults() {
        ConfigDef.Values v = DEF.parse(Map.of());

        assertEquals(5, v.getInt("i"));
        assertEquals(100L, v.getLong("l"));
        assertFalse(v.getBoolean("b"));
        assertEquals("dflt", v.getString("s"));
        assertEquals(List.of("a", "b"), v.getList("list"));
        assertEquals(-1, v.getInt("neg"));
    }

    @Test
    void stringsAreParsedAndTrimmed() {
        ConfigDef.Values v = DEF.parse(props("i", " 7 ", "l", "123456789012", "b", " TRUE ", "s", "  x y ", "list", " p , q,r "));

        assertEquals(7, v.getInt("i"));
        assertEquals(123_456_789_012L, v.getLong("l"));
        assertTrue(v.getBoolean("b"));
        assertEquals("x y", v.getString("s"));
        assertEquals(List.of("p", "q", "r"), v.getList("list"));
    }

    @Test
    void typedValuesAreAccepted() {
        ConfigDef.Values v = DEF.parse(props("i", 3, "l", 4, "b", true, "list", List.of("x")));

        assertEquals(3, v.getInt("i"));
        assertEquals(4L, v.getLong("l"), "an Integer widens to a long");
        assertTrue(v.getBoolean("b"));
        assertEquals(List.of("x"), v.getList("list"));
    }

    @Test
    void typedValuesOfTheWrongTypeAreRefused() {
        invalid(DEF, "i", 3L);
        invalid(DEF, "l", 1.5);
        invalid(DEF, "b", 1);
        invalid(DEF, "s", 42);
        invalid(DEF, "list", 42);
    }

    @Test
    void emptyListStringIsAnEmptyList() {
        assertEquals(List.of(), DEF.parse(props("list", "  ")).getList("list"));
    }

    @Test
    void rangesAreInclusiveAndEnforced() {
        assertEquals(1, DEF.parse(props("i", "1")).getInt("i"));
        assertEquals(10, DEF.parse(props("i", 10)).getInt("i"));
        assertEquals(0L, DEF.parse(props("l", "0")).getLong("l"));
        assertEquals(0, DEF.parse(props("neg", "0")).getInt("neg"));

        ConfigException e = invalid(DEF, "i", "0");
        assertTrue(e.getMessage().contains("i") && e.getMessage().contains("at least 1"), e.getMessage());
        assertTrue(invalid(DEF, "i", 11).getMessage().contains("at most 10"));
        invalid(DEF, "l", "-1");
        invalid(DEF, "neg", "1");
    }

    @Test
    void malformedNumbersAreRefusedNamingTheProperty() {
        ConfigException e = invalid(DEF, "i", "seven");
        assertTrue(e.getMessage().contains("seven") && e.getMessage().contains("configuration i"), e.getMessage());
        invalid(DEF, "i", "2147483648");
        invalid(DEF, "i", "1.0");
        invalid(DEF, "i", "");
        invalid(DEF, "l", "9223372036854775808");
        invalid(DEF, "l", "1e3");
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        assertFalse(DEF.parse(props("b", "False")).getBoolean("b"));
        invalid(DEF, "b", "yes");
        invalid(DEF, "b", "1");
        invalid(DEF, "b", "");
    }

    @Test
    void requiredPropertyWithoutDefaultMustBeGiven() {
        ConfigDef def = new ConfigDef("Required").define("node.id", INT, null, null, 0L, null, "the node id");

        ConfigException e = assertThrows(ConfigException.class, () -> def.parse(Map.of()));
        assertTrue(e.getMessage().contains("node.id") && e.getMessage().contains("required"), e.getMessage());
        assertEquals(4, def.parse(Map.of("node.id", "4")).getInt("node.id"));
        assertTrue(def.markdownTable().contains("(required)"));
    }

    @Test
    void unknownPropertiesAreIgnored() {
        ConfigDef.Values v = DEF.parse(props("some.other.role.property", "x", "i", "2"));
        assertEquals(2, v.getInt("i"));
        assertThrows(IllegalArgumentException.class, () -> v.getString("some.other.role.property"));
    }

    @Test
    void definitionsAreCheckedWhenMade() {
        ConfigDef def = new ConfigDef("Twice").define("x", INT, 1, null, "x");
        assertThrows(IllegalStateException.class, () -> def.define("x", INT, 1, null, "x again"));
        assertThrows(ConfigException.class, () -> new ConfigDef("Bad default").define("y", INT, 0, null, 1L, 2L, "y"));
        assertThrows(NullPointerException.class, () -> new ConfigDef("No doc").define("z", INT, 0, null, null));
    }

    @Test
    void keysKeepDefinitionOrderAndCannotBeChanged() {
        List<ConfigDef.Key> keys = DEF.keys();
        assertEquals(List.of("i", "l", "b", "s", "list", "neg"), keys.stream().map(ConfigDef.Key::name).toList());
        assertThrows(UnsupportedOperationException.class, () -> keys.remove(0));
        assertEquals("Test", DEF.title());
    }

    @Test
    void markdownTableHasOneRowPerPropertyWithRangeAndUnit() {
        String table = DEF.markdownTable();
        List<String> lines = table.lines().toList();

        assertEquals("| property | type | default | unit | valid values | meaning |", lines.get(0));
        assertEquals(2 + DEF.keys().size(), lines.size());
        assertEquals("| `i` | int | `5` | things | [1, 10] | an int in [1, 10] |", lines.get(2));
        assertEquals("| `l` | long | `100` | ms | ≥ 0 | a long >= 0 |", lines.get(3));
        assertEquals("| `b` | boolean | `false` |  |  | a boolean |", lines.get(4));
        assertEquals("| `list` | list | `a,b` | paths |  | a list |", lines.get(6));
        assertEquals("| `neg` | int | `-1` |  | ≤ 0 | an int <= 0 |", lines.get(7));
    }
}
