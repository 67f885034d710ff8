package io.sfcrime.spark.retune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.ApplyMode;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.common.tuning.Setting;
import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The values of the FIXED_BY_CHECKPOINT keys a checkpoint was created with, kept beside it
 * ({@value #FILE}), so a restarted driver that reads a changed ConfigMap still refuses them instead of running the
 * old state with a new layout. For a checkpoint older than the file, the shuffle partitions come from Spark's own
 * offset log, and {@code query.preAggregate} is off (it did not exist yet: the state holds row counts).
 */
public final class CheckpointPins {
    public static final String FILE = "tuning-fixed.json";
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPins.class);
    private final Path checkpoint;

    public CheckpointPins(Path checkpoint) {
        this.checkpoint = checkpoint.toAbsolutePath();
    }

    /** The checkpoint's location when the counts query has written state (its offset log), else null. */
    public String existing() {
        Path offsets = checkpoint.resolve(JobQuery.COUNTS.checkpointDir()).resolve("offsets");
        if (!Files.isDirectory(offsets)) {
            return null;
        }
        try (Stream<Path> files = Files.list(offsets)) {
            return files.findAny().isPresent() ? checkpoint.toString() : null;
        } catch (IOException e) {
            return checkpoint.toString();
        }
    }

    /** {@code tuning} with the pinned values of an existing checkpoint, so the planner sees any difference. */
    public Tuning applyTo(Tuning tuning) {
        if (existing() == null) {
            return tuning;
        }
        Map<String, String> pins = read();
        if (pins.isEmpty()) {
            return tuning;
        }
        Map<String, String> merged = new LinkedHashMap<>(tuning.asStrings());
        merged.putAll(pins);
        return Tuning.fromMap(merged);
    }

    /** Records the fixed values while no state exists yet (the first run, or before the first batch). */
    public void writeIfFresh(Tuning tuning) {
        if (existing() != null && Files.exists(checkpoint.resolve(FILE))) {
            return;
        }
        ObjectNode n = Json.MAPPER.createObjectNode();
        for (Setting s : fixedKeys()) {
            n.put(s.name(), s.render(tuning.get(s)));
        }
        try {
            Files.createDirectories(checkpoint);
            Path tmp = checkpoint.resolve(FILE + ".tmp");
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), n);
            Files.move(tmp, checkpoint.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot record the checkpoint's fixed tuning in {}: {}", checkpoint, e.toString());
        }
    }

    Map<String, String> read() {
        Map<String, String> pins = new LinkedHashMap<>();
        Path file = checkpoint.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                Json.MAPPER.readTree(file.toFile()).fields()
                        .forEachRemaining(e -> pins.put(e.getKey(), e.getValue().asText()));
            } else {
                String partitions = shufflePartitionsFromOffsetLog();
                if (partitions != null) {
                    pins.put(TuningKeys.SHUFFLE_PARTITIONS.name(), partitions);
                }
            }
            // A checkpoint from before query.preAggregate existed holds row counts, not sums of partial counts.
            pins.putIfAbsent(TuningKeys.PRE_AGGREGATE.name(), "false");
        } catch (IOException e) {
            LOG.warn("cannot read the checkpoint's fixed tuning in {}: {}", checkpoint, e.toString());
        }
        return pins;
    }

    /** Spark writes the session's shuffle partitions into each offset-log entry and uses them on restart. */
    private String shufflePartitionsFromOffsetLog() throws IOException {
        Path offsets = checkpoint.resolve(JobQuery.COUNTS.checkpointDir()).resolve("offsets");
        try (Stream<Path> files = Files.list(offsets)) {
            Path last = files.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString()))).orElse(null);
            if (last == null) {
                return null;
            }
            List<String> lines = Files.readAllLines(last);
            if (lines.size() < 2) {
                return null;
            }
            JsonNode meta = Json.MAPPER.readTree(lines.get(1));
            JsonNode v = meta.path("conf").path(TuningKeys.SHUFFLE_PARTITIONS.name());
            return v.isMissingNode() ? null : v.asText();
        }
    }

    static List<Setting> fixedKeys() {
        return TuningKeys.ALL.stream().filter(s -> s.applyMode() == ApplyMode.FIXED_BY_CHECKPOINT).toList();
    }
}
