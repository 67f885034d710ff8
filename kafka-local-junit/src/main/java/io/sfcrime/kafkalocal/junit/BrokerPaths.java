package io.sfcrime.kafkalocal.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the extension finds the built kafka-local (the project root) and where it writes the broker's log. */
final class BrokerPaths {
    private BrokerPaths() {
    }

    static Path logDir() {
        String configured = System.getProperty("kafka.local.log.dir");
        if (configured != null) {
            return Paths.get(configured);
        }
        Path target = Paths.get("").toAbsolutePath().resolve("target");
        return Files.isDirectory(target) ? target : Paths.get(System.getProperty("java.io.tmpdir"));
    }

    static Path projectRoot() {
        String configured = System.getProperty("project.root");
        if (configured != null && !configured.isBlank()) {
            return requireBuilt(Paths.get(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("kafka-local"))) {
                return requireBuilt(dir);
            }
        }
        throw new KafkaLocalException("cannot find the project root (a folder holding kafka-local/) above "
                + Paths.get("").toAbsolutePath() + "; set -Dproject.root");
    }

    private static Path requireBuilt(Path root) {
        if (!Files.isRegularFile(root.resolve("kafka-local/target/kafka-local.jar"))
                || !Files.isDirectory(root.resolve("kafka-local/target/lib"))) {
            throw new KafkaLocalException("kafka-local is not built in " + root
                    + ": run 'mvn -B -o install -pl kafka-local -DskipTests' there first");
        }
        return root;
    }
}
