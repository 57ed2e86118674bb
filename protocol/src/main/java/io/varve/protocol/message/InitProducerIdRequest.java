package io.varve.protocol.message;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import io.varve.protocol.codec.ProtocolReader;
import io.varve.protocol.codec.ProtocolWriter;

/**
 * InitProducerId request, v2-v5 (all flexible). v3 adds the current producer id and epoch, so a
 * producer can bump its epoch instead of getting a new id; v4-v5 change only the semantics.
 *
 * <pre>
 *  transactional_id nullable | transaction_timeout_ms int32 | producer_id int64 (v3+) | producer_epoch int16 (v3+)
 * </pre>
 *
 * @param transactionalId      null for an idempotent, non-transactional producer
 * @param transactionTimeoutMs idle transactions are aborted after this; only used with a transactional id
 * @param producerId           v3+; -1 for a new producer (and always -1 before v3)
 * @param producerEpoch        v3+; -1 for a new producer (and always -1 before v3)
 */
public record InitProducerIdRequest(String transactionalId, int transactionTimeoutMs, long producerId,
        short producerEpoch) implements ApiRequest {

    /** Decodes a request body at {@code version}, which must lie in the InitProducerId band. */
    public static InitProducerIdRequest read(ProtocolReader r, short version) {
        checkVersion(version);
        String transactionalId = r.readNullableString(true);
        int transactionTimeoutMs = r.readInt32();
        long producerId = version >= 3 ? r.readInt64() : -1L;
        short producerEpoch = version >= 3 ? r.readInt16() : -1;
        r.skipTaggedFields();
        return new InitProducerIdRequest(transactionalId, transactionTimeoutMs, producerId, producerEpoch);
    }

    @Override
    public void write(ProtocolWriter w, short version) {
        checkVersion(version);
        w.writeNullableString(transactionalId, true).writeInt32(transactionTimeoutMs);
        if (version >= 3) {
            w.writeInt64(producerId).writeInt16(producerEpoch);
        }
        w.writeEmptyTaggedFields();
    }

    @Override
    public ApiKey apiKey() {
        return ApiKey.INIT_PRODUCER_ID;
    }

    /** {@code error} with no producer id (-1) and no epoch (-1). */
    @Override
    public InitProducerIdResponse errorResponse(Errors error) {
        return new InitProducerIdResponse(0, error.code, -1L, (short) -1);
    }

    static void checkVersion(short version) {
        if (!ApiKey.INIT_PRODUCER_ID.isVersionSupported(version)) {
            throw new IllegalArgumentException("InitProducerId v" + version + " is outside the supported band");
        }
    }
}
