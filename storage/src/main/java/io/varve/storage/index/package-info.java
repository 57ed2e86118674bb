/**
 * The sparse indexes of a log segment, with Kafka's file names and layouts: the offset index
 * ({@code <baseOffset>.index}, {@link io.varve.storage.index.OffsetIndex}) maps offsets to byte
 * positions in the segment's {@code .log}, and the time index ({@code <baseOffset>.timeindex},
 * {@link io.varve.storage.index.TimeIndex}) maps timestamps to offsets. {@link
 * io.varve.storage.index.LogFileNames} names a segment's files.
 *
 * <p>Index files are mapped only through {@link io.varve.storage.MappedFileRegion}; nothing here
 * touches Chronicle Bytes, the segment's records or a thread of its own. Writes happen under the
 * owning log's lock; lookups may run on reader threads at the same time (see each class).
 */
package io.varve.storage.index;
