package io.varve.consumer;

import io.varve.common.TopicPartition;

/**
 * A fetched batch failed validation (CRC, lengths, record layout, decompression). The consumer does
 * not guess around corrupt data: the position stays at the first record not returned, so every poll
 * fails the same way until the application seeks past it.
 */
public final class CorruptRecordException extends ConsumerException {

    private static final long serialVersionUID = 1L;

    private final transient TopicPartition partition;
    private final long offset;

    public CorruptRecordException(TopicPartition partition, long offset, String reason) {
        super("corrupt record batch in " + partition + " at or after offset " + offset + ": " + reason);
        this.partition = partition;
        this.offset = offset;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** The position of the partition when the corrupt batch was found. */
    public long offset() {
        return offset;
    }
}
