package io.varve.broker.group;

import io.varve.protocol.Errors;
import java.util.List;

/**
 * Where the coordinator persists what it must not forget: committed offsets and group metadata, as
 * records of the group's {@code __consumer_offsets} partition. The coordinator answers a commit only
 * after {@link #append} returned {@link Errors#NONE}, and changes its state only then (write before
 * acknowledge). The broker appends to the local partition's log; tests keep the records in memory.
 */
@FunctionalInterface
public interface GroupLog {

    /**
     * Appends {@code records} to the partition of {@code groupId}, all or nothing.
     *
     * @return NONE once written; NOT_COORDINATOR when this node no longer leads the partition;
     *         another error when the write failed
     */
    Errors append(String groupId, List<CoordinatorRecord> records);
}
