package io.sfcrime.charttests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Map;

/**
 * What the driver's status ConfigMap says about its autoscaler: the {@code autoscaler} key (compact JSON, with
 * {@code target_executors}) and the condition keys ({@code lagging}, {@code autoscalerActive}: each condition's
 * status under a key of its own, for {@code kubectl wait --for=jsonpath}).
 */
final class AutoscalerStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AutoscalerStatus() {
    }

    /** The executor count the autoscaler keeps in force; -1 when the status says none (yet). */
    static int target(Map<String, String> status) {
        String autoscaler = status.get("autoscaler");
        if (autoscaler == null || autoscaler.isBlank()) {
            return -1;
        }
        try {
            JsonNode n = JSON.readTree(autoscaler).path("target_executors");
            return n.isInt() ? n.asInt() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** A condition's status (True, False, Unknown) by its data key, e.g. {@code lagging}; "absent" when missing. */
    static String condition(Map<String, String> status, String dataKey) {
        String v = status.get(dataKey);
        return v == null || v.isBlank() ? "absent" : v;
    }
}
