/**
 * The small durable files next to the partition logs, in Kafka's formats so operators feel at home
 * (DESIGN §4): {@link io.varve.storage.checkpoint.CheckpointFile} (the versioned, counted text format),
 * the per-directory offset checkpoints ({@link io.varve.storage.checkpoint.OffsetCheckpointFile}),
 * each partition's {@link io.varve.storage.checkpoint.LeaderEpochCache}, the directory's
 * {@link io.varve.storage.checkpoint.LogDirMetadata} ({@code meta.properties}) and the
 * {@link io.varve.storage.checkpoint.CleanShutdownMarker}.
 *
 * <p>Every write is atomic and durable: write {@code <name>.tmp}, fsync it, rename it over the
 * target, fsync the directory. A crash leaves the old file or the new one, never a mix. Reads are
 * strict: anything unexpected is a {@link io.varve.storage.checkpoint.CorruptCheckpointException}
 * naming the file and line, never a guess.
 *
 * <p>Plain file I/O only: no memory mapping, no threads, no thread pools; callers own scheduling.
 */
package io.varve.storage.checkpoint;
