package io.sfcrime.charttests.e2e;

import java.util.Map;

/** What the driver's status ConfigMap says about its autoscaler. */
final class AutoscalerStatus {
    private AutoscalerStatus() {
    }

    /** The executor count the autoscaler last asked for; -1 when the status says none. */
    static int target(Map<String, String> status) {
        return -1;
    }
}
