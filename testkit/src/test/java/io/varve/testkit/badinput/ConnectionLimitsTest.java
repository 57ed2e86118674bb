package io.varve.testkit.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.broker.network.NetworkMetrics;
import io.varve.protocol.Errors;
import io.varve.testkit.EmbeddedVarve;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §8, connections: a client that opens more connections than {@code max.connections} gets the
 * extra ones closed at once, sockets that never send a whole request are closed after
 * {@code connections.first.request.timeout.ms}, and one that starts a frame and never finishes it is
 * closed after {@code connections.max.idle.ms} (here shorter than the first-request deadline); either way
 * the official clients are served afterwards.
 */
class ConnectionLimitsTest {

    private static final int MAX_CONNECTIONS = 6;
    private static final int IDLE_MS = 1_000;
    private static final int FIRST_REQUEST_MS = 500;

    @TempDir
    Path dir;
    private EmbeddedVarve varve;
    private final List<RawClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (RawClient client : clients) {
            client.close();
        }
        if (varve != null) {
            varve.close();
        }
    }

    private void start(Map<String, String> overrides) throws Exception {
        varve = EmbeddedVarve.start(dir, overrides);
        OfficialClients.createTopics(varve.bootstrapServers(), "healthy");
        OfficialClients.produce(varve.bootstrapServers(), "healthy", List.of("before"));
    }

    private RawClient connect() throws IOException {
        RawClient client = new RawClient(Integer.parseInt(varve.bootstrapServers().split(":")[1]));
        clients.add(client);
        return client;
    }

    private NetworkMetrics metrics() {
        return varve.broker().networkMetrics();
    }

    private void awaitNoOpenConnections() {
        Await.until(() -> metrics().connectionsAccepted() == metrics().connectionsClosed(),
            () -> (metrics().connectionsAccepted() - metrics().connectionsClosed()) + " connections still open");
    }

    private void assertOfficialClientsServed() throws Exception {
        OfficialClients.produce(varve.bootstrapServers(), "healthy", List.of("after"));
        assertEquals(List.of("before", "after"), OfficialClients.consumeAll(varve.bootstrapServers(), "healthy"));
    }

    @Test
    void connectionsBeyondTheMaximumAreClosedAndCountedAndTheOthersStayServed() throws Exception {
        start(Map.of("max.connections", Integer.toString(MAX_CONNECTIONS)));
        awaitNoOpenConnections();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            assertEquals(Errors.NONE.code, connect().apiVersions(3).errorCode(), "connection " + i + " is admitted");
        }
        long refusedBefore = metrics().connectionsRefused();

        for (int i = 0; i < 3; i++) {
            connect().assertClosedByServer();
        }

        assertEquals(refusedBefore + 3, metrics().connectionsRefused());
        for (RawClient admitted : clients.subList(0, MAX_CONNECTIONS)) {
            assertEquals(Errors.NONE.code, admitted.apiVersions(3).errorCode(), "the admitted ones are still served");
        }
        for (RawClient client : clients) {
            client.close();
        }
        clients.clear();
        awaitNoOpenConnections();
        assertOfficialClientsServed();
    }

    /**
     * The report: sockets that connect and never send a byte used to hold every max.connections slot
     * for connections.max.idle.ms (10 min). Now each is closed at connections.first.request.timeout.ms,
     * and the official clients get in again.
     */
    @Test
    void socketsThatNeverSendAByteAreClosedAtTheFirstRequestDeadline() throws Exception {
        start(Map.of("max.connections", Integer.toString(MAX_CONNECTIONS),
            "connections.first.request.timeout.ms", Integer.toString(FIRST_REQUEST_MS)));
        awaitNoOpenConnections();
        long timeoutsBefore = metrics().firstRequestTimeouts();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            connect();
        }
        Await.until(() -> metrics().connectionsAccepted() - metrics().connectionsClosed() == MAX_CONNECTIONS,
            () -> "silent sockets admitted: " + metrics());
        connect().assertClosedByServer(); // every slot is taken

        for (RawClient silent : clients) {
            silent.assertClosedByServer();
        }
        Await.until(() -> metrics().firstRequestTimeouts() == timeoutsBefore + MAX_CONNECTIONS, metrics()::toString);
        awaitNoOpenConnections();
        assertOfficialClientsServed();
    }

    @Test
    void aClientThatNeverFinishesItsFrameIsClosedWhenIdle() throws Exception {
        start(Map.of("connections.max.idle.ms", Integer.toString(IDLE_MS)));
        long idleBefore = metrics().idleCloses();
        RawClient slow = connect();
        slow.send(ByteBuffer.allocate(6).putInt(100).putShort((short) 0).array()); // 6 of 104 bytes, then nothing

        slow.assertClosedByServer();

        Await.until(() -> metrics().idleCloses() > idleBefore, () -> "idleCloses stayed at " + idleBefore);
        assertOfficialClientsServed();
    }
}
