package io.sfcrime.charttests.e2e;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the rig that are not chart values (those are in the rig's values file and read back from the
 * rendered chart): system properties, set by {@code make e2e} from its variables.
 *
 * @param scenario            {@code e2e.scenario} (SCENARIO): which {@link Scenario} runs
 * @param values              {@code e2e.values} (E2E_VALUES): the rig's values file, under the scenario's own
 * @param release             {@code e2e.release}: the Helm release name; every pod and volume name starts with it
 * @param namespace           {@code e2e.namespace}: the namespace of the release in the rig's API server
 * @param kafkaControllerPort {@code e2e.kafka.controllerPort} (E2E_KAFKA_CONTROLLER_PORT): kafka-local's KRaft port
 * @param timeout             {@code e2e.timeout.s} (E2E_TIMEOUT): the whole run, set-up and clean-up included
 * @param workDir             where the rig keeps generated files, pod directories and logs
 */
public record RigSettings(Path root, String scenario, Path values, String release, String namespace,
                          int kafkaControllerPort, Duration timeout, Path workDir) {

    public static RigSettings fromSystemProperties() {
        Path root = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();
        return new RigSettings(root,
                System.getProperty("e2e.scenario", "drain"),
                root.resolve(System.getProperty("e2e.values", "chart-tests/src/test/resources/e2e/values.yaml")),
                System.getProperty("e2e.release", "e2e"),
                System.getProperty("e2e.namespace", "sf-crime-e2e"),
                Integer.getInteger("e2e.kafka.controllerPort", 19493),
                Duration.ofSeconds(Long.getLong("e2e.timeout.s", 540)),
                root.resolve("chart-tests/target/e2e"));
    }

    public Path chart() {
        return root.resolve("helm/sf-crime-streaming");
    }

    /** Scenario values files live beside the rig's values file. */
    public Path scenarioValues(String file) {
        return values.getParent().resolve(file);
    }
}
