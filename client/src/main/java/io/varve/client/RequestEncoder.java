package io.varve.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.ApiMessageType;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.RequestHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes one request frame: {@code size int32 | header | body}. The writer's bytes are wrapped, not
 * copied (the writer is never reused), and a records field held in a {@link Records.BufferRecords} is
 * wrapped too, so a produced batch reaches the socket without a copy. Stateless; thread-safe.
 */
final class RequestEncoder {

    private RequestEncoder() {
    }

    /** The frame as one buffer the caller owns (and hands to the channel, which releases it). */
    static ByteBuf encode(RequestHeader header, GeneratedMessage body, short version) {
        ApiMessageType type = ApiMessageType.forApiKey(body.apiKey());
        if (type == null || header.requestApiKey() != body.apiKey()) {
            throw new IllegalArgumentException("header of API " + header.requestApiKey() + " for a body of API "
                + body.apiKey());
        }
        ProtocolWriter w = new ProtocolWriter();
        w.writeInt32(0);
        header.write(w, type.requestHeaderVersion(version));
        body.write(w, version);
        long size = w.size() - 4;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("request of " + size + " bytes");
        }
        w.putInt32At(0, (int) size);
        List<ByteBuf> chunks = new ArrayList<>(4);
        w.forEachChunk(new ProtocolWriter.ChunkVisitor() {
            @Override
            public void onBytes(byte[] bytes, int offset, int length) {
                chunks.add(Unpooled.wrappedBuffer(bytes, offset, length));
            }

            @Override
            public void onRecords(Records records) {
                if (records instanceof Records.BufferRecords buffer) {
                    chunks.add(Unpooled.wrappedBuffer(buffer.buffer().duplicate()));
                } else {
                    ByteBuffer copy = ByteBuffer.allocate(records.sizeInBytes());
                    records.copyTo(copy);
                    chunks.add(Unpooled.wrappedBuffer(copy.flip()));
                }
            }
        });
        return Unpooled.wrappedBuffer(chunks.toArray(new ByteBuf[0]));
    }
}
