package io.varve.raft.rpc;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Kafka framing for the controller listener's RPCs: a 4-byte size prefix, then request header v2
 *
 * <pre>
 *  api_key int16 | api_version int16 (0) | correlation_id int32 | client_id nullable string | tagged fields
 * </pre>
 *
 * or response header v1 ({@code correlation_id int32 | tagged fields}), then the body. Frames larger
 * than the caller's limit are refused before anything is allocated.
 *
 * <p>Stateless; thread-safe.
 */
public final class InternalFrames {

    /** The one version of every internal RPC. */
    public static final short VERSION = 0;

    private InternalFrames() {
    }

    /** A request header as read. */
    public record Header(InternalApiKey apiKey, short apiVersion, int correlationId, String clientId) {
    }

    /** A whole request frame, size prefix included. */
    public static ByteBuffer request(InternalApiKey key, int correlationId, String clientId, Consumer<ProtocolWriter> body) {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt32(0);
        w.writeInt16(key.id).writeInt16(VERSION).writeInt32(correlationId).writeNullableString(clientId, false);
        w.writeEmptyTaggedFields();
        body.accept(w);
        return sized(w);
    }

    /** A whole response frame, size prefix included. */
    public static ByteBuffer response(int correlationId, Consumer<ProtocolWriter> body) {
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt32(0);
        w.writeInt32(correlationId);
        w.writeEmptyTaggedFields();
        body.accept(w);
        return sized(w);
    }

    private static ByteBuffer sized(ProtocolWriter w) {
        w.putInt32At(0, w.position() - 4);
        return w.toByteBuffer();
    }

    /**
     * Reads a request header from a frame body (size prefix removed).
     *
     * @throws MalformedMessageException for an unknown key or version, or a truncated header
     */
    public static Header readRequestHeader(ProtocolReader reader) {
        short key = reader.readInt16();
        short version = reader.readInt16();
        int correlationId = reader.readInt32();
        InternalApiKey apiKey = InternalApiKey.forId(key);
        if (apiKey == null) {
            throw new MalformedMessageException("unknown internal API key " + key);
        }
        if (version != VERSION) {
            throw new MalformedMessageException("unsupported version " + version + " of " + apiKey);
        }
        String clientId = reader.readNullableString(false);
        reader.skipTaggedFields();
        return new Header(apiKey, version, correlationId, clientId);
    }

    /** Reads a response header from a frame body and returns its correlation id. */
    public static int readResponseHeader(ProtocolReader reader) {
        int correlationId = reader.readInt32();
        reader.skipTaggedFields();
        return correlationId;
    }

    /**
     * Reads one frame's size prefix.
     *
     * @throws MalformedMessageException when negative or above {@code maxFrameBytes}
     */
    public static int checkedSize(int size, int maxFrameBytes) {
        if (size < 0 || size > maxFrameBytes) {
            throw new MalformedMessageException("frame of " + size + " bytes; the limit is " + maxFrameBytes);
        }
        return size;
    }
}
