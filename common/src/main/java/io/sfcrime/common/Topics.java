package io.sfcrime.common;

/** Default topic names; every CLI and the chart can override them with the same option names. */
public final class Topics {
    public static final String CALLS = "calls";
    public static final String RESULTS = "results";
    public static final String DEAD_LETTER = "calls.dlq";

    private Topics() {
    }
}
