package io.sfcrime.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.CallFields;
import io.sfcrime.common.DeadLetter;
import io.sfcrime.common.report.ReportField;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code --format table}: a live top-N of crime types. Input records ({@code original_crime_type_name}) count
 * one each; result rows ({@code crime_type} + {@code count}) are updates, so the latest row per key wins and a
 * type's total is the sum of its latest rows; dead-letter records count under their {@code dlq.reason}.
 */
final class TablePrinter implements RecordPrinter {
    static final long REFRESH_NANOS = 1_000_000_000L;
    private static final String CLEAR = "\033[H\033[2J";

    private final PrintStream out;
    private final int top;
    private final boolean live;
    private final LongSupplier nanoClock;
    private final Map<String, Long> inputCounts = new HashMap<>();
    /** Latest count per result-row key, with the crime type it belongs to. */
    private final Map<String, Map.Entry<String, Long>> resultRows = new HashMap<>();
    private long records;
    private long other;
    private long lastDraw;
    private boolean dirty;

    /**
     * @param live redraw in place at most once a second (a terminal); otherwise only the final table is printed
     */
    TablePrinter(PrintStream out, int top, boolean live, LongSupplier nanoClock) {
        this.out = out;
        this.top = top;
        this.live = live;
        this.nanoClock = nanoClock;
        this.lastDraw = nanoClock.getAsLong();
    }

    @Override
    public void print(ConsumerRecord<byte[], byte[]> record) {
        records++;
        dirty = true;
        Header reason = record.headers().lastHeader(DeadLetter.REASON);
        if (reason != null && reason.value() != null) {
            inputCounts.merge("[dead letter] " + SafeText.lenient(reason.value()), 1L, Long::sum);
            return;
        }
        JsonNode value = record.value() == null ? null : JsonPrinter.toJson(record.value());
        if (value != null && value.isObject()) {
            JsonNode type = value.get(CallFields.ORIGINAL_CRIME_TYPE_NAME);
            JsonNode resultType = value.get(ReportField.CRIME_TYPE.key());
            JsonNode count = value.get(ReportField.COUNT.key());
            if (resultType != null && resultType.isTextual() && count != null && count.canConvertToLong()) {
                String key = record.key() != null ? new String(record.key(), StandardCharsets.UTF_8)
                        : value.path(ReportField.WINDOW_START.key()).asText() + "|" + resultType.asText() + "|"
                        + value.path(ReportField.DISPOSITION.key()).asText();
                resultRows.put(key, Map.entry(resultType.asText(), count.asLong()));
                return;
            }
            if (type != null && type.isTextual()) {
                inputCounts.merge(type.asText(), 1L, Long::sum);
                return;
            }
        }
        other++;
    }

    /** Current totals per crime type, largest first, ties by name. */
    List<Map.Entry<String, Long>> ranking() {
        Map<String, Long> totals = new HashMap<>(inputCounts);
        resultRows.values().forEach(e -> totals.merge(e.getKey(), e.getValue(), Long::sum));
        List<Map.Entry<String, Long>> list = new ArrayList<>(totals.entrySet());
        list.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        return list;
    }

    String render() {
        List<Map.Entry<String, Long>> ranking = ranking();
        long total = ranking.stream().mapToLong(Map.Entry::getValue).sum();
        int width = Math.max(10, ranking.stream().limit(top).mapToInt(e -> e.getKey().length()).max().orElse(0));
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%4s  %-" + width + "s  %10s  %6s%n", "#", "crime type", "calls", "share"));
        int rank = 0;
        for (Map.Entry<String, Long> e : ranking) {
            if (rank == top) {
                break;
            }
            rank++;
            b.append(String.format(Locale.ROOT, "%4d  %-" + width + "s  %10d  %5.1f%%%n", rank,
                    SafeText.printable(e.getKey()), e.getValue(), total == 0 ? 0.0 : 100.0 * e.getValue() / total));
        }
        b.append(String.format(Locale.ROOT, "%d records, %d crime types, %d calls counted%s%n", records,
                ranking.size(), total, other == 0 ? "" : ", " + other + " records without a crime type"));
        return b.toString();
    }

    @Override
    public void afterPoll() {
        long now = nanoClock.getAsLong();
        if (live && dirty && now - lastDraw >= REFRESH_NANOS) {
            out.print(CLEAR);
            out.print(render());
            out.flush();
            lastDraw = now;
            dirty = false;
        }
    }

    @Override
    public void finish() {
        if (live) {
            out.print(CLEAR);
        }
        out.print(render());
        out.flush();
    }
}
