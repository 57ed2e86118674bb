package io.varve.broker;

import io.varve.config.BrokerConfig;
import io.varve.config.StorageConfig;
import io.varve.storage.checkpoint.LogDirMetadata;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Where the metadata log lives and which cluster it belongs to. The metadata log sits in
 * {@code metadata.log.dir} (default: the first of {@code log.dirs}) as {@code __cluster_metadata-0},
 * and that directory's {@code meta.properties} carries {@code cluster.id} and {@code node.id}. A
 * fresh directory is formatted on first start with a random cluster id, so {@code varve server}
 * needs no separate format step; a directory formatted for another node id is refused.
 */
final class MetadataDirs {

    private static final String LOCK_FILE = ".metadata.lock";

    private MetadataDirs() {
    }

    static Path metadataDir(BrokerConfig config, StorageConfig storage) {
        return config.metadataLogDir().isEmpty() ? storage.logDirs().get(0) : Path.of(config.metadataLogDir());
    }

    /**
     * Locks the metadata directory for this process, so that a second node started on the same data
     * fails before it reads the metadata log.
     */
    static AutoCloseable lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("metadata directory " + dir + " is in use by another Varve node");
        }
        FileLock held = lock;
        return () -> {
            held.release();
            channel.close();
        };
    }

    /** The cluster id recorded in {@code dir}, formatting the directory first if it has none. */
    static String clusterId(Path dir, int nodeId, Random random) throws IOException {
        Optional<LogDirMetadata> existing = LogDirMetadata.read(dir);
        if (existing.isPresent() && existing.get().clusterId().isPresent()) {
            OptionalInt recordedNode = existing.get().nodeId();
            if (recordedNode.isPresent() && recordedNode.getAsInt() != nodeId) {
                throw new IOException(dir + " belongs to node " + recordedNode.getAsInt() + ", not node.id=" + nodeId);
            }
            return existing.get().clusterId().get();
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String clusterId = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String directoryId = existing.map(LogDirMetadata::directoryId).orElse(LogDirMetadata.randomDirectoryId(random));
        new LogDirMetadata(directoryId, OptionalInt.of(nodeId), Optional.of(clusterId)).write(dir);
        return clusterId;
    }
}
