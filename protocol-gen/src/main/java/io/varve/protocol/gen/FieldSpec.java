package io.varve.protocol.gen;

import java.util.List;

/**
 * One field of a message or struct definition, validated: every key is known, every version range
 * parses, and the nullable, tagged and flexible ranges lie inside the field's versions.
 *
 * @param name              the JSON name (PascalCase)
 * @param type              the field's type
 * @param versions          the versions in which the field exists
 * @param nullableVersions  the versions in which it may be null ({@link Versions#NONE} if never)
 * @param taggedVersions    the versions in which it is a tagged field ({@link Versions#NONE} if never)
 * @param tag               the tag, or -1 when the field is never tagged
 * @param ignorable         whether writing a non-default value at a version without the field is allowed
 * @param defaultValue      the {@code default} as written in the JSON, or null when absent
 * @param flexibleVersions  a per-field override of the message's flexible versions, or null
 * @param mapKey            whether the field is a key of its struct (kept only as documentation)
 * @param about             the field's description, or null
 * @param fields            the fields of an inline struct type, else empty
 */
public record FieldSpec(String name, FieldType type, Versions versions, Versions nullableVersions,
        Versions taggedVersions, int tag, boolean ignorable, String defaultValue, Versions flexibleVersions,
        boolean mapKey, String about, List<FieldSpec> fields) {

    /** The record component's name: the JSON name in camelCase. */
    public String javaName() {
        return Names.camelCase(name);
    }

    public boolean isTagged() {
        return tag >= 0;
    }

    /** The struct type this field declares or refers to, through an array, or null. */
    public String structName() {
        if (type.isStruct()) {
            return type.structName();
        }
        return type.isArray() && type.element().isStruct() ? type.element().structName() : null;
    }

    /** Whether the field's default is null: a {@code records} field, or a nullable one whose default says so. */
    public boolean defaultIsNull() {
        return type.kind() == FieldType.Kind.RECORDS || "null".equals(defaultValue);
    }
}
