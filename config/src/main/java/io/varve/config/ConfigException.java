package io.varve.config;

/** A property is missing, malformed or out of range. The message names the property and the value. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String property, Object value, String reason) {
        super("Invalid value " + value + " for configuration " + property + ": " + reason);
    }

    public ConfigException(String message) {
        super(message);
    }
}
