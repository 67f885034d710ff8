package io.sfcrime.spark.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.report.ExpectedReport;
import io.sfcrime.spark.app.ItSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Injected, one at a time on a real checkpoint written by a drained run: the counts query's metadata deleted; its
 * latest offsets file overwritten with garbage; its state/ deleted; and the shape of an incomplete checkpoint of the
 * former two-query job, a {@code dead-letter} directory with progress but no {@code counts} (made from the real
 * query directory renamed). Verified: each start is refused (exit 2) before Spark starts, with a message naming the
 * damage and how to recover, no stack trace, and the previous report left untouched (no silent recount). (The job has
 * one query now, so a checkpoint of its own without {@code counts} is no checkpoint: a new job, as the first drain
 * shows.) Then the recovery the message describes (restore the checkpoint from a copy) works, with a leftover
 * {@code dead-letter} directory beside it as an upgraded checkpoint has: more input is drained and the report equals
 * the counts computed in plain Java from all input.
 */
class CheckpointFaultIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);

    static {
        Faults.preload();
    }

    @TempDir
    Path dir;

    @Test
    void damagedCheckpointsAreRefusedWithHowToRecoverAndARestoredOneResumesExactly() throws Exception {
        List<byte[]> first = ItSupport.generated(4_000, 31);
        ItSupport.load(KAFKA.bootstrap(), "ckpt", first);
        Path tuning = ItSupport.tuning(dir, "ckpt", 1_000);
        List<String> args = ItSupport.args(KAFKA.bootstrap(), "ckpt", dir, "ckpt", tuning, "--available-now");
        Path checkpoint = dir.resolve("ckpt-checkpoint");
        Path report = dir.resolve("ckpt-report.json");

        StringBuilder output = new StringBuilder();
        assertThat(ItSupport.runInProcess(args, output)).as("first drain; output:%n%s", output).isZero();
        assertThat(output).as("a missing checkpoint is announced as a new job").contains("starting a new job");
        assertThat(ExpectedReport.differences(ItSupport.read(report), ExpectedReport.compute(first, ItSupport.codes())))
                .isNull();
        Path backup = dir.resolve("backup");
        copy(checkpoint, backup);
        String reportBefore = Files.readString(report);

        refused(args, () -> Files.delete(checkpoint.resolve("counts/metadata")), "metadata file (the query id) is missing",
                checkpoint, backup, report, reportBefore);
        refused(args, () -> Files.writeString(latest(checkpoint.resolve("counts/offsets")), "v1\n{\"batchWatermarkMs\":0,"
                + "\u0000\u0000 half-written"), "is not valid JSON", checkpoint, backup, report, reportBefore);
        refused(args, () -> delete(checkpoint.resolve("counts/state")), "state/ (the running counts) is missing",
                checkpoint, backup, report, reportBefore);
        refused(args, () -> Files.move(checkpoint.resolve("counts"), checkpoint.resolve("dead-letter")),
                "is incomplete", checkpoint, backup, report, reportBefore);

        // Recovery as the message says: the checkpoint restored from the copy; more input; drain. A directory of the
        // former dead-letter query beside it (as in a checkpoint written before the upgrade) is left alone.
        delete(checkpoint);
        copy(backup, checkpoint);
        copy(backup.resolve("counts"), checkpoint.resolve("dead-letter"));
        List<byte[]> more = ItSupport.generated(6_000, 31).subList(4_000, 6_000);
        Faults.append(KAFKA.bootstrap(), "ckpt", more, 4_000);
        output.setLength(0);
        assertThat(ItSupport.runInProcess(args, output)).as("drain after restore; output:%n%s", output).isZero();
        assertThat(output).doesNotContain("starting a new job");
        List<byte[]> all = new ArrayList<>(first);
        all.addAll(more);
        assertThat(ExpectedReport.differences(ItSupport.read(report), ExpectedReport.compute(all, ItSupport.codes())))
                .as("restored checkpoint: counts continue exactly").isNull();
    }

    interface Damage {
        void apply() throws Exception;
    }

    private static void refused(List<String> args, Damage damage, String expected, Path checkpoint, Path backup,
                                Path report, String reportBefore) throws Exception {
        delete(checkpoint);
        copy(backup, checkpoint);
        damage.apply();
        StringBuilder output = new StringBuilder();
        int code = ItSupport.runInProcess(args, output);
        assertThat(code).as("refused; output:%n%s", output).isEqualTo(2);
        assertThat(output).contains(expected).contains("restore the whole checkpoint directory")
                .doesNotContain("Spark UI at");
        assertThat(Faults.hasStackTrace(output.toString())).as("a message, not a stack trace:%n%s", output).isFalse();
        assertThat(Files.readString(report)).as("the report was not rewritten").isEqualTo(reportBefore);
    }

    private static Path latest(Path logDir) throws IOException {
        try (Stream<Path> s = Files.list(logDir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString()))).orElseThrow();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
