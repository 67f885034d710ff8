package io.sfcrime.common.tuning;

import java.util.Map;
import java.util.stream.Collectors;

/** Tuning that must not reach Spark: every rejected key with the reason. */
public class InvalidTuningException extends IllegalArgumentException {
    private final Map<String, String> rejected;

    public InvalidTuningException(Map<String, String> rejected) {
        super("invalid tuning: " + rejected.values().stream().collect(Collectors.joining("; ")));
        this.rejected = Map.copyOf(rejected);
    }

    public Map<String, String> rejected() {
        return rejected;
    }
}
