package io.sfcrime.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Failures that must be reported before any broker starts (so these run in-process and quickly). */
class KafkaLocalCliTest {

    @TempDir
    Path dir;

    @Test
    void aTakenPortIsReportedWithExitCode3() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            String[] err = new String[1];
            int rc = runCapturingStderr(err, "--port", Integer.toString(port), "--controller-port", "0",
                    "--data-dir", dir.toString());

            assertThat(rc).isEqualTo(KafkaLocal.EXIT_PORT_IN_USE);
            assertThat(err[0]).contains("port " + port + " on 127.0.0.1 is already in use");
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new KafkaLocal()).setErr(new PrintWriter(err));

        assertThat(cmd.execute("--partitions", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--partitions must be at least 1");
        assertThat(cmd.execute("--port", "70000")).isEqualTo(2);
        assertThat(cmd.execute("--port", "19092", "--controller-port", "19092")).isEqualTo(2);
    }

    private static int runCapturingStderr(String[] captured, String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            return new CommandLine(new KafkaLocal()).execute(args);
        } finally {
            System.setErr(original);
            captured[0] = buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
