package io.sfcrime.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;

/**
 * A file whose modification time says a process still makes progress: the driver touches it after each query
 * progress, the consumer after each poll. Kubernetes probes read its age with {@code stat} (no JVM per probe), so a
 * process that hangs or whose queries stopped is reported not ready, then restarted.
 */
public final class AliveFile {
    private final Path path;
    private final Clock clock;

    public AliveFile(Path path) {
        this(path, Clock.systemUTC());
    }

    AliveFile(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    /** The file at {@code path}, or null when no path was given (the option is off). */
    public static AliveFile at(Path path) {
        return path == null ? null : new AliveFile(path);
    }

    public Path path() {
        return path;
    }

    /** Creates the file if needed and sets its modification time to now. */
    public void touch() throws IOException {
        if (!Files.exists(path)) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                Files.createFile(path);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another thread of this process created it first: fine
            }
        }
        Files.setLastModifiedTime(path, FileTime.from(clock.instant()));
    }
}
