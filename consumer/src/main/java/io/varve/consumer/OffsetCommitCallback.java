package io.varve.consumer;

import io.varve.common.TopicPartition;
import java.util.Map;

/** Told how a {@link VarveConsumer#commitAsync} ended; runs on the polling thread, inside a later poll or close. */
@FunctionalInterface
public interface OffsetCommitCallback {

    /**
     * @param offsets   the offsets the commit carried
     * @param exception null on success, else why it failed
     */
    void onComplete(Map<TopicPartition, OffsetAndMetadata> offsets, Exception exception);
}
