package io.varve.producer;

/**
 * Told once when a sent record is acknowledged or has failed. Runs on the producer's sender thread,
 * in send order per partition: keep it short and never block in it (a blocking callback delays
 * every other record of the producer).
 */
@FunctionalInterface
public interface Callback {

    /**
     * @param metadata where the record was written, or null when it failed
     * @param error    why the record failed, or null when it succeeded
     */
    void onCompletion(RecordMetadata metadata, Exception error);
}
