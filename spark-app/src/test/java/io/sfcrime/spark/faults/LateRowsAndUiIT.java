package io.sfcrime.spark.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.sfcrime.kafkalocal.junit.KafkaLocalExtension;
import io.sfcrime.spark.app.ItSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, two things a new user did not see: with the UI port taken, Spark moved to the next one while `make ui`
 * still printed the old one; and a batch that dropped rows behind the watermark said nothing. One drained run with the
 * port taken and an input whose second batch is two days older than its first.
 */
class LateRowsAndUiIT {
    @RegisterExtension
    static final KafkaLocalExtension KAFKA = new KafkaLocalExtension()
            .withJvmOptions(KafkaLocalExtension.QUICK_START_JVM_OPTIONS);
    private static final Pattern UI = Pattern.compile("Spark UI at (http://\\S+:(\\d+)/StreamingQuery/)");

    @TempDir
    Path dir;

    @Test
    void lateRowsAreAnnouncedAndTheUiAddressIsTheBoundOne() throws Exception {
        String topic = "late";
        Faults.createTopic(KAFKA.bootstrap(), topic, 1);
        List<String> values = new ArrayList<>();
        // Two batches of 5 (source.maxOffsetsPerTrigger) of new rows, then 3 rows two days older, behind the
        // watermark (newest window end 11:00 minus the default 1 day). Spark drops late rows by the watermark of the
        // batch before, hence the second batch of new rows.
        for (int i = 0; i < 10; i++) {
            values.add(call("n" + i, "2019-01-05T10:1" + i + ":00"));
        }
        for (int i = 0; i < 3; i++) {
            values.add(call("old" + i, "2019-01-03T08:0" + i + ":00"));
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, v)).get();
            }
        }
        Path tuning = ItSupport.tuning(dir, "late", 5);
        Path status = dir.resolve("status.json");
        StringBuilder output = new StringBuilder();
        int code;
        int taken;
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(0));
            taken = busy.getLocalPort();
            List<String> args = new ArrayList<>(ItSupport.args(KAFKA.bootstrap(), topic, dir, "late", tuning,
                    "--available-now", "--status-file", status.toString()));
            args.set(args.indexOf("--ui-port") + 1, String.valueOf(taken));
            code = ItSupport.runInProcess(args, output);
        }
        assertThat(code).as("exit code; output:%n%s", output).isZero();

        // The UI: printed and in the status as bound, not as asked; `make ui` reads the status.
        Matcher ui = UI.matcher(output);
        assertThat(ui.find()).as("UI line in:%n%s", output).isTrue();
        assertThat(Integer.parseInt(ui.group(2))).isNotEqualTo(taken);
        JsonNode s = ItSupport.read(status);
        assertThat(s.get("ui").asText()).isEqualTo(ui.group(1));
        Process make = new ProcessBuilder("make", "-s", "ui", "STATUS_FILE=" + status).directory(ItSupport.ROOT.toFile())
                .redirectErrorStream(true).start();
        String printed = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(make.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).startsWith("Spark UI: " + ui.group(1));

        // Late rows: the report's exact figure, announced on the console with what to change, and in the status.
        JsonNode report = ItSupport.read(dir.resolve("late-report.json"));
        assertThat(report.get("valid_rows").asLong()).isEqualTo(13);
        assertThat(report.get("late_rows_dropped").asLong()).isEqualTo(3);
        assertThat(output).containsPattern("spark-app: batch \\d+ dropped 3 valid row\\(s\\) older than the watermark \\(")
                .contains("query.watermarkDelay 1 day); they are not counted (report: late_rows_dropped). To keep "
                        + "them: raise query.watermarkDelay in the tuning, or send the input in event-time order "
                        + "(producer --replay event-time)");
        assertThat(s.get("late_rows").get("total").asLong()).isEqualTo(3);
        assertThat(s.get("late_rows").get("last_batch").asLong()).isEqualTo(3);
        assertThat(s.get("late_rows").get("advice").asText()).contains("query.watermarkDelay", "--replay event-time");
        assertThat(Files.readString(status)).contains("\"ui\" : \"" + ui.group(1) + "\"");
    }

    private static String call(String id, String time) {
        return "{\"crime_id\":\"" + id + "\",\"original_crime_type_name\":\"Theft\",\"call_date_time\":\"" + time
                + "\",\"disposition\":\"ADV\"}";
    }
}
