package io.sfcrime.producer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sfcrime.common.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run did. {@code sent} counts records the broker acknowledged on the main topic, {@code deadLettered}
 * those acknowledged on the dead-letter topic, {@code failed} records that could not be delivered after retries.
 */
public record ProduceSummary(long read, long sent, long invalid, long deadLettered, long failed,
                             Map<String, Long> invalidByReason, long elapsedNanos, boolean stoppedEarly,
                             String firstFailure) {

    public ProduceSummary {
        invalidByReason = Map.copyOf(new TreeMap<>(invalidByReason));
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    public double sentPerSecond() {
        return elapsedNanos <= 0 ? 0 : sent / seconds();
    }

    /** {@code {"read":N,"sent":N,"invalid":N,...}}: the three contract fields first, then details. */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("read", read);
        o.put("sent", sent);
        o.put("invalid", invalid);
        o.put("dead_lettered", deadLettered);
        o.put("failed", failed);
        ObjectNode reasons = o.putObject("invalid_by_reason");
        new TreeMap<>(invalidByReason).forEach(reasons::put);
        o.put("seconds", Math.round(seconds() * 1000) / 1000.0);
        o.put("stopped_early", stoppedEarly);
        return o;
    }

    public void writeJson(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Write then move, so a reader polling for the file never sees half of it.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.MAPPER.writeValueAsBytes(toJson()));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The final line printed to stderr. */
    public String line() {
        StringBuilder sb = new StringBuilder(String.format(
                "done: read=%d sent=%d invalid=%d dead-lettered=%d failed=%d in %.1f s (%.0f records/s)%s",
                read, sent, invalid, deadLettered, failed, seconds(), sentPerSecond(),
                stoppedEarly ? " [stopped early]" : ""));
        if (!invalidByReason.isEmpty()) {
            sb.append("\ninvalid by reason: ");
            new TreeMap<>(invalidByReason).forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }
}
