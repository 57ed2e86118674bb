package io.varve.raft.rpc;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import io.varve.raft.core.RaftEntry;
import io.varve.raft.core.RaftMessage;
import io.varve.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a {@link InternalApiKey#RAFT_MESSAGE} request, flexible (compact) encoding:
 *
 * <pre>
 *  kind int8 | from int32 | to int32 | term int32 | kind's fields | tagged fields
 *   0 VoteRequest    pre_vote bool | last_log_index int64 | last_log_term int32
 *   1 VoteResponse   pre_vote bool | granted bool
 *   2 AppendRequest  prev_log_index int64 | prev_log_term int32 | commit_index int64
 *                    | entries compact array of (index int64 | term int32 | data compact bytes)
 *   3 AppendResponse success bool | match_index int64
 *   4 SnapshotRequest last_index int64 | last_term int32 | data compact bytes
 *   5 SnapshotResponse last_index int64
 * </pre>
 *
 * The response body is {@code error_code int16 | tagged fields}: receipt only, since Raft's answers
 * travel as messages of their own. Decoding checks every length against the bytes left (so a hostile
 * length allocates nothing) and that records build: a truncated or inconsistent body is
 * {@link MalformedMessageException}.
 *
 * <p>Stateless; thread-safe.
 */
public final class RaftMessageCodec {

    private static final int VOTE_REQUEST = 0;
    private static final int VOTE_RESPONSE = 1;
    private static final int APPEND_REQUEST = 2;
    private static final int APPEND_RESPONSE = 3;
    private static final int SNAPSHOT_REQUEST = 4;
    private static final int SNAPSHOT_RESPONSE = 5;

    private RaftMessageCodec() {
    }

    /** Writes {@code m} as a request body. */
    public static void write(RaftMessage m, ProtocolWriter w) {
        if (m instanceof RaftMessage.VoteRequest v) {
            header(w, VOTE_REQUEST, m);
            w.writeBoolean(v.preVote()).writeInt64(v.lastLogIndex()).writeInt32(v.lastLogTerm());
        } else if (m instanceof RaftMessage.VoteResponse v) {
            header(w, VOTE_RESPONSE, m);
            w.writeBoolean(v.preVote()).writeBoolean(v.granted());
        } else if (m instanceof RaftMessage.AppendRequest a) {
            header(w, APPEND_REQUEST, m);
            w.writeInt64(a.prevLogIndex()).writeInt32(a.prevLogTerm()).writeInt64(a.commitIndex());
            w.writeArrayLength(a.entries().size(), true);
            for (RaftEntry e : a.entries()) {
                w.writeInt64(e.index()).writeInt32(e.term()).writeBytes(e.data(), true);
            }
        } else if (m instanceof RaftMessage.AppendResponse a) {
            header(w, APPEND_RESPONSE, m);
            w.writeBoolean(a.success()).writeInt64(a.matchIndex());
        } else if (m instanceof RaftMessage.SnapshotRequest s) {
            header(w, SNAPSHOT_REQUEST, m);
            w.writeInt64(s.meta().lastIndex()).writeInt32(s.meta().lastTerm()).writeBytes(s.data(), true);
        } else if (m instanceof RaftMessage.SnapshotResponse s) {
            header(w, SNAPSHOT_RESPONSE, m);
            w.writeInt64(s.lastIndex());
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
        w.writeEmptyTaggedFields();
    }

    private static void header(ProtocolWriter w, int kind, RaftMessage m) {
        w.writeInt8(kind).writeInt32(m.from()).writeInt32(m.to()).writeInt32(m.term());
    }

    /**
     * Reads a request body written by {@link #write}, to its end.
     *
     * @throws MalformedMessageException when truncated, trailing, of an unknown kind or inconsistent
     */
    public static RaftMessage read(ProtocolReader r) {
        int kind = r.readInt8();
        int from = r.readInt32();
        int to = r.readInt32();
        int term = r.readInt32();
        RaftMessage m;
        try {
            m = switch (kind) {
                case VOTE_REQUEST -> new RaftMessage.VoteRequest(from, to, term, r.readBoolean(), r.readInt64(), r.readInt32());
                case VOTE_RESPONSE -> new RaftMessage.VoteResponse(from, to, term, r.readBoolean(), r.readBoolean());
                case APPEND_REQUEST -> readAppend(r, from, to, term);
                case APPEND_RESPONSE -> new RaftMessage.AppendResponse(from, to, term, r.readBoolean(), r.readInt64());
                case SNAPSHOT_REQUEST -> new RaftMessage.SnapshotRequest(from, to, term,
                    new SnapshotMeta(r.readInt64(), r.readInt32()), r.readBytes(true));
                case SNAPSHOT_RESPONSE -> new RaftMessage.SnapshotResponse(from, to, term, r.readInt64());
                default -> throw new MalformedMessageException("unknown raft message kind " + kind);
            };
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("inconsistent raft message: " + e.getMessage());
        }
        r.skipTaggedFields();
        r.expectEnd();
        return m;
    }

    private static RaftMessage readAppend(ProtocolReader r, int from, int to, int term) {
        long prevLogIndex = r.readInt64();
        int prevLogTerm = r.readInt32();
        long commitIndex = r.readInt64();
        int count = r.readNonNullArrayLength(true);
        List<RaftEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new RaftEntry(r.readInt64(), r.readInt32(), r.readBytes(true)));
        }
        return new RaftMessage.AppendRequest(from, to, term, prevLogIndex, prevLogTerm, entries, commitIndex);
    }

    /** Writes the acknowledgment body. */
    public static void writeAck(short errorCode, ProtocolWriter w) {
        w.writeInt16(errorCode).writeEmptyTaggedFields();
    }

    /** Reads the acknowledgment body and returns its error code. */
    public static short readAck(ProtocolReader r) {
        short error = r.readInt16();
        r.skipTaggedFields();
        r.expectEnd();
        return error;
    }
}
