package io.varve.protocol.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One message definition file, parsed and validated. Every key, type and range the generator does
 * not know is refused with a {@link SchemaException} that names the file and the field, so a newer
 * Kafka definition that uses a new construct fails the build instead of producing a wrong codec.
 *
 * @param file                  the definition's file name, for messages
 * @param name                  the message name, e.g. {@code MetadataRequest}
 * @param type                  {@code request}, {@code response}, {@code header} or {@code data}
 * @param apiKey                the API key, or -1 for headers and data
 * @param validVersions         the versions the message has
 * @param flexibleVersions      the versions using compact encodings and tagged fields
 * @param listeners             where the API is served ({@code broker}, {@code controller}), empty if unspecified
 * @param latestVersionUnstable whether Kafka marks the newest version as still unstable
 * @param top                   the top-level struct (named after the message)
 * @param structs               every nested struct by name, in declaration order (inline ones, then common ones)
 */
public record MessageSpec(String file, String name, String type, int apiKey, Versions validVersions,
        Versions flexibleVersions, List<String> listeners, boolean latestVersionUnstable, StructSpec top,
        Map<String, StructSpec> structs) {

    private static final Set<String> MESSAGE_KEYS = Set.of("apiKey", "type", "listeners", "name", "validVersions",
            "flexibleVersions", "fields", "commonStructs", "latestVersionUnstable");
    private static final Set<String> FIELD_KEYS = Set.of("name", "type", "versions", "about", "fields", "default",
            "entityType", "nullableVersions", "ignorable", "mapKey", "taggedVersions", "tag", "zeroCopy",
            "flexibleVersions");
    private static final Set<String> COMMON_STRUCT_KEYS = Set.of("name", "versions", "fields");
    private static final Set<String> TYPES = Set.of("request", "response", "header", "data");

    public boolean isApi() {
        return type.equals("request") || type.equals("response");
    }

    /** Whether Kafka still defines versions for the message (removed APIs keep their key with {@code "none"}). */
    public boolean hasVersions() {
        return !validVersions.isEmpty();
    }

    /** Parses one definition; {@code file} names it in errors. */
    @SuppressWarnings("unchecked")
    public static MessageSpec parse(String json, String file) {
        Object root = Json.parse(json, file);
        if (!(root instanceof Map)) {
            throw new SchemaException(file + ": a definition is a JSON object");
        }
        Map<String, Object> m = (Map<String, Object>) root;
        checkKeys(m, MESSAGE_KEYS, file);
        String name = requireString(m, "name", file);
        String where = file + " (" + name + ")";
        String type = requireString(m, "type", where);
        if (!TYPES.contains(type)) {
            throw new SchemaException(where + ": unknown message type \"" + type + "\"");
        }
        int apiKey = -1;
        if (type.equals("request") || type.equals("response")) {
            Object key = m.get("apiKey");
            if (!(key instanceof Long) || (Long) key < 0 || (Long) key > Short.MAX_VALUE) {
                throw new SchemaException(where + ": a request or response needs an apiKey");
            }
            apiKey = ((Long) key).intValue();
        } else if (m.containsKey("apiKey")) {
            throw new SchemaException(where + ": apiKey on a " + type);
        }
        Versions valid = Versions.parse(requireString(m, "validVersions", where), where + " validVersions");
        Versions flexible = m.containsKey("flexibleVersions")
                ? Versions.parse(requireString(m, "flexibleVersions", where), where + " flexibleVersions")
                : Versions.NONE;
        if (!flexible.isEmpty() && flexible.highest() != Versions.MAX) {
            throw new SchemaException(where + ": flexibleVersions must be open-ended, got " + flexible);
        }
        List<String> listeners = parseListeners(m.get("listeners"), where);
        Object unstable = m.getOrDefault("latestVersionUnstable", Boolean.FALSE);
        if (!(unstable instanceof Boolean)) {
            throw new SchemaException(where + ": latestVersionUnstable must be a boolean");
        }
        Map<String, StructSpec> structs = new LinkedHashMap<>();
        List<FieldSpec> fields = m.containsKey("fields") ? parseFields(m.get("fields"), where, valid, structs) : List.of();
        if (m.containsKey("commonStructs")) {
            parseCommonStructs(m.get("commonStructs"), where, structs);
        }
        StructSpec top = new StructSpec(name, valid, fields, null);
        MessageSpec spec = new MessageSpec(file, name, type, apiKey, valid, flexible, List.copyOf(listeners),
                (Boolean) unstable, top, structs);
        spec.checkReferences();
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static List<String> parseListeners(Object json, String where) {
        List<String> listeners = new ArrayList<>();
        if (json == null) {
            return listeners;
        }
        if (!(json instanceof List)) {
            throw new SchemaException(where + ": listeners must be a list");
        }
        for (Object l : (List<Object>) json) {
            if (!(l instanceof String)) {
                throw new SchemaException(where + ": listeners must be strings");
            }
            listeners.add((String) l);
        }
        return listeners;
    }

    @SuppressWarnings("unchecked")
    private static void parseCommonStructs(Object json, String where, Map<String, StructSpec> structs) {
        if (!(json instanceof List)) {
            throw new SchemaException(where + ": commonStructs must be a list");
        }
        for (Object o : (List<Object>) json) {
            if (!(o instanceof Map)) {
                throw new SchemaException(where + ": a common struct is an object");
            }
            Map<String, Object> cs = (Map<String, Object>) o;
            checkKeys(cs, COMMON_STRUCT_KEYS, where + " commonStructs");
            String csName = requireString(cs, "name", where + " commonStructs");
            String csWhere = where + " struct " + csName;
            Versions csVersions = Versions.parse(requireString(cs, "versions", csWhere), csWhere);
            addStruct(structs, new StructSpec(csName, csVersions,
                    parseFields(cs.get("fields"), csWhere, csVersions, structs), null), csWhere);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<FieldSpec> parseFields(Object fieldsJson, String where, Versions parentVersions,
            Map<String, StructSpec> structs) {
        if (!(fieldsJson instanceof List)) {
            throw new SchemaException(where + ": fields must be a list");
        }
        List<FieldSpec> fields = new ArrayList<>();
        Map<Integer, String> tags = new LinkedHashMap<>();
        Set<String> names = new java.util.HashSet<>();
        for (Object o : (List<Object>) fieldsJson) {
            if (!(o instanceof Map)) {
                throw new SchemaException(where + ": a field is an object");
            }
            FieldSpec f = parseField((Map<String, Object>) o, where, parentVersions, structs);
            if (!names.add(f.javaName())) {
                throw new SchemaException(where + " field " + f.name() + ": duplicate field name");
            }
            if (f.isTagged() && tags.put(f.tag(), f.name()) != null) {
                throw new SchemaException(where + " field " + f.name() + ": duplicate tag " + f.tag());
            }
            fields.add(f);
        }
        return List.copyOf(fields);
    }

    private static FieldSpec parseField(Map<String, Object> m, String parent, Versions parentVersions,
            Map<String, StructSpec> structs) {
        String name = requireString(m, "name", parent + " field");
        String where = parent + " field " + name;
        checkKeys(m, FIELD_KEYS, where);
        if (!Character.isLetter(name.charAt(0)) || !name.chars().allMatch(Character::isLetterOrDigit)) {
            throw new SchemaException(where + ": a field name is letters and digits, starting with a letter");
        }
        if (Names.isReserved(Names.camelCase(name))) {
            throw new SchemaException(where + ": the name clashes with a Java keyword or a generated member");
        }
        FieldType type = FieldType.parse(requireString(m, "type", where), where);
        Versions versions = Versions.parse(requireString(m, "versions", where), where + " versions");
        Versions nullable = m.containsKey("nullableVersions")
                ? Versions.parse(requireString(m, "nullableVersions", where), where + " nullableVersions")
                : Versions.NONE;
        if (!nullable.isEmpty() && !type.canBeNull()) {
            throw new SchemaException(where + ": type " + type + " cannot be nullable");
        }
        Versions tagged = m.containsKey("taggedVersions")
                ? Versions.parse(requireString(m, "taggedVersions", where), where + " taggedVersions")
                : Versions.NONE;
        int tag = -1;
        if (m.containsKey("tag")) {
            Object t = m.get("tag");
            if (!(t instanceof Long) || (Long) t < 0 || (Long) t > Integer.MAX_VALUE) {
                throw new SchemaException(where + ": tag must be a non-negative integer");
            }
            tag = ((Long) t).intValue();
        }
        if ((tag >= 0) != !tagged.isEmpty()) {
            throw new SchemaException(where + ": tag and taggedVersions go together");
        }
        if (tag >= 0 && (tagged.highest() != Versions.MAX || !versions.equals(tagged))) {
            // A field that is regular in some versions and tagged in others is legal in Kafka's format
            // but used by no definition; refuse it rather than guess its layout.
            throw new SchemaException(where + ": taggedVersions " + tagged + " must equal versions " + versions
                    + " and be open-ended");
        }
        boolean ignorable = requireBoolean(m, "ignorable", where);
        boolean mapKey = requireBoolean(m, "mapKey", where);
        requireBoolean(m, "zeroCopy", where); // bytes are copied into byte[]; records stay zero-copy anyway
        if (m.containsKey("entityType")) {
            requireString(m, "entityType", where); // documentation only
        }
        Versions flexibleOverride = null;
        if (m.containsKey("flexibleVersions")) {
            flexibleOverride = Versions.parse(requireString(m, "flexibleVersions", where), where + " flexibleVersions");
            if (type.kind() != FieldType.Kind.STRING && type.kind() != FieldType.Kind.BYTES) {
                throw new SchemaException(where + ": flexibleVersions on a field is only known for string and bytes");
            }
        }
        String about = m.containsKey("about") ? requireString(m, "about", where) : null;
        String defaultValue = null;
        if (m.containsKey("default")) {
            Object d = m.get("default");
            if (!(d instanceof String) && !(d instanceof Long) && !(d instanceof Boolean)) {
                throw new SchemaException(where + ": default must be a string, number or boolean");
            }
            defaultValue = String.valueOf(d);
        }
        List<FieldSpec> fields = List.of();
        String structName = type.isStruct() ? type.structName()
                : type.isArray() && type.element().isStruct() ? type.element().structName() : null;
        if (m.containsKey("fields")) {
            if (structName == null) {
                throw new SchemaException(where + ": fields on a field of type " + type);
            }
            fields = parseFields(m.get("fields"), where, versions, structs);
        }
        FieldSpec f = new FieldSpec(name, type, versions, nullable, tagged, tag, ignorable, defaultValue,
                flexibleOverride, mapKey, about, fields);
        Defaults.check(f, where);
        if (!fields.isEmpty()) {
            addStruct(structs, new StructSpec(structName, versions, fields, about), where);
        }
        return f;
    }

    private static void addStruct(Map<String, StructSpec> structs, StructSpec s, String where) {
        if (structs.put(s.name(), s) != null) {
            throw new SchemaException(where + ": struct " + s.name() + " is declared twice");
        }
    }

    /** Every struct a field names is declared, and no struct is named like the message or a java.lang type in use. */
    private void checkReferences() {
        String where = file + " (" + name + ")";
        for (String s : structs.keySet()) {
            if (s.equals(name) || s.equals("Builder") || s.equals("String") || s.equals("Override") || s.equals("Object")
                    || s.equals("List") || s.equals("UUID") || s.equals("Records") || s.equals("Arrays")
                    || s.equals("Objects") || s.equals("Collections")) {
                throw new SchemaException(where + ": struct name " + s + " clashes with a generated or imported name");
            }
        }
        checkFields(top, where);
        for (FieldSpec f : top.fields()) {
            if (isApi() && f.javaName().equals("apiKey")) {
                throw new SchemaException(where + " field " + f.name() + ": clashes with GeneratedMessage.apiKey()");
            }
        }
        for (StructSpec s : structs.values()) {
            checkFields(s, where + " struct " + s.name());
        }
    }

    private void checkFields(StructSpec struct, String where) {
        for (FieldSpec f : struct.fields()) {
            String s = f.structName();
            if (s != null && !structs.containsKey(s)) {
                throw new SchemaException(where + " field " + f.name() + ": unknown struct type " + s);
            }
        }
    }

    private static void checkKeys(Map<String, Object> m, Set<String> known, String where) {
        for (String key : m.keySet()) {
            if (!known.contains(key)) {
                throw new SchemaException(where + ": unknown key \"" + key + "\"");
            }
        }
    }

    private static String requireString(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (!(v instanceof String)) {
            throw new SchemaException(where + ": \"" + key + "\" must be a string");
        }
        return (String) v;
    }

    private static boolean requireBoolean(Map<String, Object> m, String key, String where) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean)) {
            throw new SchemaException(where + ": \"" + key + "\" must be a boolean");
        }
        return (Boolean) v;
    }
}
