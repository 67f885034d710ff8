package io.sfcrime.spark.sink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The open totals after each batch, one small JSON file per batch id in the counts query's checkpoint
 * ({@code <checkpoint>/counts/sink-totals/<batch>.json}), so a query start reads the totals before its first batch
 * instead of the whole results topic.
 * <p>
 * Exact across kill -9 at any moment: batch N reads snapshot N-1 and writes snapshot N after its results. Spark runs a
 * batch again (same offsets, watermark and prior state) until its commit is written, and that run reads the same
 * snapshot N-1 and rewrites the same snapshot N. So the two latest snapshots are kept, each written whole to a
 * temporary file and renamed into place: a reader never sees a half-written one.
 */
public final class TotalsSnapshots {
    public static final String DIR = "sink-totals";
    private static final String SUFFIX = ".json";

    private final Path dir;

    /** @param queryCheckpoint the counts query's checkpoint directory */
    public TotalsSnapshots(Path queryCheckpoint) {
        this.dir = queryCheckpoint.resolve(DIR);
    }

    public Path dir() {
        return dir;
    }

    Path file(long batchId) {
        return dir.resolve(batchId + SUFFIX);
    }

    /** Writes the totals after their batch atomically, then removes snapshots older than the one before it. */
    public void write(OpenTotals totals, long watermarkMs) {
        long batchId = totals.batchId();
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(batchId + SUFFIX + ".tmp");
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
                try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                    g.writeStartObject();
                    g.writeNumberField("batch_id", batchId);
                    g.writeNumberField("watermark_ms", watermarkMs);
                    g.writeArrayFieldStart("totals");
                    for (Map.Entry<String, OpenTotals.Total> e : totals.asMap().entrySet()) {
                        g.writeStartArray();
                        g.writeString(e.getKey());
                        if (e.getValue().windowEndMs() == OpenTotals.NO_WINDOW) {
                            g.writeNull();
                        } else {
                            g.writeNumber(e.getValue().windowEndMs());
                        }
                        g.writeNumber(e.getValue().count());
                        g.writeEndArray();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                channel.force(true);
            }
            Files.move(tmp, file(batchId), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            prune(batchId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results sink's totals after batch " + batchId + " to "
                    + dir, e);
        }
    }

    /** Keeps the snapshot of {@code batchId} and of the batch before it (a rerun of {@code batchId} reads that one). */
    private void prune(long batchId) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("\\d+\\.json(\\.tmp)?")
                        && Long.parseLong(name.substring(0, name.indexOf('.'))) < batchId - 1) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The totals after {@code batchId}, or empty when that snapshot does not exist. */
    public Optional<OpenTotals> read(long batchId) {
        Path f = file(batchId);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = Json.MAPPER.readTree(f.toFile());
            if (n.path("batch_id").asLong(-2) != batchId) {
                throw new IllegalStateException("snapshot " + f + " holds batch " + n.path("batch_id") + ", not "
                        + batchId);
            }
            Map<String, OpenTotals.Total> totals = new HashMap<>();
            for (JsonNode t : n.path("totals")) {
                long end = t.get(1).isNull() ? OpenTotals.NO_WINDOW : t.get(1).asLong();
                totals.put(t.get(0).asText(), new OpenTotals.Total(end, t.get(2).asLong()));
            }
            return Optional.of(new OpenTotals(batchId, totals));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the results sink's totals " + f, e);
        }
    }
}
