package io.sfcrime.charttests.e2e;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One end-to-end run: values layered over the rig's, a producer plan, and assertions, played on a {@link Stage}
 * once the rig has started Kafka and the API server and applied the chart. The rig then checks every request the
 * driver sent against its Role (shutdown included) and cleans up, whatever happened. Failures are thrown as
 * {@link Stage.Failure} or recorded with {@code stage.verdict().fail(...)}.
 */
public interface Scenario {

    /** Values files beside the rig's values file, applied over it in order. */
    default List<String> values() {
        return List.of();
    }

    void play(Stage stage) throws Exception;

    /** The scenarios {@code make e2e SCENARIO=name} knows. */
    Map<String, Supplier<Scenario>> ALL = Map.of("drain", DrainScenario::new, "autoscale", AutoscaleScenario::new);

    static Scenario named(String name) {
        Supplier<Scenario> s = ALL.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown e2e scenario '" + name + "'; known: " + ALL.keySet());
        }
        return s.get();
    }
}
