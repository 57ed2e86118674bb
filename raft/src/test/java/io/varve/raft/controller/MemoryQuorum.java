package io.varve.raft.controller;

import io.varve.raft.log.AppendOutcome;
import io.varve.raft.log.MetadataQuorum;
import io.varve.raft.metadata.MetadataRecord;
import io.varve.raft.metadata.MetadataRecordCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * A metadata quorum in memory that commits every append at once, for tests of controller logic. Each
 * record goes through {@link MetadataRecordCodec} on the way in, so what is read back is what a real
 * log would give. Several controllers may share one, as successive leaders of one log.
 */
final class MemoryQuorum implements MetadataQuorum {

    private final List<byte[]> committed = new ArrayList<>();

    @Override
    public AppendOutcome append(List<MetadataRecord> records) {
        long base = committed.size();
        for (MetadataRecord record : records) {
            committed.add(MetadataRecordCodec.encode(record));
        }
        return AppendOutcome.committed(base, committed.size() - 1);
    }

    @Override
    public long read(long fromOffset, RecordVisitor visitor) {
        for (int i = (int) Math.max(0, fromOffset); i < committed.size(); i++) {
            visitor.onRecord(MetadataRecordCodec.decode(committed.get(i)), i);
        }
        return committed.size();
    }

    /** The committed records, decoded, in log order. */
    List<MetadataRecord> records() {
        List<MetadataRecord> records = new ArrayList<>();
        read(0, (record, offset) -> records.add(record));
        return records;
    }

    @Override
    public long endOffset() {
        return committed.size();
    }

    @Override
    public boolean isFailed() {
        return false;
    }

    @Override
    public void close() {
    }
}
