package io.sfcrime.producer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProducerCliTest {
    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        return ProducerCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpListsTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--bootstrap", "--input", "--dead-letter-topic", "--summary-json",
                "--replay", "--loop", "--rate", "--limit");
    }

    @Test
    void badOptionValuesAreRejectedWithTheOptionNamed() throws IOException {
        Path in = Files.writeString(dir.resolve("in.json"), "[]");
        assertThat(run("--input", in.toString(), "--loop", "twice")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--loop");
        assertThat(run("--input", in.toString(), "--replay", "random")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(run("--input", in.toString(), "--max-record-bytes", "2000000")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--max-record-bytes");
        assertThat(run("--input", "-", "--replay", "event-time")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(run("--input", in.toString(), "--rate", "-5")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(run()).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(run("--input", in.toString(), "--min-event-time", "2019-02-30")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--min-event-time: '2019-02-30' is not a date (yyyy-MM-dd)");
        assertThat(run("--input", in.toString(), "--max-future-skew", "tomorrow")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--max-future-skew: 'tomorrow' is not a duration");
    }

    @Test
    void limitZeroMeansNoLimitAsEverywhereAndNegativesAreRejected() throws IOException {
        // Issue 16: --limit 0 sent nothing while --rate 0 and the consumer's --max-messages 0 mean "no limit".
        ProducerCli cli = new ProducerCli();
        new picocli.CommandLine(cli).parseArgs("--input", "x.json", "--limit", "0");
        assertThat(cli.options().limit()).isEqualTo(Long.MAX_VALUE);
        new picocli.CommandLine(cli).parseArgs("--input", "x.json", "--limit", "5");
        assertThat(cli.options().limit()).isEqualTo(5);
        Path in = Files.writeString(dir.resolve("in.json"), "[]");
        assertThat(run("--input", in.toString(), "--limit", "-1")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--limit must be a positive count, or 0 for no limit, got -1");
    }

    @Test
    void theEventTimeRangeDefaultsAreTheTuningKeysDefaults() {
        ProducerCli cli = new ProducerCli();
        new picocli.CommandLine(cli).parseArgs("--input", "x.json");
        assertThat(cli.options().eventTimeRange().floor()).hasToString("1970-01-01");
        assertThat(cli.options().eventTimeRange().maxFutureSkew()).hasToString("PT24H");
        assertThat(run("--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("(default: 1970-01-01)", "(default: 1 day)");
    }

    @Test
    void rateScheduleIsParsedIntoTheOptionsAndABadOneNamesTheStep() throws IOException {
        ProducerCli cli = new ProducerCli();
        new picocli.CommandLine(cli).parseArgs("--input", "x.json", "--rate-schedule", "100:30s,2000:1m");
        assertThat(cli.options().pacing().steps()).hasSize(2);
        assertThat(cli.options().rateSchedule()).hasToString("100:30s,2000:60s");
        new picocli.CommandLine(cli = new ProducerCli()).parseArgs("--input", "x.json", "--rate", "40");
        assertThat(cli.options().pacing()).hasToString("40:forever");
        Path in = Files.writeString(dir.resolve("in.json"), "[]");
        assertThat(run("--input", in.toString(), "--rate-schedule", "100:30s,fast")).isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--rate-schedule: step 2 'fast' is not RATE:DURATION");
        assertThat(run("--input", in.toString(), "--rate", "5", "--rate-schedule", "100:30s"))
                .isEqualTo(ProducerCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--rate-schedule replaces --rate");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("--rate-schedule");
    }

    @Test
    void loopAcceptsForever() {
        assertThat(ProducerCli.parseLoops("forever")).isEqualTo(ProduceOptions.FOREVER);
        assertThat(ProducerCli.parseLoops("3")).isEqualTo(3);
    }

    @Test
    void missingInputFileIsAClearError() {
        assertThat(run("--input", dir.resolve("nope.json").toString(), "--bootstrap", "127.0.0.1:1"))
                .isEqualTo(ProducerCli.EXIT_INPUT);
        assertThat(err.toString()).contains("nope.json", "does not exist");
    }

    @Test
    void unreachableBrokerGivesExitCodeThreeAndSaysWhatToDo() throws IOException {
        Path in = Files.writeString(dir.resolve("in.json"), "[]");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free once closed: nothing listens there
        }
        int code = run("--input", in.toString(), "--bootstrap", "127.0.0.1:" + port, "--connect-timeout-ms", "1500");
        assertThat(code).isEqualTo(ProducerCli.EXIT_BROKER_UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach a Kafka broker at 127.0.0.1:" + port, "--bootstrap");
    }
}
