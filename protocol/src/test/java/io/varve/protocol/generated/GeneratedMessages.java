package io.varve.protocol.generated;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.gen.FieldSpec;
import io.varve.protocol.gen.FieldType;
import io.varve.protocol.gen.MessageSpec;
import io.varve.protocol.gen.ProtocolGenerator;
import io.varve.protocol.gen.StructSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Test glue for the generated codecs: the definitions the build generated them from (parsed with
 * the generator's own model), seeded random messages built through the generated builders, and
 * reflective read/write. Random messages set only the fields that exist at the version; nullable
 * fields are null now and then, tagged fields sometimes left at their defaults.
 */
final class GeneratedMessages {

    /** Where the build unpacked Kafka's definitions (see protocol/pom.xml). */
    static final Path KAFKA_DEFINITIONS = Path.of("target/kafka-message-definitions/common/message");

    private GeneratedMessages() {
    }

    static List<MessageSpec> kafkaSpecs() {
        try {
            return ProtocolGenerator.parseAll(List.of(KAFKA_DEFINITIONS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Class<?> generatedClass(MessageSpec spec, StructSpec struct) {
        String name = "io.varve.protocol.generated." + spec.name()
                + (struct == spec.top() ? "" : "$" + struct.name());
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no generated class " + name, e);
        }
    }

    /** Encodes a generated message with its own {@code write}. */
    static ByteBuffer write(Object message, short version) {
        ProtocolWriter w = new ProtocolWriter();
        try {
            message.getClass().getMethod("write", ProtocolWriter.class, short.class).invoke(message, w, version);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return w.toByteBuffer();
    }

    /** Decodes with the generated static {@code read}, requiring every byte consumed. */
    static Object read(Class<?> type, ByteBuffer bytes, short version) {
        ProtocolReader r = new ProtocolReader(bytes.duplicate());
        try {
            Object value = type.getMethod("read", ProtocolReader.class, short.class).invoke(null, r, version);
            r.expectEnd();
            return value;
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException re) {
            throw re;
        }
        throw new AssertionError(e.getCause());
    }

    /** A random message of {@code spec} valid at {@code version}. */
    static Object random(MessageSpec spec, short version, Random rnd) {
        return randomStruct(spec, spec.top(), version, rnd, 0);
    }

    private static Object randomStruct(MessageSpec spec, StructSpec struct, short version, Random rnd, int depth) {
        Class<?> type = generatedClass(spec, struct);
        try {
            Object builder = type.getMethod("builder").invoke(null);
            for (FieldSpec f : struct.fields()) {
                if (!f.versions().contains(version) || (f.isTagged() && rnd.nextInt(3) == 0)) {
                    continue;
                }
                Object value = randomValue(spec, f, f.type(), version, rnd, depth);
                setter(builder.getClass(), f.javaName()).invoke(builder, value);
            }
            return builder.getClass().getMethod("build").invoke(builder);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Method setter(Class<?> builder, String name) {
        for (Method m : builder.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1) {
                return m;
            }
        }
        throw new AssertionError(builder + " has no setter " + name);
    }

    private static Object randomValue(MessageSpec spec, FieldSpec f, FieldType type, short version, Random rnd,
            int depth) {
        boolean nullable = f != null && f.nullableVersions().contains(version);
        if (nullable && rnd.nextInt(5) == 0) {
            return null;
        }
        return switch (type.kind()) {
            case BOOL -> rnd.nextBoolean();
            case INT8 -> (byte) rnd.nextInt();
            case INT16 -> (short) rnd.nextInt();
            case INT32 -> rnd.nextInt(4) == 0 ? rnd.nextInt(3) - 1 : rnd.nextInt();
            case INT64 -> rnd.nextInt(4) == 0 ? (long) rnd.nextInt(3) - 1 : rnd.nextLong();
            case UINT16 -> rnd.nextInt(65536);
            case UINT32 -> rnd.nextLong() & 0xFFFF_FFFFL;
            case FLOAT64 -> rnd.nextInt(4) == 0 ? 0.0 : rnd.nextDouble() * 1e6;
            case STRING -> randomString(rnd);
            case BYTES -> randomBytes(rnd, 16);
            case UUID -> rnd.nextInt(4) == 0 ? new UUID(0, 0) : new UUID(rnd.nextLong(), rnd.nextLong());
            case RECORDS -> Records.of(ByteBuffer.wrap(randomBytes(rnd, 40)));
            case ARRAY -> {
                int n = rnd.nextInt(depth < 3 ? 4 : 2);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(spec, null, type.element(), version, rnd, depth + 1));
                }
                yield list;
            }
            case STRUCT -> randomStruct(spec, spec.structs().get(type.structName()), version, rnd, depth + 1);
        };
    }

    private static String randomString(Random rnd) {
        int n = rnd.nextInt(10);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int pick = rnd.nextInt(20);
            sb.append(pick == 0 ? 'é' : pick == 1 ? '\u4e2d' : (char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private static byte[] randomBytes(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max)];
        rnd.nextBytes(b);
        return b;
    }
}
