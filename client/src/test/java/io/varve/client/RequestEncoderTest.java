package io.varve.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.protocol.codec.Records;
import io.varve.protocol.generated.GeneratedMessage;
import io.varve.protocol.generated.RequestHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestEncoderTest {

    /** A request whose body is an int, a records field and another int: records in the middle of a frame. */
    record WithRecords(Records records) implements GeneratedMessage {
        @Override
        public void write(ProtocolWriter w, short version) {
            w.writeInt32(0x01020304).writeRecords(records, true).writeInt32(0x05060708);
        }

        @Override
        public short apiKey() {
            return ApiKey.PRODUCE.id;
        }
    }

    private static void assertEncodesAsTheWriterDoes(Records records) {
        RequestHeader header = new RequestHeader(ApiKey.PRODUCE.id, (short) 9, 42, "client");
        WithRecords body = new WithRecords(records);
        ProtocolWriter expected = new ProtocolWriter();
        header.write(expected, (short) 2);
        body.write(expected, (short) 9);
        ByteBuffer expectedBytes = expected.toByteBuffer();

        ByteBuf frame = RequestEncoder.encode(header, body, (short) 9);
        try {
            assertEquals(expectedBytes.remaining(), frame.readInt(), "size prefix");
            assertArrayEquals(expectedBytes.array(), ByteBufUtil.getBytes(frame));
        } finally {
            frame.release();
        }
    }

    @Test
    void aFrameIsTheSizePrefixHeaderAndBodyWithRecordsWrappedInPlace() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        direct.put("batch-bytes-here".getBytes(StandardCharsets.US_ASCII)).flip();
        assertEncodesAsTheWriterDoes(Records.of(direct));
        assertEquals(0, direct.position(), "the caller's buffer is not moved");
    }

    @Test
    void recordsOfOtherKindsAreCopied() {
        byte[] bytes = "other-records".getBytes(StandardCharsets.US_ASCII);
        assertEncodesAsTheWriterDoes(new Records() {
            @Override
            public int sizeInBytes() {
                return bytes.length;
            }

            @Override
            public void copyTo(ByteBuffer dst) {
                dst.put(bytes);
            }
        });
    }
}
