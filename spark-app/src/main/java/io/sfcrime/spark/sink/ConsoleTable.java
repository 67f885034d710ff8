package io.sfcrime.spark.sink;

import java.io.PrintStream;
import java.util.List;

/** Console top-N: the top rows by count of the windows a batch updated, as a fixed-width table. */
final class ConsoleTable {
    record Line(String windowStart, String windowEnd, String crimeType, long count) {
    }

    private ConsoleTable() {
    }

    static void print(PrintStream out, long batchId, int totalUpdated, List<Line> top) {
        int typeWidth = Math.max(24, top.stream().mapToInt(l -> l.crimeType().length()).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        String rule = "-".repeat(19 + 2 + 19 + 2 + typeWidth + 2 + 7);
        sb.append(rule).append('\n');
        sb.append("Batch ").append(batchId).append(": top ").append(top.size()).append(" of ").append(totalUpdated)
                .append(" updated (window, crime type) counts\n");
        sb.append(rule).append('\n');
        sb.append(String.format("%-19s  %-19s  %-" + typeWidth + "s  %7s%n", "window_start", "window_end",
                "original_crime_type_name", "count"));
        for (Line l : top) {
            sb.append(String.format("%-19s  %-19s  %-" + typeWidth + "s  %7d%n", l.windowStart(), l.windowEnd(),
                    l.crimeType(), l.count()));
        }
        out.print(sb);
        out.flush();
    }
}
