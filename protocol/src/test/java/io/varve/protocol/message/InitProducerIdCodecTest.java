package io.varve.protocol.message;

import static io.varve.protocol.message.KafkaCodecOracle.kafkaBytes;
import static io.varve.protocol.message.KafkaCodecOracle.kafkaRead;
import static io.varve.protocol.message.KafkaCodecOracle.varveBytes;
import static io.varve.protocol.message.KafkaCodecOracle.varveRead;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varve.protocol.ApiKey;
import io.varve.protocol.Errors;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;

class InitProducerIdCodecTest {

    private static final ApiKey KEY = ApiKey.INIT_PRODUCER_ID;

    /** ProducerId and ProducerEpoch exist from v3; before that they keep Kafka's defaults (-1). */
    static InitProducerIdRequestData kafkaRequest(short version, String transactionalId) {
        InitProducerIdRequestData data = new InitProducerIdRequestData().setTransactionalId(transactionalId)
                .setTransactionTimeoutMs(60_000);
        if (version >= 3) {
            data.setProducerId(987_654_321_012L).setProducerEpoch((short) 17);
        }
        return data;
    }

    static InitProducerIdRequest expected(InitProducerIdRequestData theirs) {
        return new InitProducerIdRequest(theirs.transactionalId(), theirs.transactionTimeoutMs(), theirs.producerId(),
                theirs.producerEpoch());
    }

    static InitProducerIdResponse expected(InitProducerIdResponseData theirs) {
        return new InitProducerIdResponse(theirs.throttleTimeMs(), theirs.errorCode(), theirs.producerId(),
                theirs.producerEpoch());
    }

    @Test
    void requestRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            for (String transactionalId : new String[] {"txn-1", null}) {
                InitProducerIdRequestData theirs = kafkaRequest(v, transactionalId);
                ByteBuffer kafka = kafkaBytes(theirs, v);
                InitProducerIdRequest ours = varveRead(kafka, v, InitProducerIdRequest::read);
                assertEquals(expected(theirs), ours, "decoded v" + v);
                ByteBuffer mine = varveBytes(ours, v);
                assertEquals(kafka, mine, "byte-identical at v" + v);
                assertEquals(theirs, kafkaRead(mine, v, InitProducerIdRequestData::new), "Kafka decodes ours at v" + v);
            }
        }
    }

    @Test
    void responseRoundTripsWithKafkaAtEveryAdvertisedVersion() {
        for (short v = KEY.minVersion; v <= KEY.maxVersion; v++) {
            InitProducerIdResponseData theirs = new InitProducerIdResponseData().setThrottleTimeMs(12)
                    .setErrorCode(Errors.CONCURRENT_TRANSACTIONS.code).setProducerId(42_000_000_000L)
                    .setProducerEpoch((short) 3);
            ByteBuffer kafka = kafkaBytes(theirs, v);
            InitProducerIdResponse ours = varveRead(kafka, v, InitProducerIdResponse::read);
            assertEquals(expected(theirs), ours, "decoded v" + v);
            ByteBuffer mine = varveBytes(ours, v);
            assertEquals(kafka, mine, "byte-identical at v" + v);
            assertEquals(theirs, kafkaRead(mine, v, InitProducerIdResponseData::new), "Kafka decodes ours at v" + v);
        }
    }

    @Test
    void unknownTaggedFieldsAreSkipped() {
        InitProducerIdRequestData theirs = kafkaRequest((short) 4, "txn");
        InitProducerIdRequest plain = expected(theirs);
        theirs.unknownTaggedFields().add(new RawTaggedField(0, new byte[] {1, 1}));
        theirs.unknownTaggedFields().add(new RawTaggedField(5, new byte[] {2}));
        assertEquals(plain, varveRead(kafkaBytes(theirs, (short) 4), (short) 4, InitProducerIdRequest::read));
    }

    @Test
    void errorResponseCarriesTheErrorAndNoProducerId() {
        InitProducerIdResponse response = expected(kafkaRequest((short) 5, "txn"))
                .errorResponse(Errors.COORDINATOR_NOT_AVAILABLE);
        assertEquals(new InitProducerIdResponse(0, Errors.COORDINATOR_NOT_AVAILABLE.code, -1L, (short) -1), response);
    }
}
