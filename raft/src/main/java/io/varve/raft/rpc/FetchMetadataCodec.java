package io.varve.raft.rpc;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.metadata.CorruptMetadataException;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.MetadataRecordCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link InternalApiKey#FETCH_METADATA}: a broker that is not a voter follows the committed metadata
 * log (State Watch). It asks for the records from {@code fromOffset} on; a controller answers with the
 * committed records it has after that offset (at most about {@code maxBytes}, at least one when there
 * is one), waiting up to {@code maxWaitMs} when there are none yet (long poll). When the records from
 * {@code fromOffset} were compacted into a snapshot, it answers the snapshot instead (the payload of
 * {@code MetadataSnapshotFiles}: its end offset and image), and the broker continues after it.
 *
 * <pre>
 *  request:  from_offset int64 | max_bytes int32 | max_wait_ms int32 | tagged fields
 *  response: error_code int16 | leader_id int32 | next_offset int64 | snapshot compact nullable bytes
 *            | records compact array of ( offset int64 | record compact bytes ({@link MetadataRecordCodec}) )
 *            | tagged fields
 * </pre>
 *
 * {@code next_offset} is where the broker's next fetch starts: after the records (and any no-op
 * entries) returned. Every count and length is checked against the bytes that remain before anything
 * is allocated. Stateless; thread-safe.
 */
public final class FetchMetadataCodec {

    /** Smallest encoded record entry: its offset, a one-byte length and a record header. */
    private static final int MIN_ENTRY_BYTES = 8 + 1 + MetadataRecordCodec.HEADER_BYTES;

    private FetchMetadataCodec() {
    }

    /** The request. */
    public record Request(long fromOffset, int maxBytes, int maxWaitMs) {
        public Request {
            if (fromOffset < 0 || maxBytes < 0 || maxWaitMs < 0) {
                throw new IllegalArgumentException("fetch from " + fromOffset + ", " + maxBytes + " bytes, " + maxWaitMs + " ms");
            }
        }
    }

    /** One committed record and its metadata offset. */
    public record OffsetRecord(long offset, MetadataRecord record) {
    }

    /**
     * The response.
     *
     * @param snapshot   the snapshot payload when the asked offset was compacted, else null
     * @param records    committed records in offset order (after the snapshot, when there is one)
     * @param nextOffset where the next fetch starts
     */
    public record Response(short errorCode, int leaderId, long nextOffset, byte[] snapshot, List<OffsetRecord> records) {
        public Response {
            records = List.copyOf(records);
        }
    }

    public static void writeRequest(Request r, ProtocolWriter w) {
        w.writeInt64(r.fromOffset()).writeInt32(r.maxBytes()).writeInt32(r.maxWaitMs()).writeEmptyTaggedFields();
    }

    public static Request readRequest(ProtocolReader r) {
        long from = r.readInt64();
        int maxBytes = r.readInt32();
        int maxWaitMs = r.readInt32();
        r.skipTaggedFields();
        r.expectEnd();
        if (from < 0 || maxBytes < 0 || maxWaitMs < 0) {
            throw new MalformedMessageException("fetch from " + from + ", " + maxBytes + " bytes, " + maxWaitMs + " ms");
        }
        return new Request(from, maxBytes, maxWaitMs);
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt16(s.errorCode()).writeInt32(s.leaderId()).writeInt64(s.nextOffset()).writeNullableBytes(s.snapshot(), true);
        w.writeUnsignedVarint(s.records().size() + 1);
        for (OffsetRecord e : s.records()) {
            w.writeInt64(e.offset()).writeBytes(MetadataRecordCodec.encode(e.record()), true);
        }
        w.writeEmptyTaggedFields();
    }

    /**
     * @throws MalformedMessageException when truncated, a count exceeds the bytes left, or a record
     *         does not decode
     */
    public static Response readResponse(ProtocolReader r) {
        short error = r.readInt16();
        int leaderId = r.readInt32();
        long nextOffset = r.readInt64();
        byte[] snapshot = r.readNullableBytes(true);
        int count = r.readNonNullArrayLength(true);
        if ((long) count * MIN_ENTRY_BYTES > r.remaining()) {
            throw new MalformedMessageException(count + " records in " + r.remaining() + " bytes");
        }
        List<OffsetRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long offset = r.readInt64();
            byte[] bytes = r.readBytes(true);
            try {
                records.add(new OffsetRecord(offset, MetadataRecordCodec.decode(bytes)));
            } catch (CorruptMetadataException e) {
                throw new MalformedMessageException("record at offset " + offset + ": " + e.getMessage());
            }
        }
        r.skipTaggedFields();
        r.expectEnd();
        return new Response(error, leaderId, nextOffset, snapshot, records);
    }
}
