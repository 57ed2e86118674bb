package io.varve.storage;

/**
 * What opening a partition log found and repaired: a line for the operator's log and facts for
 * tests. Immutable.
 *
 * @param segments          segments loaded
 * @param recoveredSegments segments whose every batch was validated and whose indexes were rebuilt
 * @param truncatedBytes    bytes cut from torn or corrupt tails that were not zeros: the rejected batch and
 *                          the batches its header chains to, as far as headers tell (docs/storage.md, Recovery)
 * @param corruptBatches    batches found corrupt (each one ends the log there)
 * @param deletedSegments   segments deleted because they lay after a corruption or below the log start
 * @param bytesScanned      bytes of {@code .log} files that loading walked: the batches recovery validated,
 *                          the batches after each trusted segment's last index entry, and the header where
 *                          each walk stopped; it follows the data, never the preallocated space after it
 * @param firstProblem      a description of the first corruption, or empty
 */
public record RecoveryReport(int segments, int recoveredSegments, long truncatedBytes, int corruptBatches,
                             int deletedSegments, long bytesScanned, String firstProblem) {

    public static final RecoveryReport NONE = new RecoveryReport(0, 0, 0, 0, 0, 0, "");

    public boolean isClean() {
        return truncatedBytes == 0 && corruptBatches == 0 && deletedSegments == 0;
    }
}
