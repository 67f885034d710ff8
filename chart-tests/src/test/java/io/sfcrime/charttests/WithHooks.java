package io.sfcrime.charttests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Hooks in a helm-java render. helm-java's template prints the release manifest only (what install and upgrade
 * apply): Helm keeps the objects annotated {@code helm.sh/hook} apart. A copy of the chart with that annotation
 * renamed renders them too; {@link #restore} puts the name back in the output.
 */
public final class WithHooks {
    public static final String HOOK = "helm.sh/hook";
    private static final String ALIAS = "sfcs-tests.invalid/hook";

    private WithHooks() {
    }

    /** A temporary copy of the chart whose templates carry the renamed annotation. */
    public static Path chartCopy(Path chart) {
        try {
            Path copy = Files.createTempDirectory("sfcs-chart").resolve(chart.getFileName().toString());
            try (Stream<Path> s = Files.walk(chart)) {
                for (Path p : s.toList()) {
                    Path target = copy.resolve(chart.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else if (chart.relativize(p).startsWith("templates")) {
                        Files.writeString(target, Files.readString(p).replace(HOOK, ALIAS));
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the chart " + chart, e);
        }
    }

    /** Removes a copy made by {@link #chartCopy} (and its temporary parent directory). */
    public static void delete(Path copy) {
        try (Stream<Path> s = Files.walk(copy.getParent())) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the chart copy " + copy, e);
        }
    }

    /** The rendered text with the annotation's real name. */
    public static String restore(String rendered) {
        return rendered.replace(ALIAS, HOOK);
    }
}
