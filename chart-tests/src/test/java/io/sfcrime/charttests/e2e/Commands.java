package io.sfcrime.charttests.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the external tools of the rig (podman, skopeo, keytool, jcmd) and says what failed and why. */
public final class Commands {

    /** Exit code and combined output of one command. */
    public record Result(List<String> command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        public Result orThrow() {
            if (!ok()) {
                throw new CommandFailed(this);
            }
            return this;
        }
    }

    public static final class CommandFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandFailed(Result r) {
            super(String.join(" ", r.command()) + " exited with " + r.exit() + ": " + tail(r.output(), 1200));
        }
    }

    private Commands() {
    }

    public static Result run(List<String> command, long timeoutSeconds) {
        return exec(command, Map.of(), timeoutSeconds).orThrow();
    }

    /** Runs and returns whatever happened; a timeout is exit code 124 (as timeout(1) reports it). */
    public static Result exec(List<String> command, Map<String, String> env, long timeoutSeconds) {
        Path out = null;
        try {
            out = Files.createTempFile("e2e-cmd", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            int exit;
            if (p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                exit = p.exitValue();
            } else {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                exit = 124;
            }
            return new Result(command, exit, Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** The last {@code max} characters, from a line start where possible. */
    public static String tail(String s, int max) {
        String t = s.strip();
        if (t.length() <= max) {
            return t;
        }
        String cut = t.substring(t.length() - max);
        int nl = cut.indexOf('\n');
        return "..." + (nl >= 0 && nl < max / 2 ? cut.substring(nl + 1) : cut);
    }
}
