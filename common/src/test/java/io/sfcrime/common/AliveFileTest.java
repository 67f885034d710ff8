package io.sfcrime.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class AliveFileTest {
    @TempDir
    Path dir;

    @Test
    void touchCreatesTheFileAndMovesItsModificationTime() throws Exception {
        Path path = dir.resolve("sub/alive");
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        new AliveFile(path, Clock.fixed(t0, ZoneOffset.UTC)).touch();
        assertThat(Files.getLastModifiedTime(path).toInstant()).isEqualTo(t0);
        Instant t1 = t0.plusSeconds(90);
        new AliveFile(path, Clock.fixed(t1, ZoneOffset.UTC)).touch();
        assertThat(Files.getLastModifiedTime(path).toInstant()).isEqualTo(t1);
        assertThat(Files.size(path)).isZero();
    }

    @Test
    void noPathMeansNoFile() {
        assertThat(AliveFile.at(null)).isNull();
        assertThat(AliveFile.at(dir.resolve("a")).path()).isEqualTo(dir.resolve("a"));
    }
}
