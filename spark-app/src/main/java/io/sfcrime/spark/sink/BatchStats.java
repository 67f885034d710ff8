package io.sfcrime.spark.sink;

/**
 * What one micro-batch added, measured in the results sink from the change of the exact counters: valid and invalid
 * input rows, rows counted in windows, and late rows (valid minus counted).
 */
public record BatchStats(long batchId, long updatedRows, long validRows, long invalidRows, long countedRows) {
    public long lateRows() {
        return validRows - countedRows;
    }
}
