package io.varve.protocol.message;

import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/** Compact {@code []string} fields, shared by the group APIs (group ids, coordinator keys, filters). */
final class StringArrays {

    private StringArrays() {
    }

    /** A non-null compact array of non-null strings; the count is checked against the bytes left. */
    static List<String> read(ProtocolReader r) {
        int n = r.readNonNullArrayLength(true);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(r.readString(true));
        }
        return out;
    }

    static void write(ProtocolWriter w, List<String> strings) {
        w.writeArrayLength(strings.size(), true);
        for (String s : strings) {
            w.writeString(s, true);
        }
    }

    static void checkVersion(io.varve.protocol.ApiKey key, short version) {
        if (!key.isVersionSupported(version)) {
            throw new IllegalArgumentException(key.displayName + " v" + version + " is outside the supported band");
        }
    }
}
