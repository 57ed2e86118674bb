package io.varve.testkit.admin;

import static io.varve.testkit.admin.VarveAdminContract.assertError;

import io.varve.client.admin.NewTopic;
import io.varve.client.admin.TopicResults;
import io.varve.client.admin.VarveAdmin;
import io.varve.protocol.Errors;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Without a broker, operations retry until {@code default.api.timeout.ms} and then fail; close fails what waits. */
class VarveAdminTimeoutTest {

    @Test
    void failsWithRequestTimedOutOnceTheApiTimeoutIsSpent() throws Exception {
        try (VarveAdmin admin = new VarveAdmin(Map.of("bootstrap.servers", deadAddress(),
                "default.api.timeout.ms", "400", "retry.backoff.ms", "20", "reconnect.backoff.ms", "10"))) {
            // How long it retries is RetrierTest's business (manual clock); here: the outcome over real sockets.
            assertError(Errors.REQUEST_TIMED_OUT, admin.listTopics());
            TopicResults<?> created = admin.createTopics(List.of(NewTopic.of("a", 1), NewTopic.of("b", 1)));
            assertError(Errors.REQUEST_TIMED_OUT, created.get("a"));
            assertError(Errors.REQUEST_TIMED_OUT, created.get("b"));
        }
    }

    @Test
    void closingFailsOperationsStillRetrying() throws Exception {
        VarveAdmin admin = new VarveAdmin(Map.of("bootstrap.servers", deadAddress(), "default.api.timeout.ms", "600000",
            "retry.backoff.ms", "50", "reconnect.backoff.ms", "10"));
        CompletableFuture<Set<String>> topics = admin.listTopics();
        admin.close();
        assertError(Errors.NETWORK_EXCEPTION, topics);
    }

    /** A loopback port that refuses connections: bound, then closed. */
    private static String deadAddress() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return "127.0.0.1:" + s.getLocalPort();
        }
    }
}
