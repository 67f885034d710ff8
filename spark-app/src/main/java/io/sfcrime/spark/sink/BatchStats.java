package io.sfcrime.spark.sink;

import java.util.Map;

/**
 * What one micro-batch added, measured in the results sink from the change of the exact counters: valid and invalid
 * input rows (in all and by reason), rows counted in windows, and late rows (valid minus counted).
 */
public record BatchStats(long batchId, long updatedRows, long validRows, long invalidRows, long countedRows,
                         Map<String, Long> invalidByReason) {
    public BatchStats {
        invalidByReason = Map.copyOf(invalidByReason);
    }

    public long lateRows() {
        return validRows - countedRows;
    }
}
