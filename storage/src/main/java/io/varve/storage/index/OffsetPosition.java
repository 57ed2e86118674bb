package io.varve.storage.index;

/** An offset index entry: the record batch holding {@code offset} starts at byte {@code position}. */
public record OffsetPosition(long offset, int position) {
}
