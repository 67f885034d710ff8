package io.sfcrime.kafkalocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/run-local.sh} (the {@code make run} script) run for real with bash: a second run must refuse before
 * it touches the first run's directory or port. These cases all end at the checks, before any build or broker.
 */
class RunLocalScriptTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "run-local.sh").toAbsolutePath().normalize();

    @TempDir
    Path runDir;

    @Test
    void aLiveOwnerOfTheRunDirectoryIsNamedAndNothingIsTouched() throws Exception {
        Path data = Files.writeString(runDir.resolve("kafka.log"), "the first run's log");
        Process owner = new ProcessBuilder("sleep", "600").start();
        try {
            Files.writeString(runDir.resolve("run.lock"), owner.pid() + "\n");
            try (ServerSocket free = freePortHolder()) {
                int port = free.getLocalPort();
                free.close();
                Result r = runScript(port);

                assertThat(r.rc).isEqualTo(1);
                assertThat(r.output).contains("another run (PID " + owner.pid() + ") owns " + runDir);
                assertThat(data).hasContent("the first run's log");
                assertThat(runDir.resolve("run.lock")).hasContent(owner.pid() + "\n");
            }
        } finally {
            owner.destroy();
            owner.waitFor();
        }
    }

    @Test
    void aTakenPortIsRefusedBeforeTheRunDirectoryIsCleared() throws Exception {
        Path data = Files.writeString(runDir.resolve("kafka.log"), "the first run's log");
        try (ServerSocket taken = freePortHolder()) {
            Result r = runScript(taken.getLocalPort());

            assertThat(r.rc).isEqualTo(1);
            assertThat(r.output).contains("port " + taken.getLocalPort() + " is in use");
            assertThat(data).hasContent("the first run's log");
            // The refused run leaves no lock behind.
            assertThat(runDir.resolve("run.lock")).doesNotExist();
        }
    }

    @Test
    void aStaleLockOfADeadProcessIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(runDir.resolve("run.lock"), gone.pid() + "\n");
        try (ServerSocket taken = freePortHolder()) {
            // The taken port stops the run right after the lock was taken over.
            Result r = runScript(taken.getLocalPort());

            assertThat(r.output).contains("taking over the stale lock " + runDir.resolve("run.lock")
                    + " of PID " + gone.pid());
            assertThat(r.output).contains("port " + taken.getLocalPort() + " is in use");
            assertThat(runDir.resolve("run.lock")).doesNotExist();
        }
    }

    private record Result(int rc, String output) {
    }

    private Result runScript(int port) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().put("RUN_DIR", runDir.toString());
        pb.environment().put("KAFKA_PORT", Integer.toString(port));
        // Were the checks to pass, the script would build: make that fail at once instead.
        pb.environment().put("MVN", "false");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("script ended").isTrue();
        return new Result(p.exitValue(), out);
    }

    private static ServerSocket freePortHolder() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return s;
    }
}
