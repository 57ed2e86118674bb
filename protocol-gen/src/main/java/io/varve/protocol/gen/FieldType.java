package io.varve.protocol.gen;

/**
 * The type of a field as the definitions spell it: a primitive ({@code int32}, {@code string},
 * {@code records}, ...), a struct (a capitalised name), or an array of either ({@code []X}).
 *
 * @param kind       what the type is
 * @param structName the struct's name for {@link Kind#STRUCT}, else null
 * @param element    the element type for {@link Kind#ARRAY}, else null
 */
public record FieldType(Kind kind, String structName, FieldType element) {

    /** The kinds of type the generator knows; anything else fails the build. */
    public enum Kind {
        BOOL("bool", "boolean", "Boolean"),
        INT8("int8", "byte", "Byte"),
        INT16("int16", "short", "Short"),
        INT32("int32", "int", "Integer"),
        INT64("int64", "long", "Long"),
        UINT16("uint16", "int", "Integer"),
        UINT32("uint32", "long", "Long"),
        FLOAT64("float64", "double", "Double"),
        STRING("string", "String", "String"),
        BYTES("bytes", "byte[]", "byte[]"),
        UUID("uuid", "UUID", "UUID"),
        RECORDS("records", "Records", "Records"),
        ARRAY(null, null, null),
        STRUCT(null, null, null);

        final String jsonName;
        final String javaType;
        final String boxedType;

        Kind(String jsonName, String javaType, String boxedType) {
            this.jsonName = jsonName;
            this.javaType = javaType;
            this.boxedType = boxedType;
        }
    }

    /** Parses a type name; {@code where} names the field in errors. */
    public static FieldType parse(String text, String where) {
        if (text == null || text.isEmpty()) {
            throw new SchemaException(where + ": missing type");
        }
        if (text.startsWith("[]")) {
            FieldType element = parse(text.substring(2), where);
            if (element.kind == Kind.ARRAY || element.kind == Kind.RECORDS) {
                throw new SchemaException(where + ": unsupported array element type \"" + text + "\"");
            }
            return new FieldType(Kind.ARRAY, null, element);
        }
        for (Kind kind : Kind.values()) {
            if (text.equals(kind.jsonName)) {
                return new FieldType(kind, null, null);
            }
        }
        if (Character.isUpperCase(text.charAt(0)) && text.chars().allMatch(Character::isLetterOrDigit)) {
            return new FieldType(Kind.STRUCT, text, null);
        }
        throw new SchemaException(where + ": unknown type \"" + text + "\"");
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    public boolean isStruct() {
        return kind == Kind.STRUCT;
    }

    /** Whether the type can hold null on the wire (given nullableVersions). */
    public boolean canBeNull() {
        return switch (kind) {
            case STRING, BYTES, RECORDS, ARRAY, STRUCT -> true;
            default -> false;
        };
    }

    /** The Java type of a record component of this type. */
    public String javaType() {
        return switch (kind) {
            case ARRAY -> "List<" + element.boxedType() + ">";
            case STRUCT -> structName;
            default -> kind.javaType;
        };
    }

    /** The Java type as a type argument (boxed primitives). */
    public String boxedType() {
        return switch (kind) {
            case ARRAY -> javaType();
            case STRUCT -> structName;
            default -> kind.boxedType;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case ARRAY -> "[]" + element;
            case STRUCT -> structName;
            default -> kind.jsonName;
        };
    }
}
