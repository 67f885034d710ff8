package io.sfcrime.spark.retune;

import io.sfcrime.common.tuning.ApplyMode;

/** One key whose applied value changes: texts as in the status ({@code null} when the key is absent). */
public record Change(String key, String from, String to, ApplyMode mode) {
    @Override
    public String toString() {
        return key + " " + (from == null ? "(unset)" : from) + " -> " + (to == null ? "(unset)" : to);
    }
}
