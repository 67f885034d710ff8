package io.sfcrime.spark.retune.source;

import io.sfcrime.common.tuning.TuningFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the local tuning YAML. The parent directory is watched, not the file: editors save by writing a new file
 * and renaming it over the old one, which a watch on the file itself would miss. A slow poll of the content hash
 * backs the watch up (file systems without inotify, a ConfigMap volume swapping its symlink).
 */
public final class FileTuningSource implements TuningSource {
    private static final Logger LOG = LoggerFactory.getLogger(FileTuningSource.class);
    private static final long POLL_SECONDS = 2;

    private final Path file;
    private volatile boolean closed;
    private WatchService watcher;
    private Thread thread;

    public FileTuningSource(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return "file:" + file;
    }

    @Override
    public Observed read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Observed.failed("missing", "cannot read tuning file " + file + ": " + e.getMessage()
                    + "; keeping the last applied tuning");
        }
        String version = "sha256:" + Observed.digest(text);
        try {
            return Observed.of(TuningFile.parse(text, file.toString()), version);
        } catch (IllegalArgumentException e) {
            return Observed.failed(version, e.getMessage() + "; keeping the last applied tuning");
        }
    }

    @Override
    public synchronized void start(Consumer<Observed> onChange) {
        try {
            watcher = file.getFileSystem().newWatchService();
            file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            LOG.warn("cannot watch {} ({}); polling it every {} s instead", file.getParent(), e.toString(), POLL_SECONDS);
            watcher = null;
        }
        thread = new Thread(() -> loop(onChange), "tuning-file-watcher");
        thread.setDaemon(true);
        thread.start();
        LOG.info("watching tuning file {}", file);
    }

    private void loop(Consumer<Observed> onChange) {
        while (!closed) {
            try {
                if (watcher != null) {
                    WatchKey key = watcher.poll(POLL_SECONDS, TimeUnit.SECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                } else {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(POLL_SECONDS));
                }
                // Offered after every event in the directory and every poll: the reconciler drops unchanged content.
                if (!closed) {
                    onChange.accept(read());
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("tuning file watcher: {}", e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing watcher: {}", e.toString());
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
