/**
 * The parts of log compaction that work on bytes alone: the bounded key to last-offset map
 * ({@link io.varve.storage.cleaner.OffsetMap}), the batch rewriter that keeps a batch's header and its
 * surviving records ({@link io.varve.storage.cleaner.BatchCleaner}), and the I/O pacing
 * ({@link io.varve.storage.cleaner.Throttler}). The pass over a log's segments and the file swap are
 * {@link io.varve.storage.LogCleaner}'s. Like the rest of storage, no thread, thread pool, Netty or
 * Micrometer here: time and waiting are injected.
 */
package io.varve.storage.cleaner;
