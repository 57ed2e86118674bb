package io.varve.broker.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.protocol.Errors;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A blocking test client on a plain socket; every read is bounded by a timeout. */
final class WireClient implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    WireClient(int port) throws IOException {
        this(port, null);
    }

    /** A client whose connection comes from {@code localAddress} (any 127.x.y.z works on Linux), or the default. */
    WireClient(int port, String localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame body. */
    ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** Sends an ApiVersions v3 request and checks the answer: the connection works. */
    void assertApiVersionsRoundTrip(int correlationId) throws IOException {
        send(Frames.apiVersions(correlationId, (short) 3));
        Frames.ApiVersionsAnswer answer = Frames.readApiVersions(readFrame(), (short) 3);
        assertEquals(correlationId, answer.correlationId());
        assertEquals(Errors.NONE.code, answer.response().errorCode());
    }

    /** The server closed the connection: a read sees end of stream (or a reset) before the timeout. */
    void assertClosedByServer() throws IOException {
        try {
            int b = in.read();
            assertEquals(-1, b, "expected end of stream, got a byte");
        } catch (SocketTimeoutException e) {
            fail("server did not close the connection within " + READ_TIMEOUT_MS + " ms");
        } catch (SocketException e) {
            // Connection reset: the server closed while our bytes were unread. Closed all the same.
        }
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
