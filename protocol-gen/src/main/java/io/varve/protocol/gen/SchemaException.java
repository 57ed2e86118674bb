package io.varve.protocol.gen;

/**
 * A message definition the generator does not understand or that breaks a rule of the format; the
 * message names the file and the field. The generator exits non-zero on it, which fails the build.
 */
public final class SchemaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SchemaException(String message) {
        super(message);
    }
}
