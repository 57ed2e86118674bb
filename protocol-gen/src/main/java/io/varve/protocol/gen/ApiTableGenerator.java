package io.varve.protocol.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes {@code ApiMessageType}: one constant per API key with its name, message classes, version
 * range, flexible floors, listeners and header versions, plus dispatch from an API key to the
 * generated reader. This is what the codecs can encode; what the broker advertises is a separate,
 * hand-written table.
 */
final class ApiTableGenerator {

    private record Api(MessageSpec request, MessageSpec response) {
    }

    /** The fixed members of ApiMessageType, one statement or brace per line (CodeWriter indents them). */
    private static final String MEMBERS = """
            /** A request or response flexible floor meaning "never flexible". */
            public static final short NEVER_FLEXIBLE = Short.MAX_VALUE;

            private static final ApiMessageType[] BY_KEY = new ApiMessageType[$SIZE];

            static {
            for (ApiMessageType type : values()) {
            BY_KEY[type.apiKey] = type;
            }
            }

            /** The API key. */
            public final short apiKey;
            /** Kafka's name of the API, e.g. {@code Metadata}. */
            public final String displayName;
            public final Class<? extends GeneratedMessage> requestClass;
            public final Class<? extends GeneratedMessage> responseClass;
            /** The oldest version Kafka's definitions still hold. */
            public final short lowestVersion;
            /** The newest version, possibly unstable (see {@link #latestVersionUnstable}). */
            public final short highestVersion;
            /** First flexible request version, or {@link #NEVER_FLEXIBLE}. */
            public final short requestFlexibleFloor;
            /** First flexible response version, or {@link #NEVER_FLEXIBLE}. */
            public final short responseFlexibleFloor;
            /** Whether Kafka marks {@link #highestVersion} unstable (not advertised by default). */
            public final boolean latestVersionUnstable;
            private final Set<ApiListener> listeners;

            ApiMessageType(int apiKey, String displayName, Class<? extends GeneratedMessage> requestClass,
                    Class<? extends GeneratedMessage> responseClass, int lowestVersion, int highestVersion,
                    int requestFlexibleFloor, int responseFlexibleFloor, boolean latestVersionUnstable,
                    Set<ApiListener> listeners) {
            this.apiKey = (short) apiKey;
            this.displayName = displayName;
            this.requestClass = requestClass;
            this.responseClass = responseClass;
            this.lowestVersion = (short) lowestVersion;
            this.highestVersion = (short) highestVersion;
            this.requestFlexibleFloor = (short) requestFlexibleFloor;
            this.responseFlexibleFloor = (short) responseFlexibleFloor;
            this.latestVersionUnstable = latestVersionUnstable;
            this.listeners = listeners;
            }

            /** The API with this key, or null when Kafka's definitions have none. */
            public static ApiMessageType forApiKey(int apiKey) {
            return apiKey >= 0 && apiKey < BY_KEY.length ? BY_KEY[apiKey] : null;
            }

            /** The listeners Kafka serves this API on (an unmodifiable copy). */
            public Set<ApiListener> listeners() {
            return listeners.isEmpty() ? Set.of() : Set.copyOf(listeners);
            }

            public boolean isVersionValid(short version) {
            return version >= lowestVersion && version <= highestVersion;
            }

            public boolean isRequestFlexible(short version) {
            return version >= requestFlexibleFloor;
            }

            public boolean isResponseFlexible(short version) {
            return version >= responseFlexibleFloor;
            }

            /** Request header version: 2 for flexible request versions, else 1. */
            public short requestHeaderVersion(short version) {
            return (short) (isRequestFlexible(version) ? 2 : 1);
            }

            /** Response header version: 1 for flexible versions, else 0; ApiVersions always 0. */
            public short responseHeaderVersion(short version) {
            return (short) (this != API_VERSIONS && isResponseFlexible(version) ? 1 : 0);
            }
            """;

    private final Map<Integer, Api> apis = new TreeMap<>();
    private final TreeSet<String> listeners = new TreeSet<>();

    ApiTableGenerator(List<MessageSpec> specs) {
        Map<Integer, MessageSpec> requests = new TreeMap<>();
        Map<Integer, MessageSpec> responses = new TreeMap<>();
        for (MessageSpec s : specs) {
            if (!s.isApi() || !s.hasVersions()) {
                continue;
            }
            Map<Integer, MessageSpec> side = s.type().equals("request") ? requests : responses;
            if (side.put(s.apiKey(), s) != null) {
                throw new SchemaException(s.file() + ": API key " + s.apiKey() + " has two " + s.type() + "s");
            }
        }
        for (Map.Entry<Integer, MessageSpec> e : requests.entrySet()) {
            MessageSpec response = responses.remove(e.getKey());
            MessageSpec request = e.getValue();
            if (response == null) {
                throw new SchemaException(request.file() + ": API key " + e.getKey() + " has no response");
            }
            if (!request.validVersions().equals(response.validVersions())) {
                throw new SchemaException(response.file() + ": validVersions " + response.validVersions()
                        + " differ from the request's " + request.validVersions());
            }
            if (!request.name().endsWith("Request") || !response.name().equals(apiName(request) + "Response")) {
                throw new SchemaException(response.file() + ": expected " + apiName(request) + "Response");
            }
            listeners.addAll(request.listeners());
            apis.put(e.getKey(), new Api(request, response));
        }
        if (!responses.isEmpty()) {
            MessageSpec orphan = responses.values().iterator().next();
            throw new SchemaException(orphan.file() + ": API key " + orphan.apiKey() + " has no request");
        }
    }

    int size() {
        return apis.size();
    }

    private static String apiName(MessageSpec request) {
        return request.name().substring(0, request.name().length() - "Request".length());
    }

    String generateListenerEnum() {
        CodeWriter out = new CodeWriter();
        out.line("// Generated by io.varve.protocol.gen.ProtocolGenerator; do not edit.");
        out.line("package " + MessageGenerator.PACKAGE + ";");
        out.blank();
        out.line("/** The listeners an API is served on, from the {@code listeners} of Kafka's definitions. */");
        out.line("public enum ApiListener {");
        List<String> names = new ArrayList<>();
        for (String l : listeners) {
            names.add(Names.constantCase(Character.toUpperCase(l.charAt(0)) + l.substring(1)));
        }
        out.line(String.join(",\n    ", names));
        out.line("}");
        return out.toString();
    }

    String generate() {
        CodeWriter out = new CodeWriter();
        out.line("// Generated by io.varve.protocol.gen.ProtocolGenerator; do not edit.");
        out.line("package " + MessageGenerator.PACKAGE + ";");
        out.blank();
        out.line("import io.varve.protocol.codec.ProtocolReader;");
        out.line("import java.util.EnumSet;");
        out.line("import java.util.Set;");
        out.blank();
        out.javadoc(List.of(
                "Every Kafka API the generated codecs can encode, with the full version range of Kafka's definitions",
                "(" + apis.size() + " APIs). This is not what the broker advertises: that is the served table",
                "({@code io.varve.protocol.ApiKey}).",
                "",
                "<p>Header versions: a request uses header v2 in flexible versions, else v1; a response header v1",
                "in flexible versions, else v0, except ApiVersions, always answered with v0 so that a client that",
                "does not know the broker's versions yet can read it."));
        out.line("public enum ApiMessageType {");
        List<String> constants = new ArrayList<>();
        for (Map.Entry<Integer, Api> e : apis.entrySet()) {
            MessageSpec req = e.getValue().request;
            MessageSpec resp = e.getValue().response;
            List<String> ls = new ArrayList<>();
            for (String l : req.listeners()) {
                ls.add("ApiListener." + Names.constantCase(Character.toUpperCase(l.charAt(0)) + l.substring(1)));
            }
            String listenerSet = ls.isEmpty() ? "EnumSet.noneOf(ApiListener.class)" : "EnumSet.of(" + String.join(", ", ls) + ")";
            constants.add(Names.constantCase(apiName(req)) + "(" + e.getKey() + ", \"" + apiName(req) + "\", "
                    + req.name() + ".class, " + resp.name() + ".class,\n            " + req.validVersions().lowest() + ", "
                    + req.validVersions().highest() + ", " + floor(req) + ", " + floor(resp) + ", "
                    + req.latestVersionUnstable() + ", " + listenerSet + ")");
        }
        for (int i = 0; i < constants.size(); i++) {
            out.line(constants.get(i) + (i == constants.size() - 1 ? ";" : ","));
        }
        out.blank();
        int size = apis.isEmpty() ? 1 : ((TreeMap<Integer, Api>) apis).lastKey() + 1;
        for (String line : MEMBERS.replace("$SIZE", Integer.toString(size)).split("\n", -1)) {
            out.line(line.stripTrailing());
        }
        dispatch(out, "Request", true);
        out.blank();
        dispatch(out, "Response", false);
        out.line("}");
        return out.toString();
    }

    private void dispatch(CodeWriter out, String side, boolean request) {
        out.javadoc(List.of("Decodes the " + side.toLowerCase() + " body of API {@code apiKey} at {@code version}.", "",
                "@throws io.varve.protocol.codec.MalformedMessageException when the bytes do not hold one, or the key",
                "        or version is unknown"));
        out.line("public static GeneratedMessage read" + side + "(short apiKey, ProtocolReader r, short version) {");
        out.line("return switch (apiKey) {");
        for (Map.Entry<Integer, Api> e : apis.entrySet()) {
            MessageSpec m = request ? e.getValue().request : e.getValue().response;
            out.line("case " + e.getKey() + " -> " + m.name() + ".read(r, version);");
        }
        out.line("default -> throw new io.varve.protocol.codec.MalformedMessageException(\"unknown API key \" + apiKey);");
        out.line("};");
        out.line("}");
    }

    private static String floor(MessageSpec m) {
        return m.flexibleVersions().isEmpty() ? "Short.MAX_VALUE" : Short.toString(m.flexibleVersions().lowest());
    }
}
