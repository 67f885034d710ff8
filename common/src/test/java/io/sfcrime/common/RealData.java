package io.sfcrime.common;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real public files in {@code ../shared/data}, beside the repository rather than in it. A user's clone may not
 * have them, so a test on them is skipped there; CI has them and runs the tests with {@code -Dreal.data.required=true}
 * ({@code .ci/run}), which turns their absence into a failure instead of a silent skip. Shared with other modules'
 * tests through common's test jar.
 */
public final class RealData {
    /** The system property that makes a missing real file a failure. */
    public static final String REQUIRED = "real.data.required";
    public static final String SAMPLE = "police-department-calls-for-service.json";
    public static final String RADIO_CODES = "radio_code.json";

    private RealData() {
    }

    /** The real file's path; skips the calling test when it is absent, or fails it when the flag is set. */
    public static Path require(String name) {
        Path file = Path.of(System.getProperty("project.root", "..")).toAbsolutePath()
                .resolve("../shared/data").resolve(name).normalize();
        if (!Files.isRegularFile(file)) {
            if (Boolean.getBoolean(REQUIRED)) {
                throw new AssertionError("the real data file " + file + " is missing, and -D" + REQUIRED
                        + "=true says it must be there");
            }
            Assumptions.abort("the real data file " + file + " is not there (shared data absent); "
                    + "-D" + REQUIRED + "=true makes this a failure");
        }
        return file;
    }
}
