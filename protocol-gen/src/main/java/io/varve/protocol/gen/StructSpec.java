package io.varve.protocol.gen;

import java.util.List;

/**
 * A struct: the top level of a message, an inline struct type declared by a field, or one of the
 * message's {@code commonStructs}. Each becomes one Java record.
 *
 * @param name     the struct's type name (the Java record's simple name)
 * @param versions the versions in which the struct can occur
 * @param fields   its fields, in wire order
 * @param about    its description, or null
 */
public record StructSpec(String name, Versions versions, List<FieldSpec> fields, String about) {
}
