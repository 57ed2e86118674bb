package io.varve.testkit.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.ApiVersionsRequest;
import io.varve.protocol.generated.ApiVersionsResponse;
import io.varve.protocol.generated.ProduceRequest;
import io.varve.protocol.generated.ProduceResponse;
import io.varve.testkit.WireHeader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A client on a plain socket to 127.0.0.1 that can send anything, well formed or not; every read is
 * bounded by a timeout. Frames are built with the project's own codecs. Not thread-safe.
 */
final class RawClient implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    RawClient(int port) throws IOException {
        socket = new Socket();
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

    /** The header of the next request: a fresh correlation id. */
    WireHeader header(ApiKey key, int version) {
        return new WireHeader(key, (short) version, ++correlationId, "bad-input-test");
    }

    /** Header and body, size prefix included. */
    static byte[] frame(WireHeader header, GeneratedMessage body) {
        ProtocolWriter w = new ProtocolWriter();
        header.write(w);
        body.write(w, (short) Math.min(header.apiVersion(),
            io.varve.protocol.generated.ApiMessageType.forApiKey(header.apiKey().id).highestVersion));
        return withPrefix(w.toByteBuffer());
    }

    /** A well-formed header followed by {@code body} as raw bytes. */
    static byte[] frame(WireHeader header, byte[] body) {
        ProtocolWriter w = new ProtocolWriter();
        header.write(w);
        ByteBuffer head = w.toByteBuffer();
        return withPrefix(ByteBuffer.allocate(head.remaining() + body.length).put(head).put(body).flip());
    }

    static byte[] withPrefix(ByteBuffer body) {
        return ByteBuffer.allocate(4 + body.remaining()).putInt(body.remaining()).put(body).array();
    }

    /** Reads one response frame: its body, correlation id first. */
    ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    /** Reads one response frame and checks its correlation id; returns a reader at the body. */
    ProtocolReader response(WireHeader header) throws IOException {
        return response(header, header.apiVersion());
    }

    /** As {@link #response(WireHeader)}, for an answer at {@code version}. */
    ProtocolReader response(WireHeader header, short version) throws IOException {
        ProtocolReader r = new ProtocolReader(readFrame());
        assertEquals(header.correlationId(), header.readResponseHeader(r, version));
        return r;
    }

    ProduceResponse produce(ProduceRequest request) throws IOException {
        WireHeader header = header(ApiKey.PRODUCE, 11);
        send(frame(header, request));
        return ProduceResponse.read(response(header), header.apiVersion());
    }

    ApiVersionsResponse apiVersions(int version) throws IOException {
        WireHeader header = header(ApiKey.API_VERSIONS, version);
        send(frame(header, new ApiVersionsRequest("bad-input-test", "1.0")));
        // A version the broker does not know is answered at v0 (as Kafka does), so the client can pick one.
        short answered = ApiKey.API_VERSIONS.isVersionServed((short) version) ? (short) version : 0;
        return ApiVersionsResponse.read(response(header, answered), answered);
    }

    /** The server closed the connection: a read sees end of stream (or a reset) before the timeout. */
    void assertClosedByServer() throws IOException {
        try {
            int b = in.read();
            while (b != -1) {
                b = in.read(); // a response may precede the close; the close must come
            }
        } catch (SocketTimeoutException e) {
            fail("the broker did not close the connection within " + READ_TIMEOUT_MS + " ms");
        } catch (SocketException e) {
            // Reset: the broker closed while our bytes were unread. Closed all the same.
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
