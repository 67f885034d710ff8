package io.sfcrime.spark.config;

import io.sfcrime.common.tuning.Tuning;
import io.sfcrime.common.tuning.TuningKeys;

/**
 * The tuning the running job reads at each micro-batch (LIVE keys such as {@code console.topN}). One holder, so a
 * reconciler can swap the whole tuning atomically and every batch sees one consistent version.
 */
public final class RuntimeSettings {
    private volatile Tuning tuning;

    public RuntimeSettings(Tuning tuning) {
        this.tuning = tuning;
    }

    public Tuning tuning() {
        return tuning;
    }

    public void update(Tuning next) {
        this.tuning = next;
    }

    public int consoleTopN() {
        return tuning.getInt(TuningKeys.CONSOLE_TOP_N);
    }
}
