package io.varve.client.requests;

import io.varve.client.RequestBuilder;
import io.varve.protocol.generated.FindCoordinatorRequest;
import io.varve.protocol.generated.FindCoordinatorResponse;
import java.util.List;

/**
 * FindCoordinator for one key at every version: below v4 the request carries a single {@code key}
 * and the answer its coordinator in top-level fields; from v4 both are lists (KIP-699). Stateless.
 */
public final class FindCoordinators {

    /** The key type of a consumer group. */
    public static final byte KEY_TYPE_GROUP = 0;

    private FindCoordinators() {
    }

    /** The coordinator of one key, whatever the version it was answered at. */
    public record Coordinator(int nodeId, String host, int port, short errorCode, String errorMessage) {
    }

    /** A request for the coordinator of {@code key} (v0 knows only groups; its key type is left at the default). */
    public static RequestBuilder request(byte keyType, String key) {
        return version -> version >= 4
            ? FindCoordinatorRequest.builder().keyType(keyType).coordinatorKeys(List.of(key)).build()
            : FindCoordinatorRequest.builder().keyType(version >= 1 ? keyType : 0).key(key).build();
    }

    /**
     * The coordinator in an answer to {@link #request}. A v4+ answer lists it in {@code coordinators};
     * an older one leaves that list empty and answers in the top-level fields, so the list's
     * emptiness tells the two apart without knowing the version.
     */
    public static Coordinator coordinator(FindCoordinatorResponse response) {
        if (!response.coordinators().isEmpty()) {
            FindCoordinatorResponse.Coordinator c = response.coordinators().get(0);
            return new Coordinator(c.nodeId(), c.host(), c.port(), c.errorCode(), c.errorMessage());
        }
        return new Coordinator(response.nodeId(), response.host(), response.port(), response.errorCode(),
            response.errorMessage());
    }
}
