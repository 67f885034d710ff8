package io.sfcrime.spark.retune.status;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The local status file, replaced atomically (temp file in the same directory, then a rename) so a reader such as
 * {@code make status} never sees half a file. Events are log lines only.
 */
public final class FileStatusSink implements StatusSink {
    private static final Logger LOG = LoggerFactory.getLogger(FileStatusSink.class);
    private final Path file;

    public FileStatusSink(Path file) {
        this.file = file.toAbsolutePath();
    }

    @Override
    public synchronized void write(TuningStatus status, boolean change) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, status.toPrettyJson(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            LOG.warn("cannot write status file {}: {}", file, e.toString());
        }
    }

    @Override
    public void event(boolean warning, String reason, String message) {
        // The reconciler logs each step already; the file keeps the last change.
    }
}
