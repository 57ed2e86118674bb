package io.varve.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.Test;

/** Every Varve error code means what Kafka says it means, and is retriable exactly when Kafka's is. */
class ErrorsOracleTest {

    @Test
    void everyErrorHasKafkasNameCodeAndRetriability() {
        StringBuilder mismatches = new StringBuilder();
        for (Errors ours : Errors.values()) {
            org.apache.kafka.common.protocol.Errors theirs = org.apache.kafka.common.protocol.Errors.forCode(ours.code);
            boolean retriable = theirs.exception() instanceof RetriableException;
            if (!theirs.name().equals(ours.name()) || theirs.code() != ours.code || retriable != ours.retriable) {
                mismatches.append(ours).append('(').append(ours.code).append(", ").append(ours.retriable)
                        .append(") vs Kafka ").append(theirs).append('(').append(theirs.code()).append(", ")
                        .append(retriable).append(")\n");
            }
        }
        assertEquals("", mismatches.toString());
    }

    @Test
    void forCodeFindsEveryEntryAndMapsUnknownCodesToUnknownServerError() {
        for (Errors e : Errors.values()) {
            assertSame(e, Errors.forCode(e.code));
        }
        assertSame(Errors.UNKNOWN_SERVER_ERROR, Errors.forCode((short) 32_000));
        assertSame(Errors.UNKNOWN_SERVER_ERROR, Errors.forCode((short) -2));
    }
}
