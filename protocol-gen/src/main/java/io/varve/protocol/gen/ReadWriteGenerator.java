package io.varve.protocol.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes the {@code read} and {@code write} methods of one struct. The encodings follow Kafka's
 * message format: classic versions use int16-length strings and int32-length bytes, records and
 * arrays; flexible versions use compact lengths (unsigned varint, plus one, zero for null) and end
 * every struct with a tagged-field section; a nullable struct is preceded by an int8 (-1 for null,
 * 1 for present).
 */
final class ReadWriteGenerator {

    private final MessageSpec spec;
    private final CodeWriter out;
    private final Set<String> locals;

    ReadWriteGenerator(MessageSpec spec, CodeWriter out, Set<String> locals) {
        this.spec = spec;
        this.out = out;
        this.locals = locals;
    }

    private String local(FieldSpec f) {
        return locals.contains(f.javaName()) ? f.javaName() + "Field" : f.javaName();
    }

    /** The condition for the flexible encoding within {@code context}: "true", "false" or a comparison. */
    private String flexibleCondition(Versions context) {
        return spec.flexibleVersions().condition("version", context);
    }

    /** The compact-encoding argument for {@code f}: the struct's {@code flexible}, or the field's own override. */
    private String compact(FieldSpec f, Versions context, String flexible) {
        if (f.flexibleVersions() != null) {
            return f.flexibleVersions().condition("version", context);
        }
        return flexible;
    }

    private static String flexibleVariable(String condition) {
        return condition.equals("true") || condition.equals("false") ? condition : "flexible";
    }

    // ---------------------------------------------------------------- read

    void read(StructSpec s, Versions context, boolean top) {
        out.javadoc(List.of("Decodes one {@code " + s.name() + "} at {@code version}; unknown tagged fields are skipped.", "",
                "@throws MalformedMessageException when the bytes do not hold one" + (top ? ", or the version is not valid" : "")));
        out.line("public static " + s.name() + " read(ProtocolReader r, short version) {");
        if (top) {
            out.line("if (version < LOWEST_SUPPORTED_VERSION || version > HIGHEST_SUPPORTED_VERSION) {");
            out.continued("throw new MalformedMessageException(", "\"" + spec.name() + " v\" + version + \" is not a valid version\");");
            out.line("}");
        }
        String flexCondition = flexibleCondition(context);
        String flexible = flexibleVariable(flexCondition);
        if (flexible.equals("flexible")) {
            out.line("boolean flexible = " + flexCondition + ";");
        }
        for (FieldSpec f : s.fields()) {
            Versions present = f.versions().intersect(context);
            String cond = f.versions().condition("version", context);
            String decl = f.type().javaType() + " " + local(f);
            if (f.isTagged() || cond.equals("false")) {
                out.line(decl + " = " + Defaults.literal(f, f.name()) + ";");
            } else if (cond.equals("true")) {
                assign(decl, readExpr(f, present, compact(f, present, flexible)));
            } else {
                out.line(decl + " = " + Defaults.literal(f, f.name()) + ";");
                out.line("if (" + cond + ") {");
                assign(local(f), readExpr(f, present, compact(f, present, flexible)));
                out.line("}");
            }
        }
        if (!flexible.equals("false")) {
            if (!flexible.equals("true")) {
                out.line("if (flexible) {");
            }
            readTaggedFields(s, context);
            if (!flexible.equals("true")) {
                out.line("}");
            }
        }
        List<String> args = new ArrayList<>();
        for (FieldSpec f : s.fields()) {
            args.add(local(f));
        }
        out.wrapped("return new " + s.name() + "(", args, ");");
        out.line("}");
    }

    private void readTaggedFields(StructSpec s, Versions structContext) {
        // only flexible versions have a tagged section
        Versions context = structContext.intersect(spec.flexibleVersions());
        List<FieldSpec> tagged = MessageGenerator.tagged(s);
        if (tagged.isEmpty()) {
            out.line("r.skipTaggedFields();");
            return;
        }
        out.line("int tagCount = r.readTaggedFieldCount();");
        out.line("for (int i = 0, previousTag = -1; i < tagCount; i++) {");
        out.line("int tag = r.readTag(previousTag);");
        out.line("int end = r.readTaggedFieldEnd();");
        out.line("previousTag = tag;");
        out.line("switch (tag) {");
        for (FieldSpec f : tagged) {
            Versions present = f.taggedVersions().intersect(context);
            String cond = f.taggedVersions().condition("version", context);
            out.line("case " + f.tag() + " -> {");
            if (cond.equals("false")) {
                out.line("r.skipTo(end);");
            } else {
                if (!cond.equals("true")) {
                    out.line("if (" + cond + ") {");
                }
                assign(local(f), readExpr(f, present, "true"));
                out.line("r.endTaggedField(tag, end);");
                if (!cond.equals("true")) {
                    out.line("} else {");
                    out.line("r.skipTo(end);");
                    out.line("}");
                }
            }
            out.line("}");
        }
        out.line("default -> r.skipTo(end);");
        out.line("}");
        out.line("}");
    }

    /** {@code target = expression;}, a conditional expression split before "?" and ":" when long. */
    private void assign(String target, String expression) {
        int q = expression.indexOf(" ? ");
        int c = expression.lastIndexOf(" : ");
        if (q < 0 || c < q) {
            out.continued(target + " =", expression + ";");
        } else {
            out.continued(target + " = " + expression.substring(0, q), "? " + expression.substring(q + 3, c),
                    ": " + expression.substring(c + 3) + ";");
        }
    }

    /** An expression reading {@code f} at a version in {@code present}. */
    private String readExpr(FieldSpec f, Versions present, String compact) {
        String nullable = f.nullableVersions().condition("version", present);
        FieldType t = f.type();
        return switch (t.kind()) {
            case STRING -> choose(nullable, "r.readNullableString(" + compact + ")", "r.readString(" + compact + ")");
            case BYTES -> choose(nullable, "r.readNullableBytes(" + compact + ")", "r.readBytes(" + compact + ")");
            case RECORDS -> choose(nullable, "r.readNullableRecordsField(" + compact + ")",
                    "r.readRecordsField(" + compact + ")");
            case ARRAY -> "read" + f.name().substring(0, 1).toUpperCase() + f.name().substring(1)
                    + "(r, version, " + compact + ", " + nullable + ")";
            case STRUCT -> choose(nullable, "(r.readInt8() < 0 ? null : " + t.structName() + ".read(r, version))",
                    t.structName() + ".read(r, version)");
            default -> primitiveRead(t.kind(), "r");
        };
    }

    private static String choose(String nullable, String nullableRead, String read) {
        return switch (nullable) {
            case "true" -> nullableRead;
            case "false" -> read;
            default -> "(" + nullable + ") ? " + nullableRead + " : " + read;
        };
    }

    private static String primitiveRead(FieldType.Kind kind, String reader) {
        return reader + "." + switch (kind) {
            case BOOL -> "readBoolean()";
            case INT8 -> "readInt8()";
            case INT16 -> "readInt16()";
            case INT32 -> "readInt32()";
            case INT64 -> "readInt64()";
            case UINT16 -> "readUint16()";
            case UINT32 -> "readUint32()";
            case FLOAT64 -> "readFloat64()";
            case UUID -> "readUuid()";
            default -> throw new IllegalStateException(kind.toString());
        };
    }

    /**
     * The read and write helpers of each array field of {@code s}: one loop per field, with the element
     * read or written in place, so that the JIT sees one element type per loop (a shared loop taking
     * a lambda would call through a megamorphic site and allocate what inlining would have removed).
     */
    void arrayHelpers(StructSpec s) {
        for (FieldSpec f : s.fields()) {
            if (!f.type().isArray()) {
                continue;
            }
            String name = f.name().substring(0, 1).toUpperCase() + f.name().substring(1);
            FieldType element = f.type().element();
            String listType = f.type().javaType();
            out.blank();
            out.line("private static " + listType + " read" + name
                    + "(ProtocolReader r, short version, boolean compact, boolean nullable) {");
            out.line("int count = r.readArrayLength(compact);");
            out.line("if (count < 0) {");
            out.line("if (!nullable) {");
            out.line("throw new MalformedMessageException(\"non-nullable " + f.javaName() + " was null\");");
            out.line("}");
            out.line("return null;");
            out.line("}");
            out.line("if (count == 0) {");
            out.line("return List.of();");
            out.line("}");
            out.line(listType.replace("List<", "ArrayList<") + " list = new ArrayList<>(count);");
            out.line("for (int i = 0; i < count; i++) {");
            out.line("list.add(" + elementRead(element) + ");");
            out.line("}");
            out.line("return Collections.unmodifiableList(list);");
            out.line("}");
            out.blank();
            out.line("private static void write" + name + "(ProtocolWriter w, short version, boolean compact, boolean nullable,");
            out.line("        " + listType + " list) {");
            out.line("if (list == null) {");
            out.line("if (!nullable) {");
            out.line("throw new IllegalArgumentException(\"non-nullable " + f.javaName() + " is null\");");
            out.line("}");
            out.line("w.writeArrayLength(-1, compact);");
            out.line("return;");
            out.line("}");
            out.line("w.writeArrayLength(list.size(), compact);");
            out.line("for (int i = 0, n = list.size(); i < n; i++) {");
            out.line(elementWrite(element, "list.get(i)") + ";");
            out.line("}");
            out.line("}");
        }
    }

    private static String elementRead(FieldType element) {
        return switch (element.kind()) {
            case STRING -> "r.readString(compact)";
            case BYTES -> "r.readBytes(compact)";
            case STRUCT -> element.structName() + ".read(r, version)";
            default -> primitiveRead(element.kind(), "r");
        };
    }

    private static String elementWrite(FieldType element, String value) {
        return switch (element.kind()) {
            case STRING -> "w.writeString(" + value + ", compact)";
            case BYTES -> "w.writeBytes(" + value + ", compact)";
            case STRUCT -> value + ".write(w, version)";
            default -> primitiveWrite(element.kind(), "w", value);
        };
    }

    // ---------------------------------------------------------------- write

    void write(StructSpec s, Versions context, boolean top) {
        out.javadoc(List.of("Encodes this {@code " + s.name() + "} at {@code version}; fields the version lacks are left out.", "",
                "@throws UnsupportedVersionException when a field the version lacks holds a value other than its default"
                + " and is not ignorable" + (top ? ", or the version is not valid" : "")));
        if (top && spec.isApi()) {
            out.line("@Override");
        }
        out.line("public void write(ProtocolWriter w, short version) {");
        if (top) {
            out.line("if (version < LOWEST_SUPPORTED_VERSION || version > HIGHEST_SUPPORTED_VERSION) {");
            out.continued("throw new UnsupportedVersionException(", "\"" + spec.name() + " v\" + version + \" is not a valid version\");");
            out.line("}");
        }
        String flexCondition = flexibleCondition(context);
        String flexible = flexibleVariable(flexCondition);
        if (flexible.equals("flexible")) {
            out.line("boolean flexible = " + flexCondition + ";");
        }
        for (FieldSpec f : s.fields()) {
            if (f.isTagged()) {
                continue;
            }
            Versions present = f.versions().intersect(context);
            String cond = f.versions().condition("version", context);
            if (cond.equals("true")) {
                writeStatements(f, present, compact(f, present, flexible), "w");
            } else {
                if (!cond.equals("false")) {
                    out.line("if (" + cond + ") {");
                    writeStatements(f, present, compact(f, present, flexible), "w");
                    if (!f.ignorable()) {
                        out.line("} else if (" + Defaults.differs(f, "this." + f.javaName()) + ") {");
                        throwUnsupported(f);
                    }
                    out.line("}");
                } else if (!f.ignorable()) {
                    out.line("if (" + Defaults.differs(f, "this." + f.javaName()) + ") {");
                    throwUnsupported(f);
                    out.line("}");
                }
            }
        }
        writeTaggedFields(s, context, flexible);
        out.line("}");
    }

    private void throwUnsupported(FieldSpec f) {
        out.continued("throw new UnsupportedVersionException(",
                "\"Attempted to write a non-default " + f.javaName() + " at version \" + version);");
    }

    private void writeTaggedFields(StructSpec s, Versions context, String flexible) {
        List<FieldSpec> tagged = MessageGenerator.tagged(s);
        if (tagged.isEmpty()) {
            switch (flexible) {
                case "false" -> {
                }
                case "true" -> out.line("w.writeEmptyTaggedFields();");
                default -> {
                    out.line("if (flexible) {");
                    out.line("w.writeEmptyTaggedFields();");
                    out.line("}");
                }
            }
            return;
        }
        // A tagged field at a version without it: refuse a value that would be lost, unless ignorable.
        for (FieldSpec f : tagged) {
            String absent = f.taggedVersions().absentCondition("version", context);
            if (!absent.equals("false") && !f.ignorable()) {
                String when = absent.equals("true") ? "" : "(" + absent + ") && ";
                out.line("if (" + when + "(" + Defaults.differs(f, "this." + f.javaName()) + ")) {");
                throwUnsupported(f);
                out.line("}");
            }
        }
        if (flexible.equals("false")) {
            return;
        }
        if (!flexible.equals("true")) {
            out.line("if (flexible) {");
        }
        Versions flexibleContext = context.intersect(spec.flexibleVersions());
        List<String> conditions = new ArrayList<>();
        for (FieldSpec f : tagged) {
            String cond = f.taggedVersions().condition("version", flexibleContext);
            String differs = Defaults.differs(f, "this." + f.javaName());
            conditions.add(cond.equals("true") ? differs : cond.equals("false") ? "false" : cond + " && (" + differs + ")");
        }
        out.line("int tagCount = 0;");
        for (int i = 0; i < tagged.size(); i++) {
            if (!conditions.get(i).equals("false")) {
                out.line("if (" + conditions.get(i) + ") {");
                out.line("tagCount++;");
                out.line("}");
            }
        }
        out.line("w.writeUnsignedVarint(tagCount);");
        for (int i = 0; i < tagged.size(); i++) {
            FieldSpec f = tagged.get(i);
            if (conditions.get(i).equals("false")) {
                continue;
            }
            Versions present = f.taggedVersions().intersect(flexibleContext);
            out.line("if (" + conditions.get(i) + ") {");
            out.line("w.writeTaggedField(" + f.tag() + ", tw -> {");
            writeStatements(f, present, "true", "tw");
            out.line("});");
            out.line("}");
        }
        if (!flexible.equals("true")) {
            out.line("}");
        }
    }

    /** Statements writing {@code f} (at a version in {@code present}) to the writer named {@code w}. */
    private void writeStatements(FieldSpec f, Versions present, String compact, String w) {
        String v = "this." + f.javaName();
        String nullable = f.nullableVersions().condition("version", present);
        FieldType t = f.type();
        switch (t.kind()) {
            case STRING -> chooseStatement(nullable, w + ".writeNullableString(" + v + ", " + compact + ");",
                    w + ".writeString(" + v + ", " + compact + ");");
            case BYTES -> chooseStatement(nullable, w + ".writeNullableBytes(" + v + ", " + compact + ");",
                    w + ".writeBytes(" + v + ", " + compact + ");");
            case RECORDS -> chooseStatement(nullable, w + ".writeRecords(" + v + ", " + compact + ");",
                    w + ".writeRecordsField(" + v + ", " + compact + ");");
            case ARRAY -> out.line("write" + f.name().substring(0, 1).toUpperCase() + f.name().substring(1) + "(" + w
                    + ", version, " + compact + ", " + nullable + ", " + v + ");");
            case STRUCT -> {
                if (nullable.equals("false")) {
                    out.line(v + ".write(" + w + ", version);");
                } else {
                    String test = nullable.equals("true") ? v + " == null" : v + " == null && (" + nullable + ")";
                    out.line("if (" + test + ") {");
                    out.line(w + ".writeInt8(-1);");
                    out.line("} else {");
                    if (!nullable.equals("true")) {
                        out.line("if (" + nullable + ") {");
                        out.line(w + ".writeInt8(1);");
                        out.line("}");
                    } else {
                        out.line(w + ".writeInt8(1);");
                    }
                    out.line(v + ".write(" + w + ", version);");
                    out.line("}");
                }
            }
            default -> out.line(primitiveWrite(t.kind(), w, v) + ";");
        }
    }

    private void chooseStatement(String nullable, String nullableWrite, String write) {
        switch (nullable) {
            case "true" -> out.line(nullableWrite);
            case "false" -> out.line(write);
            default -> {
                out.line("if (" + nullable + ") {");
                out.line(nullableWrite);
                out.line("} else {");
                out.line(write);
                out.line("}");
            }
        }
    }

    private static String primitiveWrite(FieldType.Kind kind, String w, String v) {
        return w + "." + switch (kind) {
            case BOOL -> "writeBoolean";
            case INT8 -> "writeInt8";
            case INT16, UINT16 -> "writeInt16";
            case INT32 -> "writeInt32";
            case INT64 -> "writeInt64";
            case UINT32 -> "writeUint32";
            case FLOAT64 -> "writeFloat64";
            case UUID -> "writeUuid";
            default -> throw new IllegalStateException(kind.toString());
        } + "(" + v + ")";
    }

}
