package io.sfcrime.producer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A file (re-readable, seekable) or standard input (read once). */
public final class InputSource {
    private final Path path;
    private final InputStream stdin;
    private final String name;

    private InputSource(Path path, InputStream stdin, String name) {
        this.path = path;
        this.stdin = stdin;
        this.name = name;
    }

    public static InputSource of(String spec) {
        return ProduceOptions.STDIN.equals(spec) ? stream(System.in, "stdin") : file(Path.of(spec));
    }

    public static InputSource file(Path path) {
        return new InputSource(path, null, path.toString());
    }

    public static InputSource stream(InputStream in, String name) {
        return new InputSource(null, in, name);
    }

    /** Used for {@code dlq.origin} and in messages. */
    public String name() {
        return name;
    }

    /** The file, or null for a stream. */
    public Path path() {
        return path;
    }

    /** Fails early, with a message, when the file is missing or unreadable. */
    public void check() throws InputException {
        if (path != null) {
            if (!Files.exists(path)) {
                throw new InputException("input file " + path + " does not exist");
            }
            if (Files.isDirectory(path)) {
                throw new InputException("input " + path + " is a directory, not a file");
            }
            if (!Files.isReadable(path)) {
                throw new InputException("input file " + path + " is not readable");
            }
        }
    }

    public InputStream open() throws InputException {
        if (path == null) {
            // Closing the run's stream must not close the process's stdin.
            return new FilterInputStream(stdin) {
                @Override
                public void close() {
                }
            };
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new InputException("input file " + path + " does not exist", e);
        } catch (IOException e) {
            throw new InputException("cannot open input " + path + ": " + e.getMessage(), e);
        }
    }
}
