package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * InitProducerId response, v2-v5 (all flexible; one layout).
 *
 * <pre>
 *  throttle_time_ms int32 | error_code int16 | producer_id int64 | producer_epoch int16
 * </pre>
 *
 * @param producerId    the producer id granted, -1 on error
 * @param producerEpoch the epoch that goes with it, -1 on error
 */
public record InitProducerIdResponse(int throttleTimeMs, short errorCode, long producerId, short producerEpoch)
        implements ApiResponse {

    /** Decodes a response body at {@code version}, which must lie in the InitProducerId band. */
    public static InitProducerIdResponse read(ProtocolReader r, short version) {
        InitProducerIdRequest.checkVersion(version);
        InitProducerIdResponse response = new InitProducerIdResponse(r.readInt32(), r.readInt16(), r.readInt64(),
                r.readInt16());
        r.skipTaggedFields();
        return response;
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        InitProducerIdRequest.checkVersion(version);
        w.writeInt32(throttleTimeMs).writeInt16(errorCode).writeInt64(producerId).writeInt16(producerEpoch)
                .writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }
}
