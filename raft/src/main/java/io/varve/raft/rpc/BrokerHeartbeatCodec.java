package io.varve.raft.rpc;

import io.varve.protocol.codec.MalformedMessageException;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link InternalApiKey#BROKER_HEARTBEAT}: a broker renews its lease with the active controller.
 *
 * <pre>
 *  request:  node_id int32 | broker_epoch int64 | want_shut_down bool | tagged fields
 *              tag 0 offline_log_dirs: compact array of compact strings (absent = none offline)
 *  response: error_code int16 | fenced bool | should_shut_down bool | leader_id int32 | tagged fields
 * </pre>
 *
 * {@code leader_id} is the controller the answering node knows to be active (-1 if none).
 * {@code offline_log_dirs} names the broker's log directories that failed (Kafka's tagged
 * {@code OfflineLogDirs} of BrokerHeartbeat, KIP-858, which carries directory ids): a tagged field, so a
 * controller that does not know it skips it and a broker that sends none reads as before. Stateless;
 * thread-safe.
 */
public final class BrokerHeartbeatCodec {

    private BrokerHeartbeatCodec() {
    }

    /** Most offline log directories one request names. */
    static final int MAX_OFFLINE_LOG_DIRS = 1024;
    private static final int OFFLINE_LOG_DIRS_TAG = 0;

    /** The request; {@code offlineLogDirs} never null, empty when every log directory is online. */
    public record Request(int nodeId, long brokerEpoch, boolean wantShutDown, List<String> offlineLogDirs) {
        public Request {
            offlineLogDirs = List.copyOf(offlineLogDirs);
        }

        /** A request from a broker whose log directories are all online. */
        public Request(int nodeId, long brokerEpoch, boolean wantShutDown) {
            this(nodeId, brokerEpoch, wantShutDown, List.of());
        }
    }

    /** The response. */
    public record Response(short errorCode, boolean fenced, boolean shouldShutDown, int leaderId) {
    }

    public static void write(Request q, ProtocolWriter w) {
        w.writeInt32(q.nodeId()).writeInt64(q.brokerEpoch()).writeBoolean(q.wantShutDown());
        if (q.offlineLogDirs().isEmpty()) {
            w.writeEmptyTaggedFields();
            return;
        }
        w.writeUnsignedVarint(1).writeTaggedField(OFFLINE_LOG_DIRS_TAG, body -> {
            body.writeArrayLength(q.offlineLogDirs().size(), true);
            q.offlineLogDirs().forEach(dir -> body.writeString(dir, true));
        });
    }

    public static Request readRequest(ProtocolReader r) {
        int nodeId = r.readInt32();
        long brokerEpoch = r.readInt64();
        boolean wantShutDown = r.readBoolean();
        List<String> offline = new ArrayList<>();
        r.readTaggedFields((tag, body) -> {
            if (tag != OFFLINE_LOG_DIRS_TAG) {
                return false;
            }
            int count = body.readNonNullArrayLength(true);
            if (count > MAX_OFFLINE_LOG_DIRS) {
                throw new MalformedMessageException("offline_log_dirs of " + count + " entries");
            }
            for (int i = 0; i < count; i++) {
                offline.add(body.readString(true));
            }
            return true;
        });
        r.expectEnd();
        return new Request(nodeId, brokerEpoch, wantShutDown, offline);
    }

    public static void write(Response s, ProtocolWriter w) {
        w.writeInt16(s.errorCode()).writeBoolean(s.fenced()).writeBoolean(s.shouldShutDown()).writeInt32(s.leaderId())
            .writeEmptyTaggedFields();
    }

    public static Response readResponse(ProtocolReader r) {
        Response s = new Response(r.readInt16(), r.readBoolean(), r.readBoolean(), r.readInt32());
        r.skipTaggedFields();
        r.expectEnd();
        return s;
    }
}
