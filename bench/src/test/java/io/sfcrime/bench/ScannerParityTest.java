package io.sfcrime.bench;

import io.sfcrime.bench.ceiling.CallCounter;
import io.sfcrime.common.Invalid;
import io.sfcrime.common.RadioCodes;
import io.sfcrime.common.scan.RecordCorpus;
import io.sfcrime.common.scan.ReferenceVerdict;
import io.sfcrime.producer.Element;
import io.sfcrime.producer.ElementScanner;
import io.sfcrime.producer.RecordDecoder;
import io.sfcrime.spark.pipeline.CallScan;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three readers of call records (the producer on each element of its input, the Spark job's scan UDF on each
 * Kafka value, the benchmark ceiling on each value it drains) give every value of common's record corpus the same
 * verdict and reason, and that verdict is the reference's. The producer only meets values a file can hold: a null
 * value or a blank one never becomes an element (blank lines are skipped), so those are compared between the
 * other two.
 */
class ScannerParityTest {
    private static final int CAP = 900 * 1024;

    @Test
    void producerSparkAndCeilingGiveEveryValueTheSameVerdictAndReason() throws IOException {
        CallCounter ceiling = new CallCounter(Duration.ofHours(1), Duration.ofDays(3650), RadioCodes.of(Map.of()));
        List<String> mismatches = new ArrayList<>();
        int threeWay = 0;
        int invalid = 0;
        for (byte[] v : RecordCorpus.values()) {
            String reference = ReferenceVerdict.reason(v);
            String spark = CallScan.scan(v).getString(0);
            Invalid counted = ceiling.accept(v);
            String ceilingReason = counted == null ? null : counted.code();
            String producer = producerReason(v);
            if (producer != null) {
                threeWay++;
                producer = producer.equals("valid") ? null : producer;
            } else {
                producer = reference; // not a file's element: nothing to compare on the producer's side
            }
            if (!Objects.equals(reference, spark) || !Objects.equals(reference, ceilingReason)
                    || !Objects.equals(reference, producer)) {
                mismatches.add(show(v) + ": reference " + reference + ", producer " + producer + ", spark " + spark
                        + ", ceiling " + ceilingReason);
            }
            invalid += reference == null ? 0 : 1;
        }
        assertThat(mismatches).isEmpty();
        assertThat(threeWay).isGreaterThan(180);
        assertThat(invalid).isGreaterThan(100);
        assertThat(ceiling.report().invalidRows()).isEqualTo(invalid);
    }

    /**
     * The producer's verdict on a value as the one record of an input file ("valid" or the reason), or null when a
     * file cannot hold it as an element.
     */
    private static String producerReason(byte[] v) throws IOException {
        if (v == null || new String(v, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        // A line of NDJSON, or the one element of a JSON array when it spans lines or would itself start an array.
        String text = new String(v, StandardCharsets.UTF_8);
        boolean inArray = text.contains("\n") || text.strip().startsWith("[");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes((inArray ? "[" : "").getBytes(StandardCharsets.UTF_8));
        file.writeBytes(v);
        file.writeBytes((inArray ? "]" : "\n").getBytes(StandardCharsets.UTF_8));
        ElementScanner scanner = new ElementScanner(new ByteArrayInputStream(file.toByteArray()), CAP);
        Element e = scanner.newElement();
        assertThat(scanner.next(e)).as("an element in %s", show(v)).isTrue();
        Invalid why = new RecordDecoder(CAP).decode(e, null);
        assertThat(scanner.next(e)).as("only one element in %s", show(v)).isFalse();
        return why == null ? "valid" : why.code();
    }

    private static String show(byte[] v) {
        return v == null ? "<null>" : "'" + new String(v, StandardCharsets.UTF_8) + "'";
    }
}
