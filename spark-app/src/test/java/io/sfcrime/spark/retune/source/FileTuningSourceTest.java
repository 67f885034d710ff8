package io.sfcrime.spark.retune.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FileTuningSourceTest {
    @TempDir
    Path dir;

    @Test
    void seesInPlaceWritesAndRenamesOverTheFileAndReportsBadYaml() throws Exception {
        Path file = dir.resolve("tuning.yaml");
        Files.writeString(file, "console.topN: 3\n");
        List<Observed> seen = new CopyOnWriteArrayList<>();
        try (FileTuningSource source = new FileTuningSource(file)) {
            Observed first = source.read();
            assertThat(first.raw()).containsEntry("console.topN", 3L);
            source.start(seen::add);

            Files.writeString(file, "console.topN: 4\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream()
                    .anyMatch(o -> Long.valueOf(4).equals(o.raw().get("console.topN"))));

            // How editors save: a new file renamed over the old one.
            Path tmp = dir.resolve(".tuning.yaml.swp");
            Files.writeString(tmp, "# saved by an editor\nconsole.topN: 5\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream()
                    .anyMatch(o -> Long.valueOf(5).equals(o.raw().get("console.topN"))));

            Files.writeString(file, "console.topN: \"unclosed\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(o -> o.error() != null));
            assertThat(seen.stream().filter(o -> o.error() != null).findFirst().orElseThrow().error())
                    .contains(file.toString()).contains("not valid YAML").contains("keeping the last applied tuning");
        }
        // Same content, same digest: what makes the reconciler idempotent.
        assertThat(seen.stream().filter(o -> Long.valueOf(4).equals(o.raw().get("console.topN")))
                .map(Observed::digest).distinct()).hasSize(1);
    }
}
