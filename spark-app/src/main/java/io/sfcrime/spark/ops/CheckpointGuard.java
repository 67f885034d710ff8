package io.sfcrime.spark.ops;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.Json;
import io.sfcrime.common.tuning.JobQuery;
import io.sfcrime.spark.config.JobConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Checks the checkpoint before Spark sees it, because Spark's own reactions to a damaged one are silent or
 * cryptic: without {@code metadata} it gives the query a new id and resumes from the offsets (the report folds the
 * results topic by query id, so every count written before would silently vanish from it); without the counts
 * directory of an older checkpoint that still holds the former dead-letter query's, it recounts from
 * {@code source.startingOffsets}; a corrupted offsets or commits file fails deep
 * inside the first batch with a stack trace. Here each of these is refused with what is wrong and how to recover.
 * <p>
 * A checkpoint that is absent altogether (no directory, or one without the counts query's directory: the job has
 * one query, so that directory is its whole checkpoint) is a new job and is announced as such: the report then counts the input topic from its start under a new query id.
 */
public final class CheckpointGuard {
    private static final String RECOVER = "To recover, restore the whole checkpoint directory from a backup (or the "
            + "volume it lived on) and start again. To start over on purpose instead, move the checkpoint directory "
            + "aside and write to a new --results-topic (or delete the old one), so old and new counts are not mixed.";

    /**
     * The dead-letter query's directory in checkpoints written before the dead letters came from the counts query's
     * scan; nothing reads it any more, but its progress shows that a job ran here.
     */
    static final String LEGACY_DEAD_LETTER_DIR = "dead-letter";

    private CheckpointGuard() {
    }

    /** A checkpoint that must not be used as it is. */
    public static final class UnusableCheckpointException extends IllegalArgumentException {
        public UnusableCheckpointException(String message) {
            super(message);
        }
    }

    /** What one query's checkpoint directory holds: the latest batch with offsets and with a commit (-1: none). */
    record QueryCheckpoint(Path dir, boolean present, long latestOffsets, long latestCommit) {
    }

    /**
     * @return a notice to print when this is a new job (no checkpoint yet), empty when resuming
     * @throws UnusableCheckpointException when the checkpoint is incomplete or damaged
     */
    public static Optional<String> check(JobConfig config) {
        QueryCheckpoint counts = inspect(config.queryCheckpoint(JobQuery.COUNTS), true);
        if (counts.present()) {
            return Optional.empty();
        }
        // A checkpoint of the two-query job (a dead-letter query beside the counts) that lost its counts directory.
        QueryCheckpoint legacy = inspect(config.checkpoint().resolve(LEGACY_DEAD_LETTER_DIR), false);
        if (legacy.present()) {
            throw new UnusableCheckpointException("checkpoint " + config.checkpoint() + " is incomplete: "
                    + counts.dir() + " is missing while " + legacy.dir() + " has progress up to batch "
                    + Math.max(legacy.latestOffsets(), legacy.latestCommit()) + ". Starting the counts afresh "
                    + "would count the input again from source.startingOffsets. " + RECOVER);
        }
        return Optional.of("no checkpoint in " + config.checkpoint() + ": starting a new job (counts start from "
                + "zero at source.startingOffsets). If you expected to resume, stop now and restore the checkpoint.");
    }

    /** Reads one query's checkpoint directory; throws when it is damaged. */
    static QueryCheckpoint inspect(Path dir, boolean stateful) {
        if (!Files.isDirectory(dir) || isEmpty(dir)) {
            return new QueryCheckpoint(dir, false, -1, -1);
        }
        TreeMap<Long, Path> offsets = batchFiles(dir.resolve("offsets"));
        TreeMap<Long, Path> commits = batchFiles(dir.resolve("commits"));
        Path metadata = dir.resolve("metadata");
        if (!Files.isRegularFile(metadata)) {
            if (offsets.isEmpty() && commits.isEmpty()) {
                // Spark had not even written its id yet: nothing was read or counted from this directory.
                return new QueryCheckpoint(dir, false, -1, -1);
            }
            throw damaged(dir, "its metadata file (the query id) is missing while offsets/ and commits/ hold "
                    + "batches; Spark would resume under a new id and the report, which folds results by query id, "
                    + "would silently lose every count written before");
        }
        checkMetadata(dir, metadata);
        for (Path f : offsets.values()) {
            checkLog(dir, f, true);
        }
        for (Path f : commits.values()) {
            checkLog(dir, f, false);
        }
        long latestOffsets = offsets.isEmpty() ? -1 : offsets.lastKey();
        long latestCommit = commits.isEmpty() ? -1 : commits.lastKey();
        if (latestCommit > latestOffsets) {
            throw damaged(dir, "commits/" + latestCommit + " exists but offsets/ ends at batch " + latestOffsets
                    + " (offsets files were deleted)");
        }
        if (stateful && latestCommit >= 0 && !Files.isDirectory(dir.resolve("state"))) {
            throw damaged(dir, "state/ (the running counts) is missing while commits/ holds batch " + latestCommit
                    + "; the counts cannot continue from there");
        }
        return new QueryCheckpoint(dir, true, latestOffsets, latestCommit);
    }

    private static void checkMetadata(Path dir, Path metadata) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(metadata, StandardCharsets.UTF_8));
            UUID.fromString(n.path("id").asText(""));
        } catch (IOException | RuntimeException e) {
            throw damaged(dir, "its metadata file is unreadable (" + e.getClass().getSimpleName() + ": "
                    + firstLine(e.getMessage()) + ")");
        }
    }

    /**
     * Spark's metadata logs: a version line {@code v1}, then one JSON document per line (offsets: batch metadata and
     * one line per source, which may be {@code -} for a source without offsets yet).
     */
    private static void checkLog(Path dir, Path file, boolean offsets) {
        String where = file.getParent().getFileName() + "/" + file.getFileName();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw damaged(dir, where + " is unreadable (" + e.getClass().getSimpleName() + ")");
        }
        if (lines.isEmpty() || !lines.get(0).matches("v\\d+")) {
            throw damaged(dir, where + " does not start with a version line such as v1");
        }
        if (lines.size() < 2) {
            throw damaged(dir, where + " is truncated (no content after the version line)");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (offsets && i >= 2 && line.equals("-")) {
                continue;
            }
            try {
                JsonNode n = Json.MAPPER.readTree(line);
                if (n == null || !n.isObject()) {
                    throw new IOException("not a JSON object");
                }
            } catch (IOException e) {
                throw damaged(dir, where + " line " + (i + 1) + " is not valid JSON (" + firstLine(e.getMessage())
                        + ")");
            }
        }
    }

    /** Batch files of a metadata log by batch id; Spark's hidden .crc and temporary files are skipped. */
    private static TreeMap<Long, Path> batchFiles(Path logDir) {
        TreeMap<Long, Path> files = new TreeMap<>();
        if (!Files.isDirectory(logDir)) {
            return files;
        }
        try (Stream<Path> s = Files.list(logDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("\\d+") && Files.isRegularFile(p)) {
                    files.put(Long.parseLong(name), p);
                }
            }
        } catch (IOException e) {
            throw new UnusableCheckpointException("cannot list " + logDir + ": " + e.getMessage());
        }
        return files;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new UnusableCheckpointException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static UnusableCheckpointException damaged(Path dir, String what) {
        return new UnusableCheckpointException("checkpoint " + dir + " is damaged: " + what + ". Refusing to start "
                + "rather than count again or lose counts silently. " + RECOVER);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
