package io.sfcrime.producer;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.common.gen.CallGenerator;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Constant memory: bin/producer replays a generated JSON array of about 280 MB, more than four times its heap,
 * under {@code -Xmx64m}. The input is generated on the fly into the producer's stdin, so no file of that size is
 * written and generating overlaps sending. A producer that kept anything per record (the records, the parsed
 * array) runs out of heap long before the end; one that streams finishes and acknowledges every valid record.
 * ({@code make producer-memory-check} does the same with a 560 MB file, outside {@code mvn verify}.)
 */
class ProducerMemoryIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);
    private static final long RECORDS = 500_000;
    private static final String HEAP = "-Xmx64m";

    @TempDir
    Path dir;

    @Test
    void aGeneratedInputFourTimesTheHeapStreamsThroughUnderXmx64m() throws Exception {
        CallGenerator gen = new CallGenerator(CallGenerator.Options.defaults().withCount(RECORDS)
                .withInvalidFraction(0.02).withSeed(42));
        Path summary = dir.resolve("summary.json");
        Path log = dir.resolve("producer.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("project.root", ".."), "bin", "producer")
                .toString(), "--bootstrap", KAFKA.bootstrap(), "--input", ProduceOptions.STDIN, "--topic", "memory",
                "--dead-letter-topic", "memory.dlq", "--progress-interval", "0", "--summary-json", summary.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // One heap limit, and only ours: JAVA_OPTS is what the launcher passes to the JVM.
        pb.environment().put("JAVA_OPTS", HEAP + " -XX:+ExitOnOutOfMemoryError");
        Process producer = pb.start();

        CallGenerator.Summary written;
        try (OutputStream stdin = producer.getOutputStream()) {
            written = gen.write(stdin);
        } catch (java.io.IOException e) {
            // The producer died while reading (its log says why): fall through to its exit code.
            written = null;
        }
        assertThat(producer.waitFor(10, TimeUnit.MINUTES)).as("producer finishes; log:%n%s", tail(log)).isTrue();
        assertThat(producer.exitValue()).as("producer exit under %s; log:%n%s", HEAP, tail(log)).isZero();
        assertThat(written).as("the whole input was written").isNotNull();
        assertThat(written.bytes()).as("input bytes").isGreaterThan(250L * 1024 * 1024);
        JsonNode s = ProducerIT.summary(summary);
        assertThat(s.get("read").asLong()).isEqualTo(RECORDS);
        assertThat(s.get("sent").asLong()).isEqualTo(written.valid());
        assertThat(s.get("invalid").asLong()).isEqualTo(written.invalid()).isEqualTo(gen.invalidCount());
        System.out.printf("ProducerMemoryIT: %d MiB, %d records through %s%n", written.bytes() >> 20, RECORDS, HEAP);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
