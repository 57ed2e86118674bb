package io.varve.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.config.ClientConfig;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.GeneratedMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Helpers shared by the client's network tests: configs, bounded awaits, echo requests. */
final class ClientTestSupport {

    static final long AWAIT_MS = 5_000L;

    private ClientTestSupport() {
    }

    /** A config for {@code broker} with the given overrides (key, value, key, value...). */
    static ClientConfig config(FakeBroker broker, Object... overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + broker.port());
        props.put(ClientConfig.CLIENT_ID, "test");
        for (int i = 0; i < overrides.length; i += 2) {
            props.put((String) overrides[i], overrides[i + 1]);
        }
        return ClientConfig.from(props);
    }

    /** An ApiVersions request the fake broker echoes: its response names {@code name}. */
    static ApiVersionsRequest echo(String name) {
        return new ApiVersionsRequest(name, "1");
    }

    /** The name an echoed response carries. */
    static String echoed(GeneratedMessage response) {
        return ((ApiVersionsResponse) response).supportedFeatures().get(0).name();
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(AWAIT_MS, TimeUnit.MILLISECONDS);
    }

    /** The failure of {@code future}, which must fail within the bounded wait. */
    static NetworkClientException failure(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        try {
            future.get(AWAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(NetworkClientException.class, e.getCause());
        }
        return fail("expected a failure, got a response");
    }

    /** Waits, bounded, for a condition another thread makes true. */
    static void awaitCondition(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + AWAIT_MS + " ms waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
