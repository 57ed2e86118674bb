package io.varve.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code listeners} or {@code advertised.listeners}: {@code NAME://host:port}, as in
 * Kafka. The name is upper-cased; every listener speaks plaintext (Varve has no TLS or SASL yet).
 * An empty host binds every interface; an IPv6 host is written in brackets
 * ({@code PLAINTEXT://[::1]:9092}); port 0 asks the operating system for a free port, which the
 * broker reports once bound. Immutable.
 *
 * @param name the listener name, upper-case letters, digits and underscores
 * @param host host name or literal address without brackets; empty means every interface
 * @param port 0 to 65535
 */
public record Listener(String name, String host, int port) {

    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9_]+)://(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]/]*):([0-9]{1,5})");

    public Listener {
        if (name == null || !name.matches("[A-Z0-9_]+")) {
            throw new IllegalArgumentException("listener name must be upper-case letters, digits or _: " + name);
        }
        if (host == null) {
            throw new IllegalArgumentException("host is null");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code NAME://host:port}.
     *
     * @throws ConfigException naming {@code property} when {@code spec} is not of that form
     */
    public static Listener parse(String property, String spec) {
        Matcher m = FORM.matcher(spec.trim());
        if (!m.matches()) {
            throw new ConfigException(property, spec, "expected NAME://host:port");
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(m.group(3));
        if (port > 65535) {
            throw new ConfigException(property, spec, "port must be in [0, 65535]");
        }
        return new Listener(m.group(1).toUpperCase(Locale.ROOT), host, port);
    }

    @Override
    public String toString() {
        return name + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
