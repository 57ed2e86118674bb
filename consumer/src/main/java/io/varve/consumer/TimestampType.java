package io.varve.consumer;

/** What a record's timestamp means: set by the producer, or by the broker when it appended the batch. */
public enum TimestampType {
    CREATE_TIME,
    LOG_APPEND_TIME
}
