package io.varve.raft.controller;

import io.varve.raft.metadata.MetadataRecord;
import java.util.List;

/**
 * What the {@link ControllerStateMachine} decided for one command: the response to give once the
 * records are committed, and the records to commit (empty when nothing changes, for example on
 * validateOnly or when every entry failed). The response is valid only after the records are durable:
 * answering first would acknowledge a change a crash could lose (persist before reply).
 *
 * @param response the response
 * @param records  the records to append, in order, as one batch; copied
 * @param <R>      the response type
 */
public record ControllerResult<R>(R response, List<MetadataRecord> records) {
    public ControllerResult {
        records = List.copyOf(records);
    }
}
