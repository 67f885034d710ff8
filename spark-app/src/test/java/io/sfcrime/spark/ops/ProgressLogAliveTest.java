package io.sfcrime.spark.ops;

import io.sfcrime.common.AliveFile;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The driver's alive file, which its Kubernetes probes read: touched at query start and at each idle event. */
class ProgressLogAliveTest {
    @TempDir
    Path dir;

    @Test
    void queryStartAndIdleEventsTouchTheAliveFile() throws Exception {
        Path alive = dir.resolve("alive");
        ProgressLog log = new ProgressLog(null, new AliveFile(alive));
        UUID id = UUID.randomUUID();
        log.onQueryStarted(new StreamingQueryListener.QueryStartedEvent(id, UUID.randomUUID(), "counts",
                "2026-01-01T00:00:00.000Z"));
        assertThat(alive).exists();
        FileTime old = FileTime.from(Instant.now().minusSeconds(600));
        Files.setLastModifiedTime(alive, old);
        log.onQueryIdle(new StreamingQueryListener.QueryIdleEvent(id, UUID.randomUUID(), "2026-01-01T00:10:00.000Z"));
        assertThat(Files.getLastModifiedTime(alive).toInstant()).isAfter(old.toInstant().plusSeconds(300));
        // Without an alive file nothing is written.
        new ProgressLog(null).onQueryStarted(new StreamingQueryListener.QueryStartedEvent(id, UUID.randomUUID(),
                "counts", "2026-01-01T00:00:00.000Z"));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(alive);
        }
    }
}
